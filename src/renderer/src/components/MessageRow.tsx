/**
 * One message in the list. Memoized: it re-renders only when its message
 * object, its place in a run or its receipt changes. Rows with a seq register
 * with the visibility tracker that decides read receipts.
 *
 * In the bubble: the files (pictures inline, other files as cards;
 * MessageAttachments.tsx), then the text — which may be empty when there are
 * files. Around the bubble: the reply snippet, the "(edited)" label, the reaction
 * chips, the hover toolbar and the action menu (MessageActions.tsx); a
 * deleted message is a tombstone with none of them. The row takes focus
 * (Tab) and answers keys: Enter, Shift+F10 or the context-menu key open the
 * menu; R replies, E edits, Delete deletes, + adds a reaction (lib/keymap.ts).
 */
import { memo, useCallback, useState, type KeyboardEvent, type MouseEvent } from 'react'
import { useTranslation } from 'react-i18next'
import type { ChatMessage } from '../../../shared/ipc'
import { moderates } from '../lib/group-roles'
import { keyPlatform, matchShortcut } from '../lib/keymap'
import { personName } from '../lib/names'
import type { Receipt } from '../lib/receipts'
import { formatDateTime, formatTime } from '../lib/time'
import type { VisibleMessages } from '../read-receipts/visible-messages'
import { useCompose } from '../store/compose'
import { useConversations } from '../store/conversations'
import { useMessages } from '../store/messages'
import { selectMe, useSession } from '../store/session'
import { useUsers } from '../store/users'
import { MessageMenu, MessageToolbar } from './MessageActions'
import { MessageAttachments } from './MessageAttachments'
import { actionsFor, askToDelete, edit, reply } from './message-actions'
import { MessageEditor } from './MessageEditor'
import { MessageStatus } from './MessageStatus'
import { MessageText } from './MessageText'
import { ReactionPicker, Reactions } from './Reactions'
import { ReplySnippet } from './ReplySnippet'

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
  const me = useSession(selectMe)
  const editing = useCompose((state) => state.editingKey === message.key)
  const menu = useCompose((state) => (state.menu?.messageKey === message.key ? state.menu : null))
  const [picker, setPicker] = useState<HTMLElement | null>(null)
  // State, not a ref: the menu renders against the row element, and a row that
  // mounts afresh (the list re-creates rows as receipts and pages change) while
  // its menu is open must render again once the element exists.
  const [rowElement, setRowElement] = useState<HTMLDivElement | null>(null)
  const deleted = message.deletedAt !== null
  const mentionsMe = !own && !deleted && me !== '' && message.mentions.includes(me)
  const moderator = useConversations((state) => moderates(state.byId[message.conversationId], me))
  const can = actionsFor(message, me, moderator)

  const track = useCallback(
    (element: HTMLDivElement | null) => {
      setRowElement(element)
      if (element === null || seq === null) return
      visibility.observe(element, seq)
      return () => visibility.unobserve(element)
    },
    [visibility, seq],
  )

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.target !== event.currentTarget) return
    const platform = keyPlatform(useSession.getState().appInfo?.platform)
    const key = matchShortcut(event, ['messageMenu', 'reply', 'edit', 'delete', 'react'], platform)
    const handled = (() => {
      if (key === 'messageMenu') {
        if (!deleted) useCompose.getState().openMenu({ messageKey: message.key, at: null })
      } else if (key === 'reply' && can.reply) reply(message)
      else if (key === 'edit' && can.edit) edit(message)
      else if (key === 'delete' && can.delete) askToDelete(message)
      else if (key === 'react' && can.react) setPicker(event.currentTarget)
      else return false
      return true
    })()
    if (handled) event.preventDefault()
  }

  const onContextMenu = (event: MouseEvent<HTMLDivElement>) => {
    // A link or selected text keeps the native menu (main's context-menu.ts: open or copy the link, copy the selection).
    const onLink = event.target instanceof Element && event.target.closest('a[href]') !== null
    if (deleted || editing || onLink || window.getSelection()?.isCollapsed === false) return
    event.preventDefault()
    useCompose.getState().openMenu({ messageKey: message.key, at: { x: event.clientX, y: event.clientY } })
  }

  const classes = ['message', own ? 'message--own' : 'message--other']
  if (firstInRun) classes.push('message--first')
  if (lastInRun) classes.push('message--last')
  if (highlighted) classes.push('message--highlighted')
  if (message.state === 'failed') classes.push('message--failed')
  if (deleted) classes.push('message--deleted')
  if (mentionsMe) classes.push('message--mentions-me')
  if (editing) classes.push('message--editing')
  if (!deleted && message.attachments.length > 0) classes.push('message--files')

  return (
    <div
      ref={track}
      className={classes.join(' ')}
      data-testid="message"
      data-state={message.state}
      data-key={message.key}
      data-seq={seq ?? undefined}
      data-own={own ? 'true' : 'false'}
      data-deleted={deleted ? 'true' : undefined}
      data-edited={message.editedAt !== null && !deleted ? 'true' : undefined}
      data-mentions-me={mentionsMe ? 'true' : undefined}
      tabIndex={0}
      aria-keyshortcuts={deleted ? undefined : 'Enter Shift+F10'}
      onKeyDown={onKeyDown}
      onContextMenu={onContextMenu}
    >
      {!deleted && !editing && message.state !== 'failed' && (
        <MessageToolbar message={message} me={me} moderator={moderator} onPickEmoji={setPicker} />
      )}
      <div className="message__bubble">
        {showSender && (
          <bdi className="message__sender" dir="auto" data-testid="message-sender">
            {senderName}
          </bdi>
        )}
        {mentionsMe && <span className="visually-hidden">{t('message.mentionsYou')}</span>}
        {!deleted && <ReplySnippet message={message} />}
        {deleted ? (
          <p className="message__deleted" data-testid="message-deleted">
            {t('message.deleted')}
          </p>
        ) : (
          <>
            <MessageAttachments message={message} own={own} locale={locale} />
            {editing ? (
              <MessageEditor message={message} />
            ) : (
              message.body !== '' && <MessageText body={message.body} mentions={message.mentions} />
            )}
          </>
        )}
        <span className="message__meta">
          {message.editedAt !== null && !deleted && (
            <span className="message__edited" data-testid="message-edited" title={t('message.editedAt', { time: formatDateTime(message.editedAt, locale) })}>
              {t('message.edited')}
            </span>
          )}
          <time className="message__time" dateTime={new Date(message.createdAt).toISOString()} title={formatDateTime(message.createdAt, locale)}>
            {formatTime(message.createdAt, locale)}
          </time>
          {own && receipt !== null && <MessageStatus receipt={receipt} readBy={readBy} group={group} />}
        </span>
      </div>
      {!deleted && <Reactions message={message} me={me} />}
      {menu !== null && rowElement !== null && <MessageMenu message={message} me={me} moderator={moderator} menu={menu} row={rowElement} onPickEmoji={setPicker} />}
      {picker !== null && <ReactionPicker message={message} anchor={picker} onClose={() => setPicker(null)} />}
      {message.state === 'failed' && (
        <div className="message__failed" role="group" aria-label={t('message.failed')}>
          <span className="message__failed-text" data-testid="failed-reason" data-blocked={message.errorCode === 'blocked' ? 'true' : undefined}>
            {message.errorCode === 'blocked'
              ? t('message.blockedByThem')
              : message.error
                ? t('message.failedBecause', { error: message.error })
                : t('message.failed')}
          </span>
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
            onClick={() => useMessages.getState().discardMessage(message)}
          >
            {t('message.delete')}
          </button>
        </div>
      )}
    </div>
  )
})
