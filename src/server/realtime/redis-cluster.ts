/**
 * Several server nodes acting as one realtime service, through Redis.
 *
 * - Fan-out: every event a node publishes (HTTP API, in-process api, client
 *   events) goes on one pub/sub channel; each node delivers it to its own
 *   sockets. Member, online/offline and terminate messages travel the same way.
 * - Counts that decide cluster-wide transitions are Redis hashes changed with
 *   atomic scripts: per presence channel, how many nodes hold each user; per
 *   channel, how many nodes have subscribers; per user, how many nodes hold a
 *   signed-in socket. A node reports only its own first/last transitions, so
 *   a count is a number of nodes, and 1/0 results are the cluster-wide
 *   first/last.
 * - No ghosts: each node records what it holds (node:{id}:presence, :users,
 *   :channels) and refreshes a liveness key with a TTL. Every node sweeps the
 *   node list; one that finds a node whose key expired takes a lock and
 *   releases everything the dead node held, broadcasting the member_removed,
 *   offline and vacated transitions that follow. A node killed without warning
 *   is cleaned up within `nodeTtlMs + sweepMs` (plus a round trip).
 */
import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import type { Logger } from 'pino'
import type { Cluster, ClusterMessage, OrphanTransition } from './cluster'

export interface RedisClusterOptions {
  url: string
  /** Namespaces the keys: several apps (or test runs) can share one Redis. */
  prefix: string
  log: Logger
  /** A node whose liveness key is older than this is dead. */
  nodeTtlMs?: number
  /** How often each node refreshes its key and looks for dead ones. */
  sweepMs?: number
}

/** HINCRBY a field by −1 and delete it (and its twin in a second hash) at zero; returns the new value. */
const DECREMENT = `
local v = redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
if v <= 0 then
  redis.call('HDEL', KEYS[1], ARGV[1])
  if KEYS[2] then redis.call('HDEL', KEYS[2], ARGV[1]) end
  return 0
end
return v`

const SEPARATOR = '\n'

export class RedisCluster implements Cluster {
  readonly nodeId = randomUUID()
  private readonly commands: Redis
  private readonly subscriber: Redis
  private readonly nodeTtlMs: number
  private readonly sweepMs: number
  private timer: NodeJS.Timeout | null = null
  private handlers: Parameters<Cluster['start']>[0] | null = null
  private closed = false

  constructor(private readonly options: RedisClusterOptions) {
    const redisOptions = { maxRetriesPerRequest: 3, commandTimeout: 5_000, enableAutoPipelining: true, lazyConnect: true }
    this.commands = new Redis(options.url, redisOptions)
    this.subscriber = new Redis(options.url, { ...redisOptions, enableAutoPipelining: false })
    for (const client of [this.commands, this.subscriber]) {
      client.on('error', (err: Error) => options.log.warn({ err: err.message }, 'redis connection error'))
    }
    this.commands.defineCommand('parleyDecrement', { numberOfKeys: 2, lua: DECREMENT })
    this.nodeTtlMs = options.nodeTtlMs ?? 5_000
    this.sweepMs = options.sweepMs ?? 1_000
  }

  private key(...parts: string[]): string {
    return [this.options.prefix, ...parts].join(':')
  }

  private get bus(): string {
    return this.key('bus')
  }

  private decrement(hash: string, field: string, twin?: string): Promise<number> {
    return (this.commands as unknown as { parleyDecrement(a: string, b: string, f: string): Promise<number> }).parleyDecrement(
      hash,
      twin ?? this.key('nothing'),
      field,
    )
  }

  async start(handlers: Parameters<Cluster['start']>[0]): Promise<void> {
    this.handlers = handlers
    await Promise.all([this.commands.connect(), this.subscriber.connect()])
    this.subscriber.on('message', (_channel: string, payload: string) => this.receive(payload))
    await this.subscriber.subscribe(this.bus)
    await this.heartbeat()
    this.timer = setInterval(() => {
      this.heartbeat()
        .then(() => this.sweep())
        .catch((err: unknown) => this.options.log.warn({ err: String(err) }, 'cluster heartbeat failed'))
    }, this.sweepMs)
    this.timer.unref()
  }

  private receive(payload: string): void {
    let parsed: { node: string; message: ClusterMessage }
    try {
      parsed = JSON.parse(payload) as { node: string; message: ClusterMessage }
    } catch {
      return
    }
    if (parsed.node === this.nodeId) return
    this.handlers?.message(parsed.message)
  }

  send(message: ClusterMessage): void {
    if (this.closed) return
    this.commands
      .publish(this.bus, JSON.stringify({ node: this.nodeId, message }))
      .catch((err: unknown) => this.options.log.warn({ err: String(err) }, 'cluster publish failed'))
  }

  async claimOnce(key: string, expiresAt: number): Promise<boolean> {
    return (await this.commands.set(this.key('once', key), '1', 'PXAT', expiresAt, 'NX')) === 'OK'
  }

  // -- presence ----------------------------------------------------------------

  async presence(channel: string, userId: string, info: unknown, delta: 1 | -1): Promise<'first' | 'last' | null> {
    const nodes = this.key('presence', channel)
    const infos = this.key('presence-info', channel)
    const mine = this.key('node', this.nodeId, 'presence')
    const entry = `${channel}${SEPARATOR}${userId}`
    if (delta === 1) {
      const [count] = await Promise.all([
        this.commands.hincrby(nodes, userId, 1),
        this.commands.hset(infos, userId, JSON.stringify(info ?? null)),
        this.commands.sadd(mine, entry),
      ])
      return count === 1 ? 'first' : null
    }
    await this.commands.srem(mine, entry)
    return (await this.decrement(nodes, userId, infos)) === 0 ? 'last' : null
  }

  async presenceMembers(channel: string): Promise<Map<string, unknown>> {
    const infos = await this.commands.hgetall(this.key('presence-info', channel))
    const members = new Map<string, unknown>()
    for (const [id, json] of Object.entries(infos)) {
      try {
        members.set(id, JSON.parse(json))
      } catch {
        members.set(id, null)
      }
    }
    return members
  }

  presenceCount(channel: string): Promise<number> {
    return this.commands.hlen(this.key('presence', channel))
  }

  async hasMember(channel: string, userId: string): Promise<boolean> {
    return (await this.commands.hexists(this.key('presence', channel), userId)) === 1
  }

  // -- occupancy ---------------------------------------------------------------

  async occupancy(channel: string, delta: 1 | -1, local: number): Promise<'occupied' | 'vacated' | null> {
    const occupancy = this.key('occupancy')
    const mine = this.key('node', this.nodeId, 'channels')
    if (delta === 1) {
      const [count] = await Promise.all([
        this.commands.hincrby(occupancy, channel, 1),
        this.commands.sadd(mine, channel),
        this.commands.hset(this.key('subs', channel), this.nodeId, local),
      ])
      return count === 1 ? 'occupied' : null
    }
    await Promise.all([this.commands.srem(mine, channel), this.commands.hdel(this.key('subs', channel), this.nodeId)])
    return (await this.decrement(occupancy, channel)) === 0 ? 'vacated' : null
  }

  subscriberCount(channel: string, local: number): void {
    this.commands
      .hset(this.key('subs', channel), this.nodeId, local)
      .catch((err: unknown) => this.options.log.warn({ err: String(err) }, 'cluster subscriber count failed'))
  }

  async subscriptionCount(channel: string): Promise<number> {
    const counts = await this.commands.hvals(this.key('subs', channel))
    return counts.reduce((sum, value) => sum + Number(value), 0)
  }

  async occupiedChannels(prefix: string): Promise<string[]> {
    const names = await this.commands.hkeys(this.key('occupancy'))
    return names.filter((name) => name.startsWith(prefix))
  }

  // -- signed-in users ---------------------------------------------------------

  async signedIn(userId: string, delta: 1 | -1): Promise<'online' | 'offline' | null> {
    const users = this.key('users')
    const mine = this.key('node', this.nodeId, 'users')
    if (delta === 1) {
      const [count] = await Promise.all([this.commands.hincrby(users, userId, 1), this.commands.sadd(mine, userId)])
      return count === 1 ? 'online' : null
    }
    await this.commands.srem(mine, userId)
    return (await this.decrement(users, userId)) === 0 ? 'offline' : null
  }

  async onlineUsers(userIds: readonly string[]): Promise<Set<string>> {
    if (userIds.length === 0) return new Set()
    const present = await this.commands.hmget(this.key('users'), ...userIds)
    return new Set(userIds.filter((_, i) => present[i] !== null))
  }

  // -- liveness ----------------------------------------------------------------

  private async heartbeat(): Promise<void> {
    await Promise.all([
      this.commands.set(this.key('node', this.nodeId, 'alive'), '1', 'PX', this.nodeTtlMs),
      this.commands.sadd(this.key('nodes'), this.nodeId),
    ])
  }

  /** Release what dead nodes held. One node does it per dead node (a lock), the others skip. */
  private async sweep(): Promise<void> {
    const nodes = await this.commands.smembers(this.key('nodes'))
    for (const node of nodes) {
      if (node === this.nodeId || this.closed) continue
      if ((await this.commands.exists(this.key('node', node, 'alive'))) === 1) continue
      const locked = await this.commands.set(this.key('cleanup', node), this.nodeId, 'PX', 60_000, 'NX')
      if (locked !== 'OK') continue
      this.options.log.info({ node }, 'a realtime node died: releasing its members, users and channels')
      for (const transition of await this.release(node)) this.handlers?.orphan(transition)
    }
  }

  /** Undo everything `node` recorded; returns the cluster-wide transitions that causes. */
  private async release(node: string): Promise<OrphanTransition[]> {
    const transitions: OrphanTransition[] = []
    const presence = this.key('node', node, 'presence')
    for (const entry of await this.commands.smembers(presence)) {
      const at = entry.indexOf(SEPARATOR)
      const channel = entry.slice(0, at)
      const userId = entry.slice(at + 1)
      if ((await this.decrement(this.key('presence', channel), userId, this.key('presence-info', channel))) === 0) {
        transitions.push({ type: 'memberRemoved', channel, userId })
      }
    }
    for (const userId of await this.commands.smembers(this.key('node', node, 'users'))) {
      if ((await this.decrement(this.key('users'), userId)) === 0) transitions.push({ type: 'userOffline', userId })
    }
    for (const channel of await this.commands.smembers(this.key('node', node, 'channels'))) {
      await this.commands.hdel(this.key('subs', channel), node)
      if ((await this.decrement(this.key('occupancy'), channel)) === 0) transitions.push({ type: 'vacated', channel })
    }
    await this.commands.del(presence, this.key('node', node, 'users'), this.key('node', node, 'channels'))
    await this.commands.srem(this.key('nodes'), node)
    return transitions
  }

  /** Leave cleanly: what this node still holds is released (normally nothing: sockets closed first). */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    if (this.timer) clearInterval(this.timer)
    try {
      const leftovers = await this.release(this.nodeId)
      for (const transition of leftovers) this.handlers?.orphan(transition)
      await this.commands.del(this.key('node', this.nodeId, 'alive'))
    } catch (err) {
      this.options.log.warn({ err: String(err) }, 'could not release this node cleanly; the others will')
    }
    this.subscriber.disconnect()
    await this.commands.quit().catch(() => this.commands.disconnect())
  }
}
