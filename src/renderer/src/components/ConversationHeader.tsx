/**
 * Title, presence ("online" / "last seen …") or member count, who is typing;
 * the title opens the group info panel (a group) or the other person's
 * profile (a direct conversation); the bell opens the mute menu, and a muted
 * conversation shows the crossed bell with until when.
 */
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useShallow } from 'zustand/react/shallow'
import { useIntlLocale } from '../hooks/useLocale'
import { useMuted } from '../hooks/useMuted'
import { useNow } from '../hooks/useNow'
import { useConversations } from '../store/conversations'
import { usePane } from '../store/pane'
import { selectMe, useSession } from '../store/session'
import { typistsIn, useTyping } from '../store/typing'
import { useUi } from '../store/ui'
import { selectPersonName, useUsers } from '../store/users'
import { Avatar } from './Avatar'
import { BellIcon, BellOffIcon, ChevronLeftIcon, InfoIcon } from './Icons'
import { muteStatusText } from './mute-text'
import { MuteMenu } from './MuteMenu'
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
  const muted = useMuted(conversation?.mutedUntil ?? null)
  const [muteAnchor, setMuteAnchor] = useState<HTMLElement | null>(null)
  const openInfo = () => useUi.getState().setDialog('conversationInfo')
  const infoLabel = direct ? t('profile.open', { name: title }) : t('groupInfo.open', { title })

  const presence = direct ? presenceText(t, partner, now, locale) : null
  const members = conversation ? t('presence.members', { count: conversation.memberIds.length }) : ''
  let subtitle = direct ? presence : onlineCount > 0 ? t('presence.membersOnline', { members, count: onlineCount }) : members
  if (conversation?.left) subtitle = t('groupInfo.notMember')
  const mutedText = muted ? muteStatusText(t, conversation?.mutedUntil ?? null, Date.now(), locale) : null

  return (
    <header className="conversation-header" data-testid="conversation-header">
      {/* Only in the narrow one-pane layout (store/pane.ts); hidden, and out of the Tab order, otherwise. */}
      <button
        type="button"
        className="icon-button conversation-header__back"
        aria-label={t('conversation.back')}
        title={t('conversation.back')}
        data-testid="back-to-list"
        onClick={() => usePane.getState().showList()}
      >
        <ChevronLeftIcon />
      </button>
      <button
        type="button"
        className="conversation-header__info"
        data-testid="open-info"
        aria-label={infoLabel}
        title={infoLabel}
        onClick={openInfo}
      >
        <span className="conversation-header__avatar">
          <Avatar id={direct && partner ? partner.id : conversationId} name={title} size={40} />
          {direct && presence !== null && <PresenceDot online={partner?.online ?? false} label={presence} />}
        </span>
      </button>
      {/* The title opens the panel for the mouse too; the keyboard has the buttons either side. */}
      <div className="conversation-header__text" onClick={openInfo}>
        <h2 id={titleId} className="conversation-header__title">
          <bdi dir="auto">{title}</bdi>
          {mutedText !== null && (
            <span className="conversation-header__muted" data-testid="muted-indicator" title={mutedText} role="img" aria-label={mutedText}>
              <BellOffIcon size={16} />
            </span>
          )}
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
      {conversation && !conversation.left && (
        <button
          type="button"
          className="icon-button"
          aria-haspopup="menu"
          aria-expanded={muteAnchor !== null}
          aria-label={mutedText ?? t('mute.menu')}
          title={mutedText ?? t('mute.menu')}
          data-testid="mute-button"
          data-muted={muted ? 'true' : 'false'}
          onClick={(event) => {
            const button = event.currentTarget
            setMuteAnchor((open) => (open === null ? button : null))
          }}
        >
          {muted ? <BellOffIcon /> : <BellIcon />}
        </button>
      )}
      <button type="button" className="icon-button" aria-label={infoLabel} title={infoLabel} data-testid="info-button" onClick={openInfo}>
        <InfoIcon />
      </button>
      {muteAnchor !== null && <MuteMenu conversationId={conversationId} anchor={muteAnchor} onClose={() => setMuteAnchor(null)} />}
    </header>
  )
}
