/** The group's title in its info panel; the owner and admins rename it in place (Enter saves, Esc cancels). */
import { useRef, useState, type FormEvent, type KeyboardEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { LIMITS } from '../../../shared/limits'
import { useConversations } from '../store/conversations'
import { actionErrorText } from './action-error'
import { EditIcon } from './Icons'

export function GroupTitle({ conversationId, title, canRename }: { conversationId: string; title: string; canRename: boolean }) {
  const { t } = useTranslation()
  const [editing, setEditing] = useState(false)
  const [text, setText] = useState(title)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const editButton = useRef<HTMLButtonElement>(null)

  const stop = () => {
    setEditing(false)
    setError(null)
    requestAnimationFrame(() => editButton.current?.focus())
  }

  const save = (event: FormEvent) => {
    event.preventDefault()
    const next = text.trim()
    if (next === '') {
      setError(t('groupInfo.titleEmpty'))
      return
    }
    if (next === title) {
      stop()
      return
    }
    setBusy(true)
    setError(null)
    useConversations
      .getState()
      .rename(conversationId, next)
      .then(stop, (err: unknown) => setError(actionErrorText(t, err)))
      .finally(() => setBusy(false))
  }

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key !== 'Escape') return
    // Esc leaves the field, not the panel.
    event.preventDefault()
    event.stopPropagation()
    stop()
  }

  if (editing) {
    return (
      <form className="group-title group-title--editing" onSubmit={save} data-testid="rename-form">
        <label className="field">
          <span className="field__label">{t('groupInfo.titleLabel')}</span>
          <input
            value={text}
            autoFocus
            maxLength={LIMITS.titleMax}
            onChange={(event) => setText(event.target.value)}
            onKeyDown={onKeyDown}
            aria-invalid={error !== null}
            aria-describedby={error !== null ? 'rename-error' : undefined}
            data-testid="rename-input"
          />
        </label>
        {error !== null && (
          <p className="form-error" id="rename-error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog__footer">
          <button type="button" className="button" onClick={stop}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="button button--primary" disabled={busy} data-testid="rename-save">
            {t('common.save')}
          </button>
        </div>
      </form>
    )
  }

  return (
    <div className="group-title">
      <h3 className="group-title__text" data-testid="group-title">
        <bdi dir="auto">{title}</bdi>
      </h3>
      {canRename && (
        <button
          ref={editButton}
          type="button"
          className="icon-button icon-button--small"
          aria-label={t('groupInfo.rename')}
          title={t('groupInfo.rename')}
          data-testid="rename-group"
          onClick={() => {
            setText(title)
            setEditing(true)
          }}
        >
          <EditIcon size={16} />
        </button>
      )}
    </div>
  )
}
