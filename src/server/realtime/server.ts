/**
 * The embedded Pusher-protocol (v7) server: WebSocket connections on
 * `/app/{key}`, channels, presence, client events, user sign-in and the
 * two-way heartbeat. The signed HTTP API lives in http-api.ts and publishes
 * through `publish()`; webhooks and the api listen to `hooks`. Presence is
 * filtered per viewer by blocks (blockers.ts, presence-view.ts).
 */
import { randomInt } from 'node:crypto'
import type { IncomingMessage, Server as HttpServer } from 'node:http'
import type { Duplex } from 'node:stream'
import type { Logger } from 'pino'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import { Blockers } from './blockers'
import { ChannelRegistry, type Channel } from './channels'
import type { Cluster, ClusterMessage } from './cluster'
import { Connection } from './connection'
import { Hooks } from './hooks'
import { LocalCluster } from './local-cluster'
import {
  allowsClientEvents,
  channelDataSchema,
  channelKind,
  CloseCode,
  decodeFrame,
  encodeFrame,
  ErrorCode,
  frameData,
  PROTOCOL_VERSION,
  SERVER_TO_USER_PREFIX,
  signinDataSchema,
  subscribeDataSchema,
  unsubscribeDataSchema,
  userDataSchema,
  type InboundFrame,
} from './protocol'
import { verifyChannelAuth, verifyUserAuth, type AppCredentials } from './signature'
import { parseUpgradeTarget, refuseUpgrade } from './upgrade-target'
import { UserRegistry } from './users'

export interface RealtimeLimits {
  /** Largest inbound WebSocket frame; larger ones close the socket with 1009. */
  maxFrameBytes: number
  /** Largest event `data` (client events and the HTTP API). */
  maxEventBytes: number
  maxPresenceMembers: number
  maxChannelsPerTrigger: number
  maxBatchEvents: number
  clientEventsPerSecond: number
  maxSubscriptionsPerSocket: number
  maxConnections: number
  maxConnectionsPerIp: number
  /** Unsent bytes queued for one slow socket before it is disconnected. */
  maxBufferedBytes: number
  /** Largest presence `channel_data` / sign-in `user_data`. */
  maxUserDataBytes: number
  /** Channels this node holds at most (every kind). */
  maxChannels: number
  /** Public channel subscriptions per client address, over all its sockets. */
  maxPublicChannelsPerAddress: number
  /** Whether public (unauthenticated) channels may be subscribed at all; Parley's own clients use none. */
  publicChannels: boolean
}

export const defaultLimits: RealtimeLimits = {
  maxFrameBytes: 100 * 1024,
  maxEventBytes: 10 * 1024,
  maxPresenceMembers: 100,
  maxChannelsPerTrigger: 100,
  maxBatchEvents: 10,
  clientEventsPerSecond: 10,
  // Parley's app holds its private-user channel and one presence channel per conversation.
  maxSubscriptionsPerSocket: 500,
  maxConnections: 100_000,
  maxConnectionsPerIp: 1_000,
  maxBufferedBytes: 4 * 1024 * 1024,
  maxUserDataBytes: 4 * 1024,
  maxChannels: 200_000,
  maxPublicChannelsPerAddress: 200,
  publicChannels: true,
}

/** How long a node remembers an ended session, for a binding that arrives late from another node. */
const ENDED_SESSION_MEMORY_MS = 60_000

export interface RealtimeOptions {
  app: AppCredentials
  /** Seconds of inbound silence before either side pings (sent to clients). */
  activityTimeoutSec: number
  /** How long a pinged socket has to answer before it is closed with 4201. */
  pongGraceMs: number
  limits?: Partial<RealtimeLimits>
  log: Logger
  now?: () => number
  /** Shared state with other nodes (REDIS_URL); this process alone by default. */
  cluster?: Cluster
  /**
   * The client's address, for the per-address limits: behind a trusted proxy,
   * from X-Forwarded-For by the same rules as the REST api (client-address.ts).
   * Default: the socket's peer.
   */
  clientAddress?: (req: IncomingMessage) => string
}

export interface RealtimeStats {
  connections: number
  channels: number
  subscriptions: number
  signedInUsers: number
  messagesIn: number
  messagesOut: number
}

export class RealtimeServer {
  readonly hooks: Hooks
  readonly limits: RealtimeLimits
  readonly app: AppCredentials
  private readonly wss: WebSocketServer
  private readonly connections = new Map<string, Connection>()
  private readonly connectionsPerIp = new Map<string, number>()
  /** Api session → this node's sockets it authorised. */
  private readonly socketsBySession = new Map<string, Set<Connection>>()
  /** Sessions ended in the last minute → when: a late binding to one closes its socket at once. */
  private readonly endedSessions = new Map<string, number>()
  private readonly channels: ChannelRegistry
  /** Who blocked the users with presence on this node. */
  private readonly blockers = new Blockers()
  private readonly users: UserRegistry
  readonly cluster: Cluster
  private readonly log: Logger
  private readonly now: () => number
  private readonly clientAddress: (req: IncomingMessage) => string
  private readonly activityTimeoutMs: number
  private readonly pongGraceMs: number
  private readonly sweepTimer: NodeJS.Timeout
  private shuttingDown = false
  private messagesIn = 0
  private messagesOut = 0

  constructor(private readonly options: RealtimeOptions) {
    this.app = options.app
    this.log = options.log
    this.now = options.now ?? Date.now
    this.clientAddress = options.clientAddress ?? ((req) => req.socket.remoteAddress ?? 'unknown')
    this.limits = { ...defaultLimits, ...options.limits }
    this.hooks = new Hooks(this.log)
    this.cluster = options.cluster ?? new LocalCluster()
    this.channels = new ChannelRegistry(this.hooks, this.cluster, this.limits, this.log, this.blockers)
    this.users = new UserRegistry(this.hooks, this.cluster, this.log)
    this.activityTimeoutMs = options.activityTimeoutSec * 1000
    this.pongGraceMs = options.pongGraceMs
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: this.limits.maxFrameBytes,
      perMessageDeflate: false,
      clientTracking: false,
    })
    // Sweep often enough that a dead peer is dropped within a small fraction of
    // activity_timeout + grace, rarely enough to cost nothing with many sockets.
    const sweepMs = Math.max(50, Math.min(1_000, Math.floor(Math.min(this.activityTimeoutMs, this.pongGraceMs) / 4)))
    this.sweepTimer = setInterval(() => this.sweep(), sweepMs)
    this.sweepTimer.unref()
  }

  /** Join the cluster: other nodes' events and clean-ups start arriving. */
  async start(): Promise<void> {
    await this.cluster.start({
      message: (message) => this.onClusterMessage(message),
      orphan: (transition) => {
        if (transition.type === 'memberRemoved') this.channels.memberRemoved(transition.channel, transition.userId, { origin: true })
        else if (transition.type === 'userOffline') this.users.transition(transition.userId, false, { origin: true })
        else this.hooks.emit('channelVacated', { channel: transition.channel })
      },
    })
  }

  private onClusterMessage(message: ClusterMessage): void {
    switch (message.type) {
      case 'publish': {
        const hiddenFrom = message.from === undefined ? undefined : this.blockers.hiddenFrom(message.from)
        this.messagesOut += this.channels.get(message.channel)?.broadcastRaw(message.frame, message.except, hiddenFrom) ?? 0
        return
      }
      case 'member':
        if (message.added) this.channels.memberAdded(message.channel, message.userId, message.info, { origin: false })
        else this.channels.memberRemoved(message.channel, message.userId, { origin: false })
        return
      case 'user':
        this.users.transition(message.userId, message.online, { origin: false })
        return
      case 'terminate':
        this.closeUserConnections(message.userId)
        return
      case 'endPresence':
        this.endPresenceLocal(message.channel, message.userId)
        return
      case 'block':
        this.blockChangedLocal(message.blockerId, message.blockedId, message.blocked)
        return
      case 'bindSession':
        this.bindLocal(message.socketId, message.session)
        return
      case 'endSessions':
        this.endLocal(message.sessions)
    }
  }

  /** Serve WebSocket upgrades on `/app/{key}` of an existing HTTP server. */
  attach(server: HttpServer): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      this.handleUpgrade(req, socket, head)
    })
  }

  /**
   * Every byte of the request line and headers is the client's: nothing here may
   * throw. A request that cannot be parsed is answered 400 on the raw socket, and
   * the socket's error handler is attached before anything is written to it.
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy())
    const target = parseUpgradeTarget(req.url)
    if (target === null) return refuseUpgrade(socket, '400 Bad Request')
    if (this.shuttingDown) return refuseUpgrade(socket, '503 Service Unavailable')
    if (target.key === undefined) return refuseUpgrade(socket, '404 Not Found')
    const key = target.key
    const remoteAddress = this.clientAddress(req)
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.accept(ws, remoteAddress, key, target.protocol)
    })
  }

  private accept(ws: WebSocket, ip: string, key: string, protocol: string | null): void {
    let socketId: string | undefined = undefined // set once accepted: every line about a socket carries its id
    ws.on('error', (err) => this.log.debug({ err, socketId }, 'websocket error'))
    const refuse = (code: number, message: string): void => {
      ws.send(encodeFrame({ event: 'pusher:error', data: { code, message } }))
      ws.close(code, message)
    }
    if (key !== this.app.key) return refuse(CloseCode.AppNotFound, 'App key not found')
    if (protocol === null || protocol === '') return refuse(CloseCode.NoProtocol, 'No protocol version given')
    if (protocol !== String(PROTOCOL_VERSION)) {
      return refuse(CloseCode.UnsupportedProtocol, `Unsupported protocol version ${protocol.slice(0, 20)}`)
    }
    const fromIp = this.connectionsPerIp.get(ip) ?? 0
    if (this.connections.size >= this.limits.maxConnections || fromIp >= this.limits.maxConnectionsPerIp) {
      return refuse(CloseCode.OverCapacity, 'Over capacity: too many connections')
    }

    const connection = new Connection(
      this.newSocketId(),
      ws,
      ip,
      this.now(),
      this.limits.clientEventsPerSecond,
      this.limits.maxBufferedBytes,
    )
    this.connections.set(connection.id, connection)
    this.connectionsPerIp.set(ip, fromIp + 1)
    socketId = connection.id
    ws.on('message', (raw, isBinary) => this.onMessage(connection, raw, isBinary))
    ws.on('pong', () => this.onActivity(connection))
    ws.on('close', (code) => {
      this.log.debug({ socketId: connection.id, code }, 'connection closed')
      this.detach(connection)
    })
    this.log.debug({ socketId: connection.id, remoteAddress: ip }, 'connection established')
    connection.send({
      event: 'pusher:connection_established',
      data: { socket_id: connection.id, activity_timeout: this.options.activityTimeoutSec },
    })
  }

  private newSocketId(): string {
    for (;;) {
      const id = `${randomInt(1, 2 ** 47)}.${randomInt(1, 2 ** 47)}`
      if (!this.connections.has(id)) return id
    }
  }

  /** Forget a connection everywhere: channels (presence member_removed), sign-in, counts. Idempotent. */
  private detach(connection: Connection): void {
    if (this.connections.get(connection.id) !== connection) return
    this.connections.delete(connection.id)
    for (const session of connection.sessions) {
      const sockets = this.socketsBySession.get(session)
      sockets?.delete(connection)
      if (sockets?.size === 0) this.socketsBySession.delete(session)
    }
    const left = (this.connectionsPerIp.get(connection.remoteAddress) ?? 1) - 1
    if (left <= 0) this.connectionsPerIp.delete(connection.remoteAddress)
    else this.connectionsPerIp.set(connection.remoteAddress, left)
    this.channels.leaveAll(connection)
    this.users.signOut(connection)
  }

  /** Close a connection and drop its state at once, without waiting for the peer. */
  private disconnect(connection: Connection, code: number, reason: string): void {
    connection.close(code, reason)
    this.detach(connection)
  }

  private onActivity(connection: Connection): void {
    connection.lastInboundAt = this.now()
    connection.pingSentAt = null
  }

  private onMessage(connection: Connection, raw: RawData, isBinary: boolean): void {
    this.onActivity(connection)
    this.messagesIn++
    if (connection.closing) return
    if (isBinary) {
      connection.sendError(ErrorCode.BadRequest, 'Binary frames are not supported')
      return
    }
    const decoded = decodeFrame(raw.toString())
    if (!decoded.ok) {
      connection.sendError(ErrorCode.BadRequest, decoded.message)
      return
    }
    try {
      this.dispatch(connection, decoded.frame)
    } catch (err) {
      this.log.error({ err, socketId: connection.id, event: decoded.frame.event.slice(0, 100) }, 'realtime frame handler failed')
      connection.sendError(ErrorCode.BadRequest, 'Could not handle the frame')
    }
  }

  private dispatch(connection: Connection, frame: InboundFrame): void {
    switch (frame.event) {
      case 'pusher:ping':
        connection.send({ event: 'pusher:pong', data: {} })
        return
      case 'pusher:pong':
        return
      case 'pusher:subscribe':
        this.subscribe(connection, frameData(frame.data)).catch((err: unknown) => {
          this.log.error({ err, socketId: connection.id }, 'subscribe failed')
        })
        return
      case 'pusher:unsubscribe': {
        const parsed = unsubscribeDataSchema.safeParse(frameData(frame.data))
        if (!parsed.success) {
          connection.sendError(ErrorCode.BadRequest, 'pusher:unsubscribe needs data {channel}')
          return
        }
        connection.unsubscribed(parsed.data.channel)
        this.channels.leave(connection, parsed.data.channel)
        return
      }
      case 'pusher:signin':
        this.signIn(connection, frameData(frame.data))
        return
      default:
        if (frame.event.startsWith('client-')) {
          this.clientEvent(connection, frame)
          return
        }
        connection.sendError(ErrorCode.BadRequest, `Unknown event ${frame.event.slice(0, 100)}`)
    }
  }

  /**
   * Whether `userId` may be in the presence channel right now, asked at every
   * presence subscribe after the signature checked out (docs/design.md §4.6).
   * A signature is valid for its socket forever, so without this a member
   * removed from a group could subscribe again on the same socket with the
   * signature they got while still a member. Null: everyone the signature admits.
   */
  presenceAdmission: ((channel: string, userId: string) => Promise<boolean>) | null = null

  /** true, false, or 'error' when the check itself failed (refused as 503, never admitted). */
  private async admitted(channel: string, userId: string): Promise<boolean | 'error'> {
    try {
      return await (this.presenceAdmission?.(channel, userId) ?? Promise.resolve(true))
    } catch (err) {
      this.log.error({ err, channel }, 'presence admission check failed')
      return 'error'
    }
  }

  /**
   * Everyone who blocked `userId` (docs/design.md §4.6), read once per user
   * per node at their first presence subscribe here; block changes arrive
   * through `blockChanged`. Whoever blocked a user is hidden from them in every
   * presence channel. Null: nobody is hidden (a Pusher-compatible service for
   * api servers elsewhere, which cannot tell it about blocks).
   */
  presenceBlockers: ((userId: string) => Promise<Iterable<string>>) | null = null

  /** true once `userId`'s blockers are held for the subscribe (release them after), false with no lookup, 'error'. */
  private async holdBlockers(userId: string): Promise<boolean | 'error'> {
    if (this.presenceBlockers === null) return false
    try {
      await this.blockers.acquire(userId, this.presenceBlockers)
      return true
    } catch (err) {
      this.log.error({ err }, 'presence blockers lookup failed')
      return 'error'
    }
  }

  private async subscribe(connection: Connection, data: unknown): Promise<void> {
    const parsed = subscribeDataSchema.safeParse(data)
    if (!parsed.success) {
      connection.sendError(ErrorCode.BadRequest, 'pusher:subscribe needs data {channel, auth?, channel_data?}')
      return
    }
    const { channel: name, auth, channel_data: channelData } = parsed.data
    const fail = (type: 'AuthError' | 'LimitReached' | 'ServerError', error: string, status: number): void => {
      connection.send({ event: 'pusher:subscription_error', channel: name.slice(0, 300), data: { type, error, status } })
    }
    const kind = channelKind(name)
    if (kind === null) return fail('AuthError', 'Invalid channel name', 400)
    if (kind === 'public' && !this.limits.publicChannels) {
      connection.sendError(ErrorCode.ChannelRefused, 'Public channels are turned off on this server')
      return fail('AuthError', 'Public channels are turned off on this server', 403)
    }
    if (
      !connection.subscriptions.has(name) &&
      !connection.pendingSubscriptions.has(name) &&
      connection.subscriptionCount() >= this.limits.maxSubscriptionsPerSocket
    ) {
      return fail('LimitReached', `At most ${this.limits.maxSubscriptionsPerSocket} subscriptions per connection`, 429)
    }

    let member: { userId: string; info: unknown } | undefined
    switch (kind) {
      case 'public':
        break
      case 'private':
      case 'encrypted':
        if (!verifyChannelAuth(this.app, auth, connection.id, name)) {
          return fail('AuthError', 'Invalid signature for this socket and channel', 401)
        }
        break
      case 'presence': {
        if (channelData === undefined) return fail('AuthError', 'Presence channels need channel_data', 400)
        if (Buffer.byteLength(channelData) > this.limits.maxUserDataBytes) {
          return fail('AuthError', `channel_data is larger than ${this.limits.maxUserDataBytes} bytes`, 413)
        }
        if (!verifyChannelAuth(this.app, auth, connection.id, name, channelData)) {
          return fail('AuthError', 'Invalid signature for this socket, channel and channel_data', 401)
        }
        const memberData = channelDataSchema.safeParse(frameData(channelData))
        if (!memberData.success) return fail('AuthError', 'channel_data must be JSON with a user_id', 400)
        member = { userId: memberData.data.user_id, info: memberData.data.user_info }
        break
      }
      case 'server-to-user':
        if (connection.user === null || name !== SERVER_TO_USER_PREFIX + connection.user.id) {
          return fail('AuthError', 'Sign in as this user to subscribe to their channel', 403)
        }
        break
    }

    // Frames that follow are handled while this one awaits the cluster: it counts
    // against the limit meanwhile, and a later unsubscribe still wins.
    connection.subscriptionPending(name)
    let holdsBlockers = false
    if (member !== undefined && (this.presenceAdmission !== null || this.presenceBlockers !== null)) {
      const { userId } = member
      const [admitted, held] = await Promise.all([this.admitted(name, userId), this.holdBlockers(userId)])
      holdsBlockers = held === true
      if (admitted !== true || held === 'error') {
        if (holdsBlockers) this.blockers.release(userId)
        connection.subscriptionAnswered(name)
        if (admitted === false) return fail('AuthError', 'You are not a member of this channel', 403)
        return fail('ServerError', `Could not check ${admitted === 'error' ? 'membership' : 'blocks'}; try again`, 503)
      }
    }
    let joined: Awaited<ReturnType<ChannelRegistry['join']>>
    let leaveAgain: boolean
    try {
      joined = await this.channels.join(connection, name, member)
    } finally {
      leaveAgain = connection.subscriptionAnswered(name)
      if (holdsBlockers && member !== undefined) this.blockers.release(member.userId)
    }
    if (!joined.ok) {
      if (joined.channelLimit) connection.sendError(ErrorCode.ChannelRefused, joined.error)
      return fail(joined.type, joined.error, joined.type === 'LimitReached' ? 429 : 503)
    }
    connection.send({
      event: 'pusher_internal:subscription_succeeded',
      channel: name,
      data: joined.presence ?? {},
    })
    // Frames that arrived while the subscription was being answered go out now, after it.
    connection.flushFrames(name)
    if (leaveAgain) this.channels.leave(connection, name)
  }

  private signIn(connection: Connection, data: unknown): void {
    const refuse = (message: string): void => {
      connection.sendError(CloseCode.Unauthorized, message)
      this.disconnect(connection, CloseCode.Unauthorized, message)
    }
    const parsed = signinDataSchema.safeParse(data)
    if (!parsed.success) return refuse('pusher:signin needs data {auth, user_data}')
    const { auth, user_data: userDataText } = parsed.data
    if (Buffer.byteLength(userDataText) > this.limits.maxUserDataBytes) {
      return refuse(`user_data is larger than ${this.limits.maxUserDataBytes} bytes`)
    }
    if (!verifyUserAuth(this.app, auth, connection.id, userDataText)) return refuse('Invalid signature for sign-in')
    const userData = userDataSchema.safeParse(frameData(userDataText))
    if (!userData.success) return refuse('user_data must be JSON with a non-empty string id')

    const previous = connection.user?.id
    if (previous !== undefined && previous !== userData.data.id) {
      this.channels.leave(connection, SERVER_TO_USER_PREFIX + previous)
    }
    const watchlist = userData.data.watchlist ?? []
    this.users.signIn(connection, userData.data.id, watchlist)
    connection.send({ event: 'pusher:signin_success', data: { user_data: userDataText } })
    if (watchlist.length === 0) return
    this.users.initialWatchlistEvents(watchlist).then(
      (events) => {
        if (events.length > 0) connection.send({ event: 'pusher_internal:watchlist_events', data: { events } })
      },
      (err: unknown) => this.log.error({ err, socketId: connection.id }, 'watchlist lookup failed'),
    )
  }

  private clientEvent(connection: Connection, frame: InboundFrame): void {
    const name = frame.channel
    const reject = (message: string): void => connection.sendError(ErrorCode.BadRequest, message)
    if (name === undefined) return reject('Client events need a channel')
    const kind = channelKind(name)
    if (kind === null || !allowsClientEvents(kind)) {
      return reject('Client events are only allowed on private and presence channels')
    }
    const membership = connection.subscriptions.get(name)
    if (membership === undefined) return reject(`Not subscribed to ${name}`)
    const data = typeof frame.data === 'string' ? frame.data : JSON.stringify(frame.data ?? null)
    if (Buffer.byteLength(data) > this.limits.maxEventBytes) {
      return reject(`Client event data is larger than ${this.limits.maxEventBytes} bytes`)
    }
    if (!connection.clientEvents.tryTake(this.now())) {
      connection.sendError(
        ErrorCode.ClientEventRateLimit,
        `Client event rejected: more than ${this.limits.clientEventsPerSecond} per second`,
      )
      return
    }
    const channel = this.channels.get(name)
    if (channel === undefined) return
    const userId = membership?.userId
    const encoded = encodeFrame({ event: frame.event, channel: name, data, ...(userId ? { user_id: userId } : {}) })
    this.messagesOut += channel.broadcastRaw(encoded, connection.id, userId === undefined ? undefined : this.blockers.hiddenFrom(userId))
    this.cluster.send({ type: 'publish', channel: name, frame: encoded, except: connection.id, from: userId })
    this.hooks.emit('clientEvent', {
      channel: name,
      event: frame.event,
      data,
      socketId: connection.id,
      ...(userId ? { userId } : {}),
    })
  }

  /**
   * Deliver an event to every subscriber of each channel, except the socket
   * `exceptSocketId` (the sender, when the api passes its socket id).
   */
  publish(channelNames: readonly string[], event: string, data: string, exceptSocketId?: string): void {
    for (const name of channelNames) {
      const frame = encodeFrame({ event, channel: name, data })
      this.messagesOut += this.channels.get(name)?.broadcastRaw(frame, exceptSocketId) ?? 0
      this.cluster.send({ type: 'publish', channel: name, frame, ...(exceptSocketId ? { except: exceptSocketId } : {}) })
    }
  }

  /** Ping silent sockets; close those that did not answer within the grace period. */
  private sweep(): void {
    const now = this.now()
    for (const [session, endedAt] of this.endedSessions) {
      if (now - endedAt < ENDED_SESSION_MEMORY_MS) break
      this.endedSessions.delete(session)
    }
    const ping = encodeFrame({ event: 'pusher:ping', data: {} })
    for (const connection of this.connections.values()) {
      if (connection.pingSentAt === null) {
        if (now - connection.lastInboundAt >= this.activityTimeoutMs) {
          connection.pingSentAt = now
          connection.sendRaw(ping)
        }
      } else if (now - connection.pingSentAt >= this.pongGraceMs) {
        this.log.debug({ socketId: connection.id }, 'no pong within the grace period: closing')
        this.disconnect(connection, CloseCode.PongTimeout, 'Pong reply not received')
      }
    }
  }

  /** This node's view of a channel (its own subscribers). */
  channel(name: string): Channel | undefined {
    return this.channels.get(name)
  }

  /** This node's channels. */
  allChannels(): IterableIterator<Channel> {
    return this.channels.all()
  }

  /** Cluster-wide channel information, as the HTTP API reports it. */
  async channelInfo(name: string): Promise<{ subscriptionCount: number; userCount: number }> {
    const [subscriptionCount, userCount] = await Promise.all([
      this.cluster.subscriptionCount(name),
      channelKind(name) === 'presence' ? this.cluster.presenceCount(name) : Promise.resolve(0),
    ])
    return { subscriptionCount, userCount }
  }

  /** Occupied channels across the cluster whose names start with `prefix`. */
  occupiedChannels(prefix: string): Promise<string[]> {
    return this.cluster.occupiedChannels(prefix)
  }

  /** Members of a presence channel across the cluster. */
  async presenceUserIds(name: string): Promise<string[]> {
    return [...(await this.cluster.presenceMembers(name)).keys()]
  }

  /** Signed in on this node (tests; the cluster knows about the others). */
  isUserOnline(userId: string): boolean {
    return this.users.isLocal(userId)
  }

  /**
   * The api session `session` authorised socket `socketId` (wherever in the
   * cluster that socket is): when the session ends, the socket is closed.
   */
  bindSession(socketId: string, session: string): void {
    if (!this.bindLocal(socketId, session)) this.cluster.send({ type: 'bindSession', socketId, session })
  }

  /** True when the socket is on this node. */
  private bindLocal(socketId: string, session: string): boolean {
    const connection = this.connections.get(socketId)
    if (connection === undefined) return false
    if (this.endedSessions.has(session)) {
      this.disconnect(connection, CloseCode.Unauthorized, 'Session ended')
      return true
    }
    connection.sessions.add(session)
    let sockets = this.socketsBySession.get(session)
    if (sockets === undefined) {
      sockets = new Set()
      this.socketsBySession.set(session, sockets)
    }
    sockets.add(connection)
    return true
  }

  /** Sessions ended (logout, expiry, revocation): close their sockets on every node. */
  endSessions(sessions: readonly string[]): void {
    if (sessions.length === 0) return
    this.cluster.send({ type: 'endSessions', sessions: [...sessions] })
    this.endLocal(sessions)
  }

  private endLocal(sessions: readonly string[]): void {
    const now = this.now()
    for (const session of sessions) {
      // Re-inserted, so the map stays in order of ending (the sweep stops at the first recent one).
      this.endedSessions.delete(session)
      this.endedSessions.set(session, now)
      for (const connection of [...(this.socketsBySession.get(session) ?? [])]) {
        this.disconnect(connection, CloseCode.Unauthorized, 'Session ended')
      }
    }
  }

  /**
   * Claim a signed HTTP API request's signature: true the first time, false when
   * it was seen before (a replay). Remembered cluster-wide until the signature's
   * timestamp leaves the accepted window (`expiresAt`, ms).
   */
  claimSignature(signature: string, expiresAt: number): Promise<boolean> {
    return this.cluster.claimOnce(`signature:${signature}`, expiresAt)
  }

  /** Close every signed-in connection of a user, on every node (HTTP API terminate_connections). */
  terminateUserConnections(userId: string): number {
    this.cluster.send({ type: 'terminate', userId })
    return this.closeUserConnections(userId)
  }

  /**
   * End a user's membership of a presence channel at once, on every node:
   * each of their sockets is unsubscribed, exactly as if it had sent
   * pusher:unsubscribe, so the others get member_removed when the user's
   * last socket in the cluster is gone. The sockets stay open (their other
   * channels are untouched) and are told nothing: the app learns it from its
   * own channel, and a new subscription needs a new auth, which the api refuses.
   * Unknown channels and users are nothing to do.
   */
  endPresence(channel: string, userId: string): number {
    this.cluster.send({ type: 'endPresence', channel, userId })
    return this.endPresenceLocal(channel, userId)
  }

  private endPresenceLocal(channel: string, userId: string): number {
    const sockets = this.channels.get(channel)?.members?.get(userId)?.sockets
    if (sockets === undefined) return 0
    let ended = 0
    for (const socketId of [...sockets]) {
      const connection = this.connections.get(socketId)
      if (connection === undefined) continue
      // A subscribe still being answered for this channel must not win afterwards.
      connection.unsubscribed(channel)
      this.channels.leave(connection, channel)
      ended++
    }
    return ended
  }

  /**
   * `blockerId` blocked (`blocked`) or unblocked `blockedId`, on every node:
   * from now on the blocker is hidden from (shown to) the blocked user in every
   * presence channel, and where the blocked user is subscribed and the blocker
   * present, the blocked user's sockets get member_removed (member_added) for
   * them at once. Only users with presence on a node are kept there; the
   * others read their blockers when they subscribe.
   */
  blockChanged(blockerId: string, blockedId: string, blocked: boolean): void {
    this.cluster.send({ type: 'block', blockerId, blockedId, blocked })
    this.blockChangedLocal(blockerId, blockedId, blocked)
  }

  private blockChangedLocal(blockerId: string, blockedId: string, blocked: boolean): void {
    for (const name of this.blockers.changed(blockerId, blockedId, blocked)) {
      this.channels.blockChanged(name, blockerId, blockedId, blocked)
    }
  }

  private closeUserConnections(userId: string): number {
    const connections = this.users.connectionsOf(userId)
    for (const connection of connections) {
      this.disconnect(connection, CloseCode.Unauthorized, 'Connections terminated by the server')
    }
    return connections.length
  }

  stats(): RealtimeStats {
    let subscriptions = 0
    for (const channel of this.channels.all()) subscriptions += channel.subscribers.size
    return {
      connections: this.connections.size,
      channels: this.channels.size,
      subscriptions,
      signedInUsers: this.users.onlineCount,
      messagesIn: this.messagesIn,
      messagesOut: this.messagesOut,
    }
  }

  /** Graceful shutdown: close every socket with 4200 so clients reconnect at once elsewhere. */
  async close(): Promise<void> {
    if (this.shuttingDown) return
    this.shuttingDown = true
    clearInterval(this.sweepTimer)
    const closed = [...this.connections.values()].map(
      (connection) =>
        new Promise<void>((resolve) => {
          if (connection.ws.readyState === connection.ws.CLOSED) return resolve()
          connection.ws.once('close', () => resolve())
          connection.close(CloseCode.Shutdown, 'Server shutting down')
        }),
    )
    await Promise.all(closed)
    for (const connection of [...this.connections.values()]) this.detach(connection)
    this.wss.close()
    // The cluster hears about every member and user that left with the sockets, then lets go.
    await this.channels.settle()
    await this.users.settle()
    await this.cluster.close()
  }
}
