/** "Delete this message for everyone?" — the confirmation before a tombstone replaces it. */
import { useTranslation } from 'react-i18next'
import { useCompose } from '../store/compose'
import { Dialog } from './Dialog'
import { deleteForEveryone } from './message-actions'

/** Where focus goes back to: what had it in the message's row (the row, its toolbar), else the row — the menu that opened this is gone. */
function openerIn(messageKey: string): HTMLElement | null {
  const row = [...document.querySelectorAll<HTMLElement>('[data-testid=message]')].find((element) => element.dataset.key === messageKey) ?? null
  const focused = document.activeElement
  return focused instanceof HTMLElement && row?.contains(focused) ? focused : row
}

export function DeleteMessageDialog() {
  const { t } = useTranslation()
  const message = useCompose((state) => state.deleting)
  if (message === null) return null
  const close = () => useCompose.getState().confirmDelete(null)
  return (
    <Dialog title={t('message.deleteTitle')} onClose={close} testId="delete-message-dialog" returnFocusTo={openerIn(message.key)}>
      <p className="dialog__text">{t('message.deleteBody')}</p>
      <div className="dialog__actions">
        <button type="button" className="button" onClick={close}>
          {t('message.cancel')}
        </button>
        <button
          type="button"
          className="button button--danger-solid"
          data-testid="confirm-delete"
          data-autofocus
          onClick={() => {
            deleteForEveryone(message)
            close()
          }}
        >
          {t('message.deleteConfirm')}
        </button>
      </div>
    </Dialog>
  )
}
