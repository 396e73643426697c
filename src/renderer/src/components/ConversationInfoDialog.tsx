/** What the conversation header opens: the group info panel, or the other person's profile in a direct conversation. */
import { otherMemberId } from '../lib/names'
import { useConversations } from '../store/conversations'
import { selectMe, useSession } from '../store/session'
import { useUi } from '../store/ui'
import { GroupInfoDialog } from './GroupInfoDialog'
import { ProfileDialog } from './ProfileDialog'

export function ConversationInfoDialog() {
  const me = useSession(selectMe)
  const active = useUi((state) => state.activeConversationId)
  const open = useConversations((state) => (active === null ? undefined : state.byId[active]))
  if (open === undefined) return null
  if (open.kind === 'direct') return <ProfileDialog userId={otherMemberId(open, me)} />
  return <GroupInfoDialog conversationId={open.id} />
}
