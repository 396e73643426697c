/**
 * What the realtime server shares with the other nodes of a cluster: events
 * to deliver to their sockets, and the counts that decide cluster-wide
 * transitions — a user's first/last socket in a presence channel (member
 * added/removed), a channel's first/last subscriber (occupied/vacated), a
 * user's first/last signed-in socket (online/offline).
 *
 * Each node keeps its own sockets; a `Cluster` only ever sees this node's
 * first/last transitions (delta ±1) and answers with the cluster-wide one.
 * `LocalCluster` is the single process (the default); `RedisCluster` lets
 * several `npm run server` processes act as one.
 */

/** Delivered to every other node, which applies it to its own sockets. */
export type ClusterMessage =
  /**
   * An encoded frame for the channel's subscribers on every node but the sender's socket;
   * `from`: the presence member who sent it (a client event), withheld from whom they blocked.
   */
  | { type: 'publish'; channel: string; frame: string; except?: string; from?: string }
  | { type: 'member'; channel: string; userId: string; info?: unknown; added: boolean }
  | { type: 'user'; userId: string; online: boolean }
  | { type: 'terminate'; userId: string }
  /** Unsubscribe every socket of the user from a presence channel (their membership ended). */
  | { type: 'endPresence'; channel: string; userId: string }
  /** `blockerId` blocked or unblocked `blockedId`: presence shown to the blocked user changes at once. */
  | { type: 'block'; blockerId: string; blockedId: string; blocked: boolean }
  /** An api session authorised a socket (which may be on another node). */
  | { type: 'bindSession'; socketId: string; session: string }
  /** Api sessions ended: close the sockets they authorised. */
  | { type: 'endSessions'; sessions: string[] }

/** A cluster-wide transition found while cleaning up after a node that died. */
export type OrphanTransition =
  | { type: 'memberRemoved'; channel: string; userId: string }
  | { type: 'userOffline'; userId: string }
  | { type: 'vacated'; channel: string }

export interface Cluster {
  readonly nodeId: string
  /** Start receiving other nodes' messages and orphan transitions. */
  start(handlers: { message(message: ClusterMessage): void; orphan(transition: OrphanTransition): void }): Promise<void>
  send(message: ClusterMessage): void

  /** This node's first (+1) or last (−1) socket of `userId` in presence `channel`. */
  presence(channel: string, userId: string, info: unknown, delta: 1 | -1): Promise<'first' | 'last' | null>
  /** Every member of a presence channel across the cluster, with their user_info. */
  presenceMembers(channel: string): Promise<Map<string, unknown>>
  presenceCount(channel: string): Promise<number>
  hasMember(channel: string, userId: string): Promise<boolean>

  /** This node's first (+1) or last (−1) subscriber of `channel`; `local` is this node's subscriber count now. */
  occupancy(channel: string, delta: 1 | -1, local: number): Promise<'occupied' | 'vacated' | null>
  /** This node's subscriber count changed (not a first/last transition). */
  subscriberCount(channel: string, local: number): void
  subscriptionCount(channel: string): Promise<number>
  occupiedChannels(prefix: string): Promise<string[]>

  /** This node's first (+1) or last (−1) signed-in socket of `userId`. */
  signedIn(userId: string, delta: 1 | -1): Promise<'online' | 'offline' | null>
  onlineUsers(userIds: readonly string[]): Promise<Set<string>>

  /**
   * Claim `key` once across the cluster until `expiresAt` (ms since the epoch):
   * true for the first claim, false while an earlier claim is remembered.
   */
  claimOnce(key: string, expiresAt: number): Promise<boolean>

  /** Leave the cluster: what this node held is released (others see the transitions). */
  close(): Promise<void>
}
