/**
 * Editing a message in its row: Enter saves, Shift+Enter is a newline (Enter
 * while an input method composes belongs to it), Esc cancels. Saving the
 * same text, or nothing, just closes the editor; too long a text is refused
 * like in the composer. Focus goes back to the composer afterwards.
 */
import { useState, type KeyboardEvent } from 'react'
import { useTranslation } from 'react-i18next'
import type { ChatMessage } from '../../../shared/ipc'
import { useIntlLocale } from '../hooks/useLocale'
import { BODY_MAX, checkDraft } from '../lib/text-length'
import { useCompose } from '../store/compose'
import { useSettings } from '../store/settings'
import { focusComposer, saveEdit } from './message-actions'

export function MessageEditor({ message }: { message: ChatMessage }) {
  const spellcheck = useSettings((state) => state.settings.spellcheck)
  const { t } = useTranslation()
  const locale = useIntlLocale()
  const [text, setText] = useState(message.body)
  const [error, setError] = useState<string | null>(null)

  const close = () => {
    useCompose.getState().stopEditing()
    focusComposer()
  }

  const save = () => {
    const draft = checkDraft(text)
    if (!draft.ok) {
      if (draft.reason === 'too_long') {
        setError(t('composer.tooLong', { max: BODY_MAX.toLocaleString(locale) }))
        return
      }
      close()
      return
    }
    if (draft.body !== message.body) saveEdit(message, draft.body)
    close()
  }

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    event.stopPropagation()
    if (event.key === 'Escape') {
      event.preventDefault()
      close()
      return
    }
    if (event.key !== 'Enter' || event.shiftKey || event.altKey || event.nativeEvent.isComposing || event.keyCode === 229) return
    event.preventDefault()
    save()
  }

  return (
    <div className="message-editor" data-testid="message-editor">
      <textarea
        className="message-editor__input"
        spellCheck={spellcheck}
        aria-label={t('message.editLabel')}
        aria-describedby={`edit-hint-${message.clientId}`}
        aria-invalid={error !== null}
        value={text}
        dir="auto"
        rows={Math.min(8, text.split('\n').length)}
        // The editor opens for typing: focus it, caret at the end.
        ref={(element) => {
          if (element === null || element.dataset.focused === 'true') return
          element.dataset.focused = 'true'
          element.focus()
          element.setSelectionRange(element.value.length, element.value.length)
        }}
        onChange={(event) => {
          setText(event.target.value)
          setError(null)
        }}
        onKeyDown={onKeyDown}
      />
      <div className="message-editor__bar">
        <span id={`edit-hint-${message.clientId}`} className="message-editor__hint">
          {error ?? t('message.editHint')}
        </span>
        <button type="button" className="link-button" onClick={close}>
          {t('message.cancel')}
        </button>
        <button type="button" className="button button--primary message-editor__save" onClick={save}>
          {t('message.save')}
        </button>
      </div>
    </div>
  )
}
