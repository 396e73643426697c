/** A conversation's title and, for direct conversations, the other member — narrow selectors. */
import { useTranslation } from 'react-i18next'
import type { ChatConversation, ChatUser } from '../../../shared/ipc'
import { conversationTitle, otherMemberId } from '../lib/names'
import { selectMe, useSession } from '../store/session'
import { useUsers } from '../store/users'

const noConversation: Pick<ChatConversation, 'kind' | 'title' | 'memberIds'> = { kind: 'group', title: '', memberIds: [] }

export function useConversationTitle(conversation: Pick<ChatConversation, 'kind' | 'title' | 'memberIds'> | undefined): string {
  const { t } = useTranslation()
  const me = useSession(selectMe)
  return useUsers((state) => conversationTitle(conversation ?? noConversation, state.byId, me, t('common.unknownUser'), state.lookAlikes))
}

/** The other member of a direct conversation (undefined for groups or while unknown). */
export function useDirectPartner(conversation: Pick<ChatConversation, 'kind' | 'memberIds'> | undefined): ChatUser | undefined {
  const me = useSession(selectMe)
  const id = conversation?.kind === 'direct' ? otherMemberId(conversation, me) : null
  return useUsers((state) => (id === null ? undefined : state.byId[id]))
}
