/**
 * Channels and their subscribers on this node, with presence membership
 * counted cluster-wide through the `Cluster`.
 *
 * Presence is counted per user, not per socket: a user's second tab (on any
 * node) joining sends no member_added, and only their last socket leaving
 * (anywhere) sends member_removed. This node tells the cluster only about its
 * own first/last socket of a user; the cluster answers whether that was the
 * first/last in the whole cluster.
 *
 * Presence is also seen per viewer: someone who blocked a user is left out of
 * the member list that user's sockets get, and out of the member_added,
 * member_removed and client events they are sent (blockers.ts, presence-view.ts).
 */
import type { Logger } from 'pino'
import type { Blockers } from './blockers'
import type { Cluster } from './cluster'
import type { Connection } from './connection'
import type { Hooks } from './hooks'
import { hideMember, presenceSnapshot, revealMember, type PresenceSnapshot } from './presence-view'
import { channelKind, encodeFrame, type ChannelKind } from './protocol'

export interface LocalMember {
  info: unknown
  /** Socket ids of this user in this channel, on this node. */
  sockets: Set<string>
}

export class Channel {
  /** This node's subscribers. */
  readonly subscribers = new Map<string, Connection>()
  /** Presence channels only: this node's members (user id → their sockets here; join order). */
  readonly members: Map<string, LocalMember> | null
  /** Member transitions (added, removed) delivered here: tells a lookup in the cluster that it may be stale. */
  memberTransitions = 0

  constructor(
    readonly name: string,
    readonly kind: ChannelKind,
  ) {
    this.members = kind === 'presence' ? new Map() : null
  }

  /**
   * Send one encoded frame to this node's subscribers but `exceptSocketId`,
   * and on a presence channel not to those subscribed as a user in
   * `hiddenFrom` (whom the member the frame is about blocked); returns how
   * many got it.
   */
  broadcastRaw(frame: string, exceptSocketId?: string, hiddenFrom?: ReadonlySet<string>): number {
    if (hiddenFrom !== undefined && this.members !== null) return this.broadcastHiding(frame, exceptSocketId, hiddenFrom)
    let sent = 0
    for (const [socketId, connection] of this.subscribers) {
      if (socketId === exceptSocketId) continue
      connection.sendRaw(frame, this.name)
      sent++
    }
    return sent
  }

  private broadcastHiding(frame: string, exceptSocketId: string | undefined, hiddenFrom: ReadonlySet<string>): number {
    let sent = 0
    for (const [socketId, connection] of this.subscribers) {
      if (socketId === exceptSocketId) continue
      const viewer = connection.subscriptions.get(this.name)
      if (viewer != null && hiddenFrom.has(viewer.userId)) continue
      connection.sendRaw(frame, this.name)
      sent++
    }
    return sent
  }

  /** Send one encoded frame to `userId`'s sockets in this (presence) channel on this node. */
  sendToMember(userId: string, frame: string): void {
    for (const socketId of this.members?.get(userId)?.sockets ?? []) this.subscribers.get(socketId)?.sendRaw(frame, this.name)
  }
}

export interface ChannelLimits {
  maxPresenceMembers: number
  /** Channels this node holds at most; a subscription that would open one more is refused. */
  maxChannels: number
  /** Public channel subscriptions of one client address, over all its sockets. */
  maxPublicChannelsPerAddress: number
}

export type JoinResult =
  | { ok: true; channel: Channel; presence: PresenceSnapshot | null }
  | { ok: false; type: 'LimitReached' | 'ServerError'; error: string; /** A server-wide or per-address channel limit. */ channelLimit?: true }

export class ChannelRegistry {
  private readonly channels = new Map<string, Channel>()
  /** Cluster updates in flight, so shutdown can wait for them. */
  private readonly pending = new Set<Promise<unknown>>()
  /**
   * Cluster updates for one key (a channel's occupancy, a member of a channel)
   * run one after another, so a quick join-then-leave can never reach the
   * cluster as leave-then-join and leave a ghost member behind.
   */
  private readonly queues = new Map<string, Promise<unknown>>()

  /**
   * Public channels need no authorisation (Pusher compatibility), so they are
   * what a stranger can spend memory on: counted per client address across all
   * its sockets.
   */
  private readonly publicByAddress = new Map<string, number>()

  constructor(
    private readonly hooks: Hooks,
    private readonly cluster: Cluster,
    private readonly limits: ChannelLimits,
    private readonly log: Logger,
    private readonly blockers: Blockers,
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
   * `member` is the verified channel_data and the result carries the
   * cluster-wide member list. Until the caller has answered the subscription,
   * frames for this channel are held for the socket (see Connection), so a
   * member_added racing the snapshot cannot arrive before it.
   */
  async join(connection: Connection, name: string, member?: { userId: string; info: unknown }): Promise<JoinResult> {
    const kind = channelKind(name)
    if (kind === null) throw new Error(`join: invalid channel name ${name}`)
    const existing = connection.subscriptions.get(name)
    if (existing !== undefined) {
      if (existing?.userId === member?.userId) {
        const channel = this.channels.get(name)
        if (channel) return { ok: true, channel, presence: member ? await this.snapshot(name, member.userId) : null }
      }
      this.leave(connection, name)
    }
    try {
      if (member && kind === 'presence' && !this.channels.get(name)?.members?.has(member.userId)) {
        const [known, count] = await Promise.all([
          this.cluster.hasMember(name, member.userId),
          this.cluster.presenceCount(name),
        ])
        if (!known && count >= this.limits.maxPresenceMembers) {
          return { ok: false, type: 'LimitReached', error: `Presence channel is full (${this.limits.maxPresenceMembers} members)` }
        }
      }
      if (connection.closing) return { ok: false, type: 'ServerError', error: 'Connection closing' }

      let channel = this.channels.get(name)
      if (channel === undefined && this.channels.size >= this.limits.maxChannels) {
        return {
          ok: false,
          type: 'LimitReached',
          error: 'This server holds as many channels as it may; try again later',
          channelLimit: true,
        }
      }
      if (kind === 'public') {
        const held = this.publicByAddress.get(connection.remoteAddress) ?? 0
        if (held >= this.limits.maxPublicChannelsPerAddress) {
          return {
            ok: false,
            type: 'LimitReached',
            error: `At most ${this.limits.maxPublicChannelsPerAddress} public channels per client address`,
            channelLimit: true,
          }
        }
        this.publicByAddress.set(connection.remoteAddress, held + 1)
      }
      if (channel === undefined) {
        channel = new Channel(name, kind)
        this.channels.set(name, channel)
      }
      connection.holdFrames(name)
      channel.subscribers.set(connection.id, connection)
      connection.subscriptions.set(name, member ? { userId: member.userId } : null)
      const firstSubscriber = channel.subscribers.size === 1
      let firstLocalSocket = false
      if (channel.members && member) {
        const current = channel.members.get(member.userId)
        if (current) current.sockets.add(connection.id)
        else {
          channel.members.set(member.userId, { info: member.info, sockets: new Set([connection.id]) })
          this.blockers.entered(member.userId, name)
          firstLocalSocket = true
        }
      }

      if (firstSubscriber) {
        const local = channel.subscribers.size
        if ((await this.serial(name, () => this.cluster.occupancy(name, 1, local))) === 'occupied') {
          this.hooks.emit('channelOccupied', { channel: name })
        }
      } else {
        this.cluster.subscriberCount(name, channel.subscribers.size)
      }
      if (member && firstLocalSocket) {
        const { userId, info } = member
        if ((await this.serial(`${name}\n${userId}`, () => this.cluster.presence(name, userId, info, 1))) === 'first') {
          this.memberAdded(name, userId, info, { origin: true, except: connection.id })
        }
      }
      return { ok: true, channel, presence: member ? await this.snapshot(name, member.userId) : null }
    } catch (err) {
      this.log.error({ err, channel: name }, 'cluster update failed during subscribe')
      this.leave(connection, name)
      return { ok: false, type: 'ServerError', error: 'Could not join the channel; try again' }
    }
  }

  private async snapshot(name: string, viewerId: string): Promise<PresenceSnapshot> {
    const members = await this.cluster.presenceMembers(name)
    // Read after the cluster answered: a block that arrived meanwhile counts.
    return presenceSnapshot(members, this.blockers.blockersOf(viewerId), viewerId)
  }

  /** Remove `connection` from the channel now; cluster-wide consequences follow asynchronously. */
  leave(connection: Connection, name: string): void {
    const membership = connection.subscriptions.get(name)
    if (membership === undefined) return
    connection.subscriptions.delete(name)
    connection.releaseFrames(name)
    if (channelKind(name) === 'public') {
      const held = (this.publicByAddress.get(connection.remoteAddress) ?? 1) - 1
      if (held <= 0) this.publicByAddress.delete(connection.remoteAddress)
      else this.publicByAddress.set(connection.remoteAddress, held)
    }
    const channel = this.channels.get(name)
    if (channel === undefined) return
    channel.subscribers.delete(connection.id)

    if (channel.members && membership) {
      const member = channel.members.get(membership.userId)
      if (member) {
        member.sockets.delete(connection.id)
        if (member.sockets.size === 0) {
          channel.members.delete(membership.userId)
          this.blockers.left(membership.userId, name)
          const { userId } = membership
          this.background(async () => {
            if ((await this.serial(`${name}\n${userId}`, () => this.cluster.presence(name, userId, undefined, -1))) === 'last') {
              this.memberRemoved(name, userId, { origin: true })
            }
          })
        }
      }
    }
    if (channel.subscribers.size === 0) {
      this.channels.delete(name)
      this.background(async () => {
        if ((await this.serial(name, () => this.cluster.occupancy(name, -1, 0))) === 'vacated') {
          this.hooks.emit('channelVacated', { channel: name })
        }
      })
    } else {
      this.cluster.subscriberCount(name, channel.subscribers.size)
    }
  }

  leaveAll(connection: Connection): void {
    for (const name of [...connection.subscriptions.keys()]) this.leave(connection, name)
  }

  /**
   * A member joined the cluster: tell this node's subscribers (but `except`);
   * when it happened here (`origin`), tell the other nodes too.
   */
  memberAdded(name: string, userId: string, info: unknown, options: { origin: boolean; except?: string }): void {
    const channel = this.channels.get(name)
    if (channel !== undefined) {
      channel.memberTransitions++
      channel.broadcastRaw(
        encodeFrame({ event: 'pusher_internal:member_added', channel: name, data: { user_id: userId, user_info: info ?? null } }),
        options.except,
        this.blockers.hiddenFrom(userId),
      )
    }
    if (options.origin) this.cluster.send({ type: 'member', channel: name, userId, info, added: true })
    this.hooks.emit('memberAdded', { channel: name, userId, userInfo: info, ...(options.origin ? {} : { remote: true }) })
  }

  memberRemoved(name: string, userId: string, options: { origin: boolean }): void {
    const channel = this.channels.get(name)
    if (channel !== undefined) {
      channel.memberTransitions++
      channel.broadcastRaw(
        encodeFrame({ event: 'pusher_internal:member_removed', channel: name, data: { user_id: userId } }),
        undefined,
        this.blockers.hiddenFrom(userId),
      )
    }
    if (options.origin) this.cluster.send({ type: 'member', channel: name, userId, added: false })
    this.hooks.emit('memberRemoved', { channel: name, userId, ...(options.origin ? {} : { remote: true }) })
  }

  /**
   * `blockerId` was just hidden from (`blocked`) or shown again to `blockedId`,
   * who is a member of presence channel `name` on this node: if the blocker is
   * present in the cluster, the blocked user's sockets here get
   * member_removed (member_added) for them at once.
   */
  blockChanged(name: string, blockerId: string, blockedId: string, blocked: boolean): void {
    const tell = blocked ? hideMember : revealMember
    const context = { channels: this, cluster: this.cluster, log: this.log }
    this.background(() => tell(context, { channel: name, memberId: blockerId, viewerId: blockedId }))
  }

  private serial<T>(key: string, op: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(key) ?? Promise.resolve()
    const next = previous.then(op, op)
    const settled = next.catch(() => undefined)
    this.queues.set(key, settled)
    void settled.then(() => {
      if (this.queues.get(key) === settled) this.queues.delete(key)
    })
    this.pending.add(next)
    void settled.then(() => this.pending.delete(next))
    return next
  }

  private background(work: () => Promise<void>): void {
    const running = work().catch((err: unknown) => this.log.error({ err }, 'cluster update failed'))
    this.pending.add(running)
    void running.then(() => this.pending.delete(running))
  }

  /** Wait for cluster updates in flight (shutdown). */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending])
  }
}
