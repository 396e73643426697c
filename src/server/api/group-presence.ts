/**
 * `ctx.groups.endPresence` (docs/design.md §4.6): when someone leaves or is
 * removed from a group, their presence in its channel ends at once. The
 * embedded realtime server unsubscribes every socket of theirs on every node
 * (the others see member_removed). An external realtime service offers no
 * way to unsubscribe one user's sockets from one channel, so there it does
 * nothing: the user's sockets stay until they unsubscribe or reconnect, and
 * the next channel auth (POST /api/pusher/auth) refuses them.
 *
 * `ctx.groups.blockChanged`: a block hides the blocker from the blocked user
 * in every presence channel at once (member list, member_added/removed,
 * typing), on every node of the embedded server. An external service keeps
 * one member list for all subscribers of a channel: nothing to do there.
 */
import { conversationChannel } from '../../shared/channels'
import type { RealtimeServer } from '../realtime/server'
import type { ApiContext } from './context'

export function groupPresence(realtime: RealtimeServer | null): ApiContext['groups'] {
  return {
    async endPresence(conversationId, userId) {
      realtime?.endPresence(conversationChannel(conversationId), userId)
    },
    async blockChanged(blockerId, blockedId, blocked) {
      realtime?.blockChanged(blockerId, blockedId, blocked)
    },
  }
}
