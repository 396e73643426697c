/**
 * One sidebar row: avatar with presence, title, last-message preview (or
 * "typing…"; a change to the group in words), time, unread badge, the muted
 * bell and "left" for a group I am no longer in. Right-click, Shift+F10 or
 * the context-menu key open its menu (mute).
 */
import { memo, useState, type KeyboardEvent, type MouseEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { useIntlLocale } from '../hooks/useLocale'
import { useMuted } from '../hooks/useMuted'
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
import { BellOffIcon } from './Icons'
import { muteStatusText } from './mute-text'
import { MuteMenu } from './MuteMenu'
import type { Anchor } from './Popover'
import { PresenceDot } from './PresenceDot'
import { useSystemText } from './useSystemText'
import { useConversationTitle, useDirectPartner } from './useConversationTitle'

export const optionId = (conversationId: string) => `conversation-option-${conversationId}`

function firstLine(text: string): string {
  const line = text.trim().split('\n', 1)[0] ?? ''
  return line.length > 200 ? `${line.slice(0, 200)}…` : line
}

/** `position` (1-based) and `count`: the row's place in the whole list, of which only a window is rendered. */
export const ConversationItem = memo(function ConversationItem({
  conversationId,
  selected,
  position,
  count,
}: {
  conversationId: string
  selected: boolean
  position: number
  count: number
}) {
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
  const systemLine = useSystemText(conversation?.lastMessage?.kind === 'system' ? conversation.lastMessage.system : null)
  const muted = useMuted(conversation?.mutedUntil ?? null)
  const [menu, setMenu] = useState<Anchor | null>(null)
  if (conversation === undefined) return null

  const last = conversation.lastMessage
  let preview: string
  let previewPrefix = ''
  if (typing) preview = t('sidebar.typing')
  else if (draft.trim() !== '') {
    previewPrefix = `${t('sidebar.draft')}: `
    preview = firstLine(draft)
  } else if (last === null) preview = t('sidebar.noMessages')
  else if (systemLine !== null) preview = systemLine
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
  const mutedText = muted ? muteStatusText(t, conversation.mutedUntil, Date.now(), locale) : null
  const mentioned = conversation.mentionCount > 0
  const label = [
    title,
    presence,
    unread > 0 ? t('sidebar.unread', { count: unread }) : null,
    mentioned ? t('sidebar.mentioned') : null,
    mutedText,
    conversation.left ? t('sidebar.left') : null,
  ]
    .filter(Boolean)
    .join(', ')

  // A group I left has nothing to mute: the browser's menu stays.
  const onContextMenu = (event: MouseEvent<HTMLDivElement>) => {
    if (conversation.left) return
    event.preventDefault()
    setMenu({ x: event.clientX, y: event.clientY })
  }
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault()
      useUi.getState().openConversation(conversationId)
    } else if (!conversation.left && (event.key === 'ContextMenu' || (event.key === 'F10' && event.shiftKey))) {
      event.preventDefault()
      setMenu(event.currentTarget)
    }
  }

  return (
    <>
    <div
      id={optionId(conversationId)}
      role="option"
      aria-selected={selected}
      aria-posinset={position}
      aria-setsize={count}
      aria-label={label}
      tabIndex={selected ? 0 : -1}
      className={selected ? 'conversation-item conversation-item--selected' : 'conversation-item'}
      data-testid="conversation-item"
      data-conversation-id={conversationId}
      data-unread={unread}
      data-muted={muted ? 'true' : undefined}
      data-left={conversation.left ? 'true' : undefined}
      aria-keyshortcuts="Shift+F10"
      onClick={() => useUi.getState().openConversation(conversationId)}
      onContextMenu={onContextMenu}
      onKeyDown={onKeyDown}
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
          {mutedText !== null && (
            <span className="conversation-item__muted" data-testid="muted-icon" title={mutedText} aria-hidden="true">
              <BellOffIcon size={14} />
            </span>
          )}
          {conversation.left && (
            <span className="conversation-item__left" data-testid="left-label">
              {t('sidebar.left')}
            </span>
          )}
          {last !== null && <span className="conversation-item__time">{formatListTime(last.createdAt, now, locale)}</span>}
        </span>
        <span className="conversation-item__bottom">
          <span
            className={
              typing ? 'conversation-item__preview conversation-item__preview--typing' : systemLine !== null ? 'conversation-item__preview conversation-item__preview--system' : 'conversation-item__preview'
            }
          >
            {previewPrefix && <span className="conversation-item__prefix">{previewPrefix}</span>}
            <bdi dir="auto">{preview}</bdi>
          </span>
          {mentioned && (
            <span className="badge badge--mention" data-testid="mention-badge" aria-hidden="true">
              @
            </span>
          )}
          {unread > 0 && (
            <span className={muted ? 'badge badge--muted' : 'badge'} data-testid="unread-badge" aria-hidden="true">
              {unread > 999 ? '999+' : unread}
            </span>
          )}
        </span>
      </span>
    </div>
    {menu !== null && <MuteMenu conversationId={conversationId} anchor={menu} onClose={() => setMenu(null)} />}
    </>
  )
})
