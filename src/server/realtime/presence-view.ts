/**
 * Presence as one viewer sees it (docs/design.md §4.6): someone who blocked
 * the viewer is not in the member list they are sent on subscribing, and a
 * block or unblock is shown to the viewer's sockets at once as
 * member_removed / member_added for the blocker — only where the blocker is
 * present. Who blocked whom on this node: blockers.ts; the filtered delivery
 * itself: `Channel.broadcastRaw`.
 */
import type { Logger } from 'pino'
import type { Channel } from './channels'
import type { Cluster } from './cluster'
import { encodeFrame } from './protocol'

export type PresenceSnapshot = { presence: { ids: string[]; hash: Record<string, unknown>; count: number } }

/**
 * The member list `viewerId` is sent on subscribing: the cluster's members
 * but those in `hidden` (who blocked the viewer); the viewer is always in it.
 */
export function presenceSnapshot(members: ReadonlyMap<string, unknown>, hidden?: ReadonlySet<string>, viewerId?: string): PresenceSnapshot {
  const ids: string[] = []
  // No prototype: a member called "__proto__" is a key like any other.
  const hash = Object.create(null) as Record<string, unknown>
  for (const [id, info] of members) {
    if (hidden?.has(id) === true && id !== viewerId) continue
    ids.push(id)
    hash[id] = info ?? null
  }
  return { presence: { ids, hash, count: ids.length } }
}

/** What telling a viewer needs: this node's channels (the registry) and the cluster. */
export interface ViewContext {
  channels: { get(name: string): Channel | undefined }
  cluster: Cluster
  log: Logger
}

/** `memberId` changed how they stand towards `viewerId` (a member of presence channel `channel` on this node). */
export interface ViewChange {
  channel: string
  memberId: string
  viewerId: string
}

/** Lookups of an unblocked member's presence before giving up while the channel keeps changing. */
const REVEAL_ATTEMPTS = 3

/**
 * `memberId` now blocks `viewerId`: the viewer's sockets in the channel get
 * member_removed for them, if the member is present. The viewer no longer
 * gets the member's transitions, so one that arrived while the cluster was
 * asked may have been a removal they will never see: then (and when Redis
 * fails) the removal goes anyway — pusher-js ignores member_removed for
 * someone not in its list. Left open: a removal the cluster had counted when
 * it answered "absent" whose message reaches this node only afterwards (a
 * round trip of another node's); the viewer then keeps the member listed
 * until they subscribe again.
 */
export async function hideMember({ channels, cluster }: ViewContext, change: ViewChange): Promise<void> {
  const { channel: name, memberId, viewerId } = change
  const channel = channels.get(name)
  if (channel?.members?.has(viewerId) !== true) return
  let present = channel.members.has(memberId)
  if (!present) {
    const seen = channel.memberTransitions
    present = await cluster.hasMember(name, memberId).catch(() => true)
    present ||= channels.get(name) !== channel || channel.memberTransitions !== seen
  }
  if (present) {
    channel.sendToMember(viewerId, encodeFrame({ event: 'pusher_internal:member_removed', channel: name, data: { user_id: memberId } }))
  }
}

/**
 * `memberId` no longer blocks `viewerId`: the viewer's sockets in the channel
 * get member_added for them, if the member is present. The cluster is asked
 * again when a transition arrived meanwhile: its answer could predate a
 * removal the viewer has just been sent, and a member_added after that would
 * leave a ghost. A channel that keeps changing shows the member at the
 * viewer's next subscribe instead.
 */
export async function revealMember({ channels, cluster, log }: ViewContext, change: ViewChange): Promise<void> {
  const { channel: name, memberId, viewerId } = change
  for (let attempt = 0; attempt < REVEAL_ATTEMPTS; attempt++) {
    const channel = channels.get(name)
    if (channel?.members?.has(viewerId) !== true) return
    let info = channel.members.get(memberId)?.info
    if (!channel.members.has(memberId)) {
      const seen = channel.memberTransitions
      const members = await cluster.presenceMembers(name)
      if (channels.get(name) !== channel || channel.memberTransitions !== seen) continue
      if (!members.has(memberId)) return
      info = members.get(memberId)
    }
    const data = { user_id: memberId, user_info: info ?? null }
    channel.sendToMember(viewerId, encodeFrame({ event: 'pusher_internal:member_added', channel: name, data }))
    return
  }
  log.warn({ channel: name }, 'presence kept changing: an unblocked member is shown at the next subscribe')
}
