/** One sidebar row: avatar with presence, title, last-message preview (or "typing…"), time, unread badge. */
import { memo } from 'react'
import { useTranslation } from 'react-i18next'
import { useIntlLocale } from '../hooks/useLocale'
import { useNow } from '../hooks/useNow'
import { formatMessage, plainText } from '../lib/markdown'
import { formatListTime } from '../lib/time'
import { useConversations } from '../store/conversations'
import { selectMe, useSession } from '../store/session'
import { typistsIn, useTyping } from '../store/typing'
import { useUi } from '../store/ui'
import { selectPersonName, useUsers } from '../store/users'
import { attachmentsText } from './attachment-text'
import { Avatar } from './Avatar'
import { presenceText } from './presence'
import { PresenceDot } from './PresenceDot'
import { useConversationTitle, useDirectPartner } from './useConversationTitle'

export const optionId = (conversationId: string) => `conversation-option-${conversationId}`

function firstLine(text: string): string {
  const line = text.trim().split('\n', 1)[0] ?? ''
  return line.length > 200 ? `${line.slice(0, 200)}…` : line
}

export const ConversationItem = memo(function ConversationItem({ conversationId, selected }: { conversationId: string; selected: boolean }) {
  const { t } = useTranslation()
  const locale = useIntlLocale()
  const now = useNow(30_000)
  const me = useSession(selectMe)
  const conversation = useConversations((state) => state.byId[conversationId])
  const title = useConversationTitle(conversation)
  const partner = useDirectPartner(conversation)
  const typing = useTyping(typistsIn(conversationId)).length > 0
  const draft = useUi((state) => (selected ? '' : (state.drafts[conversationId] ?? '')))
  const lastSender = conversation?.lastMessage?.senderId
  const lastSenderName = useUsers((state) => (lastSender ? selectPersonName(lastSender, t('common.unknownUser'))(state) : undefined))
  if (conversation === undefined) return null

  const last = conversation.lastMessage
  let preview: string
  let previewPrefix = ''
  if (typing) preview = t('sidebar.typing')
  else if (draft.trim() !== '') {
    previewPrefix = `${t('sidebar.draft')}: `
    preview = firstLine(draft)
  } else if (last === null) preview = t('sidebar.noMessages')
  else {
    if (last.senderId === me) previewPrefix = `${t('sidebar.you')}: `
    else if (conversation.kind === 'group') previewPrefix = `${lastSenderName ?? t('common.unknownUser')}: `
    // A caption wins; files alone say what they are ("🖼 Photo"), as notifications do (src/shared/message-preview.ts).
    const caption = firstLine(plainText(formatMessage(last.body)))
    if (last.deletedAt !== null) preview = t('message.deleted')
    else preview = caption === '' ? attachmentsText(t, last.attachments ?? []) : caption
  }
  const presence = conversation.kind === 'direct' ? presenceText(t, partner, now, locale) : null
  const unread = conversation.unreadCount
  const mentioned = conversation.mentionCount > 0
  const label = [
    title,
    presence,
    unread > 0 ? t('sidebar.unread', { count: unread }) : null,
    mentioned ? t('sidebar.mentioned') : null,
    conversation.muted ? t('sidebar.muted') : null,
  ]
    .filter(Boolean)
    .join(', ')

  return (
    <div
      id={optionId(conversationId)}
      role="option"
      aria-selected={selected}
      aria-label={label}
      tabIndex={selected ? 0 : -1}
      className={selected ? 'conversation-item conversation-item--selected' : 'conversation-item'}
      data-testid="conversation-item"
      data-conversation-id={conversationId}
      data-unread={unread}
      onClick={() => useUi.getState().openConversation(conversationId)}
      onKeyDown={(event) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault()
          useUi.getState().openConversation(conversationId)
        }
      }}
    >
      <span className="conversation-item__avatar">
        <Avatar id={conversation.kind === 'direct' && partner ? partner.id : conversationId} name={title} size={44} />
        {conversation.kind === 'direct' && presence !== null && <PresenceDot online={partner?.online ?? false} label={presence} />}
      </span>
      <span className="conversation-item__body">
        <span className="conversation-item__top">
          <bdi className="conversation-item__title" dir="auto">
            {title}
          </bdi>
          {last !== null && <span className="conversation-item__time">{formatListTime(last.createdAt, now, locale)}</span>}
        </span>
        <span className="conversation-item__bottom">
          <span className={typing ? 'conversation-item__preview conversation-item__preview--typing' : 'conversation-item__preview'}>
            {previewPrefix && <span className="conversation-item__prefix">{previewPrefix}</span>}
            <bdi dir="auto">{preview}</bdi>
          </span>
          {mentioned && (
            <span className="badge badge--mention" data-testid="mention-badge" aria-hidden="true">
              @
            </span>
          )}
          {unread > 0 && (
            <span className={conversation.muted ? 'badge badge--muted' : 'badge'} data-testid="unread-badge" aria-hidden="true">
              {unread > 999 ? '999+' : unread}
            </span>
          )}
        </span>
      </span>
    </div>
  )
})
