/**
 * Channels and their subscribers on this node, including presence membership.
 *
 * Presence is counted per user, not per socket: a user's second tab joining
 * sends no member_added, and only their last socket leaving sends member_removed.
 */
import type { Connection } from './connection'
import type { Hooks } from './hooks'
import { channelKind, encodeFrame, type ChannelKind } from './protocol'

export interface PresenceMember {
  info: unknown
  /** Socket ids of this user in this channel. */
  sockets: Set<string>
}

export class Channel {
  readonly subscribers = new Map<string, Connection>()
  /** Presence channels only: user id → member. Insertion order is join order. */
  readonly members: Map<string, PresenceMember> | null

  constructor(
    readonly name: string,
    readonly kind: ChannelKind,
  ) {
    this.members = kind === 'presence' ? new Map() : null
  }

  presenceSnapshot(): { presence: { ids: string[]; hash: Record<string, unknown>; count: number } } {
    const ids: string[] = []
    const hash: Record<string, unknown> = {}
    for (const [id, member] of this.members ?? []) {
      ids.push(id)
      hash[id] = member.info ?? null
    }
    return { presence: { ids, hash, count: ids.length } }
  }

  /** Send one encoded frame to every subscriber but `exceptSocketId`; returns how many got it. */
  broadcastRaw(frame: string, exceptSocketId?: string): number {
    let sent = 0
    for (const [socketId, connection] of this.subscribers) {
      if (socketId === exceptSocketId) continue
      connection.sendRaw(frame)
      sent++
    }
    return sent
  }
}

export type JoinResult =
  | { ok: true; channel: Channel }
  | { ok: false; type: 'LimitReached'; error: string }

export class ChannelRegistry {
  private readonly channels = new Map<string, Channel>()

  constructor(
    private readonly hooks: Hooks,
    private readonly maxPresenceMembers: number,
  ) {}

  get(name: string): Channel | undefined {
    return this.channels.get(name)
  }

  get size(): number {
    return this.channels.size
  }

  all(): IterableIterator<Channel> {
    return this.channels.values()
  }

  /**
   * Add `connection` to the channel (already authorised). For presence,
   * `member` is the verified channel_data. Idempotent for a socket that is
   * already subscribed with the same user.
   */
  join(connection: Connection, name: string, member?: { userId: string; info: unknown }): JoinResult {
    const kind = channelKind(name)
    if (kind === null) throw new Error(`join: invalid channel name ${name}`)
    let channel = this.channels.get(name)
    const existing = connection.subscriptions.get(name)
    if (existing !== undefined && channel !== undefined) {
      if (existing?.userId === member?.userId) return { ok: true, channel }
      this.leave(connection, name)
      channel = this.channels.get(name)
    }
    if (channel?.members && member && !channel.members.has(member.userId)) {
      if (channel.members.size >= this.maxPresenceMembers) {
        return { ok: false, type: 'LimitReached', error: `Presence channel is full (${this.maxPresenceMembers} members)` }
      }
    }
    if (channel === undefined) {
      channel = new Channel(name, kind)
      this.channels.set(name, channel)
      this.hooks.emit('channelOccupied', { channel: name })
    }
    channel.subscribers.set(connection.id, connection)
    connection.subscriptions.set(name, member ? { userId: member.userId } : null)

    if (channel.members && member) {
      const current = channel.members.get(member.userId)
      if (current) {
        current.sockets.add(connection.id)
      } else {
        channel.members.set(member.userId, { info: member.info, sockets: new Set([connection.id]) })
        channel.broadcastRaw(
          encodeFrame({
            event: 'pusher_internal:member_added',
            channel: name,
            data: { user_id: member.userId, user_info: member.info ?? null },
          }),
          connection.id,
        )
        this.hooks.emit('memberAdded', { channel: name, userId: member.userId, userInfo: member.info })
      }
    }
    return { ok: true, channel }
  }

  /** Remove `connection` from the channel; no-op when it is not subscribed. */
  leave(connection: Connection, name: string): void {
    const membership = connection.subscriptions.get(name)
    if (membership === undefined) return
    connection.subscriptions.delete(name)
    const channel = this.channels.get(name)
    if (channel === undefined) return
    channel.subscribers.delete(connection.id)

    if (channel.members && membership) {
      const member = channel.members.get(membership.userId)
      if (member) {
        member.sockets.delete(connection.id)
        if (member.sockets.size === 0) {
          channel.members.delete(membership.userId)
          channel.broadcastRaw(
            encodeFrame({
              event: 'pusher_internal:member_removed',
              channel: name,
              data: { user_id: membership.userId },
            }),
          )
          this.hooks.emit('memberRemoved', { channel: name, userId: membership.userId })
        }
      }
    }
    if (channel.subscribers.size === 0) {
      this.channels.delete(name)
      this.hooks.emit('channelVacated', { channel: name })
    }
  }

  leaveAll(connection: Connection): void {
    for (const name of [...connection.subscriptions.keys()]) this.leave(connection, name)
  }
}
