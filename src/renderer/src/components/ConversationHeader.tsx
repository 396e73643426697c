/** Title, presence ("online" / "last seen …") or member count, who is typing, and the mute switch. */
import { useTranslation } from 'react-i18next'
import { useShallow } from 'zustand/react/shallow'
import { useIntlLocale } from '../hooks/useLocale'
import { useNow } from '../hooks/useNow'
import { useConversations } from '../store/conversations'
import { selectMe, useSession } from '../store/session'
import { typistsIn, useTyping } from '../store/typing'
import { selectPersonName, useUsers } from '../store/users'
import { Avatar } from './Avatar'
import { BellIcon, BellOffIcon } from './Icons'
import { presenceText } from './presence'
import { PresenceDot } from './PresenceDot'
import { useConversationTitle, useDirectPartner } from './useConversationTitle'

function useTypingText(conversationId: string, direct: boolean): string | null {
  const { t } = useTranslation()
  const me = useSession(selectMe)
  const typists = useTyping(typistsIn(conversationId)).filter((id) => id !== me)
  const names = useUsers(useShallow((state) => typists.map((id) => selectPersonName(id, t('common.unknownUser'))(state))))
  if (names.length === 0) return null
  if (direct) return t('typing.direct')
  if (names.length === 1) return t('typing.one', { name: names[0] })
  if (names.length === 2) return t('typing.two', { first: names[0], second: names[1] })
  return t('typing.many', { count: names.length })
}

export function ConversationHeader({ conversationId, titleId }: { conversationId: string; titleId: string }) {
  const { t } = useTranslation()
  const locale = useIntlLocale()
  const now = useNow(30_000)
  const me = useSession(selectMe)
  const conversation = useConversations((state) => state.byId[conversationId])
  const title = useConversationTitle(conversation)
  const partner = useDirectPartner(conversation)
  const direct = conversation?.kind === 'direct'
  const typing = useTypingText(conversationId, direct)
  const onlineCount = useUsers((state) => (conversation?.memberIds ?? []).filter((id) => id !== me && state.byId[id]?.online).length)

  const presence = direct ? presenceText(t, partner, now, locale) : null
  const members = conversation ? t('presence.members', { count: conversation.memberIds.length }) : ''
  const subtitle = direct ? presence : onlineCount > 0 ? t('presence.membersOnline', { members, count: onlineCount }) : members
  const muted = conversation?.muted ?? false

  return (
    <header className="conversation-header" data-testid="conversation-header">
      <span className="conversation-header__avatar">
        <Avatar id={direct && partner ? partner.id : conversationId} name={title} size={40} />
        {direct && presence !== null && <PresenceDot online={partner?.online ?? false} label={presence} />}
      </span>
      <div className="conversation-header__text">
        <h2 id={titleId} className="conversation-header__title">
          <bdi dir="auto">{title}</bdi>
        </h2>
        <p className="conversation-header__subtitle">
          {typing !== null ? (
            <span className="typing" data-testid="typing" role="status">
              {typing}
            </span>
          ) : (
            <span data-testid="conversation-presence" data-online={direct ? String(partner?.online ?? false) : undefined}>
              {subtitle}
            </span>
          )}
        </p>
      </div>
      {conversation && (
        <button
          type="button"
          className="icon-button"
          aria-pressed={muted}
          aria-label={t('conversation.mute')}
          title={muted ? t('conversation.unmute') : t('conversation.mute')}
          onClick={() => useConversations.getState().setMuted(conversationId, !muted)}
        >
          {muted ? <BellOffIcon /> : <BellIcon />}
        </button>
      )}
    </header>
  )
}
