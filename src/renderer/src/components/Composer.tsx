/**
 * Writing a message: Enter sends, Shift+Enter is a newline (and Enter while
 * an input method is composing — Chinese, Japanese — belongs to the IME).
 * Empty or whitespace-only text is not sent; past the 4,000-character limit
 * a counter turns red and sending is refused. Typing is reported to the
 * core (throttled here; the core throttles the network) and stopped on send
 * or when the text is cleared. The draft survives switching conversations.
 */
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { useIntlLocale } from '../hooks/useLocale'
import { callError } from '../lib/call-error'
import { BODY_MAX, COUNTER_FROM, bodyLength, checkDraft } from '../lib/text-length'
import { useMessages } from '../store/messages'
import { useTyping } from '../store/typing'
import { useUi } from '../store/ui'
import { SendIcon } from './Icons'

const TYPING_EVERY_MS = 1_000

export function Composer({ conversationId }: { conversationId: string }) {
  const { t } = useTranslation()
  const locale = useIntlLocale()
  const text = useUi((state) => state.drafts[conversationId] ?? '')
  const [error, setError] = useState<string | null>(null)
  const lastTypingAt = useRef(0)
  const input = useRef<HTMLTextAreaElement>(null)

  useEffect(() => {
    input.current?.focus()
    return () => {
      if (lastTypingAt.current > 0) useTyping.getState().setMyTyping(conversationId, false)
    }
  }, [conversationId])

  const stopTyping = () => {
    if (lastTypingAt.current === 0) return
    lastTypingAt.current = 0
    useTyping.getState().setMyTyping(conversationId, false)
  }

  const change = (value: string) => {
    useUi.getState().setDraft(conversationId, value)
    setError(null)
    if (value.trim() === '') {
      stopTyping()
      return
    }
    const now = Date.now()
    if (now - lastTypingAt.current >= TYPING_EVERY_MS) {
      lastTypingAt.current = now
      useTyping.getState().setMyTyping(conversationId, true)
    }
  }

  const length = bodyLength(text)
  const tooLong = length > BODY_MAX
  const canSend = checkDraft(text).ok

  const send = () => {
    const draft = checkDraft(text)
    if (!draft.ok) {
      if (draft.reason === 'too_long') setError(t('composer.tooLong', { max: BODY_MAX.toLocaleString(locale) }))
      return
    }
    useUi.getState().setDraft(conversationId, '')
    stopTyping()
    useMessages.getState().sendMessage(conversationId, draft.body).catch((err: unknown) => {
      useUi.getState().setDraft(conversationId, text)
      setError(t('composer.sendFailed', { message: callError(err).message }))
    })
  }

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key !== 'Enter' || event.shiftKey || event.altKey || event.nativeEvent.isComposing || event.keyCode === 229) return
    event.preventDefault()
    send()
  }

  const onSubmit = (event: FormEvent) => {
    event.preventDefault()
    send()
  }

  return (
    <form className="composer" onSubmit={onSubmit} data-testid="composer-form">
      <div className="composer__field">
        <textarea
          ref={input}
          className="composer__input"
          data-testid="composer"
          aria-label={t('composer.label')}
          aria-describedby={tooLong || error ? 'composer-error' : length >= COUNTER_FROM ? 'composer-counter' : undefined}
          aria-invalid={tooLong}
          placeholder={t('composer.placeholder')}
          value={text}
          rows={1}
          dir="auto"
          onChange={(event) => change(event.target.value)}
          onKeyDown={onKeyDown}
        />
        {length >= COUNTER_FROM && (
          <span id="composer-counter" className={tooLong ? 'composer__counter composer__counter--over' : 'composer__counter'} data-testid="composer-counter">
            {t('composer.counter', { used: length.toLocaleString(locale), max: BODY_MAX.toLocaleString(locale) })}
          </span>
        )}
      </div>
      <button type="submit" className="composer__send" aria-label={t('composer.send')} title={t('composer.send')} disabled={!canSend}>
        <SendIcon />
      </button>
      {(tooLong || error !== null) && (
        <p id="composer-error" className="composer__error" role="alert">
          {error ?? t('composer.tooLong', { max: BODY_MAX.toLocaleString(locale) })}
        </p>
      )}
    </form>
  )
}
