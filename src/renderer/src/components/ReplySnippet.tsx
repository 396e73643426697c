/**
 * What a reply answers, shown above its text: the original's sender and
 * first line ("Deleted message" once it is gone, "not loaded yet" when only
 * its seq is known). A click scrolls to the original — loading older pages
 * until it is held — and highlights it.
 */
import { useTranslation } from 'react-i18next'
import type { ChatMessage } from '../../../shared/ipc'
import { useUi } from '../store/ui'
import { selectPersonName, useUsers } from '../store/users'
import { replyQuote } from './reply-text'

export function ReplySnippet({ message }: { message: ChatMessage }) {
  const { t } = useTranslation()
  const original = message.replyTo
  const name = useUsers((state) => (original === null ? '' : selectPersonName(original.senderId, t('common.unknownUser'))(state)))
  if (original === null) return null
  const quote = replyQuote(t, original, name)
  return (
    <button
      type="button"
      className="reply-snippet"
      data-testid="reply-snippet"
      aria-label={quote.label}
      title={quote.label}
      onClick={(event) => {
        event.stopPropagation()
        useUi.getState().jumpToMessage({ conversationId: message.conversationId, messageKey: original.key ?? '', seq: original.seq })
      }}
    >
      <bdi className="reply-snippet__sender" dir="auto">
        {quote.sender}
      </bdi>
      {quote.muted ? (
        <span className="reply-snippet__text reply-snippet__text--deleted">{quote.text}</span>
      ) : (
        <bdi className="reply-snippet__text" dir="auto">
          {quote.text}
        </bdi>
      )}
    </button>
  )
}
