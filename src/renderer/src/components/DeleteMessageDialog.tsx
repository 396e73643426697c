/** "Delete this message for everyone?" — the confirmation before a tombstone replaces it. */
import { useTranslation } from 'react-i18next'
import { useCompose } from '../store/compose'
import { Dialog } from './Dialog'
import { deleteForEveryone, focusComposer } from './message-actions'

export function DeleteMessageDialog() {
  const { t } = useTranslation()
  const message = useCompose((state) => state.deleting)
  if (message === null) return null
  const close = () => {
    useCompose.getState().confirmDelete(null)
    focusComposer()
  }
  return (
    <Dialog title={t('message.deleteTitle')} onClose={close} testId="delete-message-dialog">
      <p className="dialog__text">{t('message.deleteBody')}</p>
      <div className="dialog__actions">
        <button type="button" className="button" onClick={close}>
          {t('message.cancel')}
        </button>
        <button
          type="button"
          className="button button--danger-solid"
          data-testid="confirm-delete"
          autoFocus
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
