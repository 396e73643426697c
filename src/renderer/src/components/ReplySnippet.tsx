/**
 * What a reply answers, shown above its text: the original's sender and
 * first line ("Deleted message" once it is gone). A click scrolls to the
 * original — loading older pages until it is held — and highlights it.
 */
import { useTranslation } from 'react-i18next'
import type { ChatMessage } from '../../../shared/ipc'
import { formatMessage, plainText } from '../lib/markdown'
import { useUi } from '../store/ui'
import { selectPersonName, useUsers } from '../store/users'

/** The first line of a body, formatting marks left out. */
export function snippetOf(body: string): string {
  const line = plainText(formatMessage(body)).trim().split('\n', 1)[0] ?? ''
  return line.length > 120 ? `${line.slice(0, 120)}…` : line
}

export function ReplySnippet({ message }: { message: ChatMessage }) {
  const { t } = useTranslation()
  const original = message.replyTo
  const name = useUsers((state) => (original === null ? '' : selectPersonName(original.senderId, t('common.unknownUser'))(state)))
  if (original === null) return null
  return (
    <button
      type="button"
      className="reply-snippet"
      data-testid="reply-snippet"
      aria-label={t('message.jumpToOriginal', { name })}
      title={t('message.jumpToOriginal', { name })}
      onClick={(event) => {
        event.stopPropagation()
        useUi.getState().jumpToMessage({ conversationId: message.conversationId, messageKey: original.key ?? '', seq: original.seq })
      }}
    >
      <bdi className="reply-snippet__sender" dir="auto">
        {name}
      </bdi>
      {original.deleted ? (
        <span className="reply-snippet__text reply-snippet__text--deleted">{t('message.replyDeleted')}</span>
      ) : (
        <bdi className="reply-snippet__text" dir="auto">
          {/* The quote carries text only: an empty one is a message of files. */}
          {original.body.trim() === '' ? t('attachments.summary.some') : snippetOf(original.body)}
        </bdi>
      )}
    </button>
  )
}
