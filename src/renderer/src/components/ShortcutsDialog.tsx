/**
 * Ctrl/Cmd+/: every shortcut of lib/keymap.ts, by where it works, each key
 * written for the platform (⌘ on macOS). A table per group, so a screen
 * reader reads "Go to a conversation — Ctrl+K" row by row.
 */
import { useTranslation } from 'react-i18next'
import { keyPlatform, SHORTCUT_GROUPS, shortcutLabels, shortcutsIn, type ShortcutId } from '../lib/keymap'
import { useSession } from '../store/session'
import { useUi } from '../store/ui'
import { Dialog } from './Dialog'

export function ShortcutsDialog() {
  const { t } = useTranslation()
  const platform = useSession((state) => keyPlatform(state.appInfo?.platform))
  return (
    <Dialog title={t('shortcuts.helpTitle')} onClose={() => useUi.getState().setDialog(null)} testId="shortcuts-dialog" className="dialog--shortcuts">
      <div className="dialog__body shortcuts-help" tabIndex={0}>
        <p className="field__hint">{t('shortcuts.helpIntro')}</p>
        {SHORTCUT_GROUPS.map((group) => (
          <table key={group} className="shortcuts-help__table" data-testid="shortcut-group" data-group={group}>
            <caption>{t(`shortcuts.groups.${group}`)}</caption>
            <tbody>
              {shortcutsIn(group).map((shortcut) => (
                <tr key={shortcut.id} data-testid="shortcut" data-shortcut-id={shortcut.id}>
                  <th scope="row">{t(`shortcuts.actions.${shortcut.id as ShortcutId}`)}</th>
                  <td>
                    {shortcutLabels(shortcut.id as ShortcutId, platform).map((label, index) => (
                      <span key={label}>
                        {index > 0 && <span className="shortcuts-help__or"> / </span>}
                        <kbd>{label}</kbd>
                      </span>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
      </div>
    </Dialog>
  )
}
