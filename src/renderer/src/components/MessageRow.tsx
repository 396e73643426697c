/**
 * One message in the list. Memoized: it re-renders only when its message
 * object, its place in a run or its receipt changes. Rows with a seq register
 * with the visibility tracker that decides read receipts.
 */
import { memo, useCallback } from 'react'
import { useTranslation } from 'react-i18next'
import type { ChatMessage } from '../../../shared/ipc'
import { personName } from '../lib/names'
import type { Receipt } from '../lib/receipts'
import { formatDateTime, formatTime } from '../lib/time'
import type { VisibleMessages } from '../read-receipts/visible-messages'
import { useMessages } from '../store/messages'
import { useUsers } from '../store/users'
import { MessageStatus } from './MessageStatus'
import { MessageText } from './MessageText'

export interface MessageRowProps {
  message: ChatMessage
  own: boolean
  group: boolean
  /** The sender's name looks like another's in this conversation: show their `@username` too. */
  senderLookAlike: boolean
  firstInRun: boolean
  lastInRun: boolean
  receipt: Receipt | null
  readBy: number
  highlighted: boolean
  locale: string
  visibility: VisibleMessages
}

export const MessageRow = memo(function MessageRow(props: MessageRowProps) {
  const { message, own, group, senderLookAlike, firstInRun, lastInRun, receipt, readBy, highlighted, locale, visibility } = props
  const { t } = useTranslation()
  const showSender = group && !own && firstInRun
  const senderName = useUsers((state) => {
    if (!showSender) return null
    const sender = state.byId[message.senderId]
    return sender === undefined ? t('common.unknownUser') : personName(sender, senderLookAlike)
  })
  const seq = message.seq

  const track = useCallback(
    (element: HTMLDivElement | null) => {
      if (element === null || seq === null) return
      visibility.observe(element, seq)
      return () => visibility.unobserve(element)
    },
    [visibility, seq],
  )

  const classes = ['message', own ? 'message--own' : 'message--other']
  if (firstInRun) classes.push('message--first')
  if (lastInRun) classes.push('message--last')
  if (highlighted) classes.push('message--highlighted')
  if (message.state === 'failed') classes.push('message--failed')

  return (
    <div
      ref={track}
      className={classes.join(' ')}
      data-testid="message"
      data-state={message.state}
      data-key={message.key}
      data-seq={seq ?? undefined}
      data-own={own ? 'true' : 'false'}
    >
      <div className="message__bubble">
        {showSender && (
          <bdi className="message__sender" dir="auto" data-testid="message-sender">
            {senderName}
          </bdi>
        )}
        <MessageText body={message.body} />
        <span className="message__meta">
          <time className="message__time" dateTime={new Date(message.createdAt).toISOString()} title={formatDateTime(message.createdAt, locale)}>
            {formatTime(message.createdAt, locale)}
          </time>
          {own && receipt !== null && <MessageStatus receipt={receipt} readBy={readBy} group={group} />}
        </span>
      </div>
      {message.state === 'failed' && (
        <div className="message__failed" role="group" aria-label={t('message.failed')}>
          <span className="message__failed-text">{message.error ? t('message.failedBecause', { error: message.error }) : t('message.failed')}</span>
          <button
            type="button"
            className="link-button"
            onClick={() => useMessages.getState().retryMessage(message)}
          >
            {t('message.retry')}
          </button>
          <button
            type="button"
            className="link-button link-button--danger"
            onClick={() => useMessages.getState().deleteMessage(message)}
          >
            {t('message.delete')}
          </button>
        </div>
      )}
    </div>
  )
})
