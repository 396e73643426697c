/**
 * Spelling, in the General tab: spell-check on or off, and which dictionary —
 * "System languages" (the OS's languages that have one; the default, an
 * empty `spellcheckLanguages`) or one of those Electron offers
 * (`getSpellcheckLanguages`; none in the e2e harness or on macOS, where the
 * OS checks by itself). A native switch and a native select: keyboard
 * accessible as they are.
 */
import { useEffect, useId } from 'react'
import { useTranslation } from 'react-i18next'
import type { Settings } from '../../../../shared/ipc'
import { useIntlLocale } from '../../hooks/useLocale'
import { dictionaryName, sortedDictionaries } from '../../lib/dictionary-names'
import { useSettings } from '../../store/settings'

const SYSTEM = 'system'

export function SpellingSection({ update }: { update(patch: Partial<Settings>): void }) {
  const { t } = useTranslation()
  const id = useId()
  const locale = useIntlLocale()
  const enabled = useSettings((state) => state.settings.spellcheck)
  const chosen = useSettings((state) => state.settings.spellcheckLanguages)
  const languages = useSettings((state) => state.spellcheckLanguages)

  useEffect(() => useSettings.getState().loadSpellcheckLanguages(), [])

  const available = languages?.available ?? []
  const fromSystem = languages?.fromSystem ?? []
  // A choice made where another dictionary existed stays listed, so the select shows the truth.
  const listed = sortedDictionaries([...new Set([...available, ...chosen])], locale)
  const systemLabel =
    fromSystem.length === 0 ? t('spelling.systemNone') : t('spelling.systemLanguages', { languages: fromSystem.map((code) => dictionaryName(code, locale)).join(', ') })

  return (
    <section aria-labelledby={`${id}-title`} className="spelling" data-testid="spelling-settings">
      <h3 id={`${id}-title`}>{t('spelling.section')}</h3>
      <label className="toggle">
        <input
          type="checkbox"
          role="switch"
          checked={enabled}
          aria-describedby={`${id}-hint`}
          data-testid="spellcheck-toggle"
          onChange={(e) => update({ spellcheck: e.target.checked })}
        />
        <span>{t('spelling.enabled')}</span>
      </label>
      <label className="field field--inline">
        <span className="field__label">{t('spelling.dictionary')}</span>
        <select
          value={chosen[0] ?? SYSTEM}
          disabled={!enabled}
          data-testid="spellcheck-language"
          onChange={(e) => update({ spellcheckLanguages: e.target.value === SYSTEM ? [] : [e.target.value] })}
        >
          <option value={SYSTEM}>{systemLabel}</option>
          {listed.map(({ code, name }) => (
            <option key={code} value={code}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <p className="field__hint" id={`${id}-hint`}>
        {t('spelling.hint')}
        {languages !== null && available.length === 0 && ` ${t('spelling.unavailable')}`}
      </p>
    </section>
  )
}
