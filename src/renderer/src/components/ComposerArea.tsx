/**
 * Below the messages: the composer, or why there is none — a group I am no
 * longer in ("You are no longer in this group"), or a direct conversation
 * with someone I blocked ("You blocked X. Unblock").
 */
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { ChatUser } from '../../../shared/ipc'
import { useConversations } from '../store/conversations'
import { Composer } from './Composer'
import { BlockConfirmDialog } from './ProfileDialog'
import { useDirectPartner } from './useConversationTitle'

function BlockedNotice({ user }: { user: ChatUser }) {
  const { t } = useTranslation()
  const [confirming, setConfirming] = useState<HTMLElement | null>(null)
  return (
    <div className="composer-notice" data-testid="blocked-notice" role="status">
      <span>
        <bdi dir="auto">{t('composer.blocked', { name: user.displayName })}</bdi>
      </span>
      <button type="button" className="button" data-testid="unblock-from-composer" onClick={(event) => setConfirming(event.currentTarget)}>
        {t('profile.unblock')}
      </button>
      {confirming !== null && <BlockConfirmDialog user={user} unblock returnFocusTo={confirming} onClose={() => setConfirming(null)} />}
    </div>
  )
}

export function ComposerArea({ conversationId }: { conversationId: string }) {
  const { t } = useTranslation()
  const conversation = useConversations((state) => state.byId[conversationId])
  const partner = useDirectPartner(conversation)
  if (conversation?.left) {
    return (
      <div className="composer-notice" data-testid="left-notice" role="status">
        {t('composer.left')}
      </div>
    )
  }
  if (partner?.blocked) return <BlockedNotice user={partner} />
  return <Composer conversationId={conversationId} />
}
