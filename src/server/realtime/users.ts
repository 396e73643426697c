/**
 * Signed-in users (`pusher:signin`): which of this node's sockets belong to
 * which user, and who watches whom. Online/offline is decided cluster-wide:
 * this node reports its own first/last socket of a user, the cluster answers
 * whether the user just came online or went offline everywhere. Watchers on
 * every node then get `pusher_internal:watchlist_events`.
 */
import type { Logger } from 'pino'
import type { Cluster } from './cluster'
import type { Connection } from './connection'
import type { Hooks } from './hooks'

type WatchlistEventName = 'online' | 'offline'

export class UserRegistry {
  private readonly socketsByUser = new Map<string, Set<Connection>>()
  /** Watched user id → this node's sockets watching them. */
  private readonly watchers = new Map<string, Set<Connection>>()
  private readonly queues = new Map<string, Promise<unknown>>()
  private readonly pending = new Set<Promise<unknown>>()

  constructor(
    private readonly hooks: Hooks,
    private readonly cluster: Cluster,
    private readonly log: Logger,
  ) {}

  /** Signed in on this node. */
  isLocal(userId: string): boolean {
    return this.socketsByUser.has(userId)
  }

  connectionsOf(userId: string): readonly Connection[] {
    return [...(this.socketsByUser.get(userId) ?? [])]
  }

  get onlineCount(): number {
    return this.socketsByUser.size
  }

  signIn(connection: Connection, userId: string, watchlist: readonly string[]): void {
    if (connection.user !== null) this.signOut(connection)
    connection.user = { id: userId, watchlist }
    let sockets = this.socketsByUser.get(userId)
    const firstSocket = sockets === undefined
    if (sockets === undefined) {
      sockets = new Set()
      this.socketsByUser.set(userId, sockets)
    }
    sockets.add(connection)
    for (const watched of watchlist) {
      let set = this.watchers.get(watched)
      if (set === undefined) {
        set = new Set()
        this.watchers.set(watched, set)
      }
      set.add(connection)
    }
    if (firstSocket) this.report(userId, 1)
  }

  /** The watchlist's state right after sign-in, as one frame's events. */
  async initialWatchlistEvents(watchlist: readonly string[]): Promise<{ name: WatchlistEventName; user_ids: string[] }[]> {
    const online = await this.cluster.onlineUsers(watchlist)
    const events: { name: WatchlistEventName; user_ids: string[] }[] = []
    const on = watchlist.filter((id) => online.has(id))
    const off = watchlist.filter((id) => !online.has(id))
    if (on.length > 0) events.push({ name: 'online', user_ids: on })
    if (off.length > 0) events.push({ name: 'offline', user_ids: off })
    return events
  }

  signOut(connection: Connection): void {
    const user = connection.user
    if (user === null) return
    connection.user = null
    for (const watched of user.watchlist) {
      const set = this.watchers.get(watched)
      set?.delete(connection)
      if (set?.size === 0) this.watchers.delete(watched)
    }
    const sockets = this.socketsByUser.get(user.id)
    if (sockets === undefined) return
    sockets.delete(connection)
    if (sockets.size === 0) {
      this.socketsByUser.delete(user.id)
      this.report(user.id, -1)
    }
  }

  /** A user came online or went offline cluster-wide: tell this node's watchers (and, from the origin, the cluster). */
  transition(userId: string, online: boolean, options: { origin: boolean }): void {
    const name: WatchlistEventName = online ? 'online' : 'offline'
    for (const watcher of this.watchers.get(userId) ?? []) {
      watcher.send({ event: 'pusher_internal:watchlist_events', data: { events: [{ name, user_ids: [userId] }] } })
    }
    if (options.origin) this.cluster.send({ type: 'user', userId, online })
    const remote = options.origin ? {} : { remote: true as const }
    this.hooks.emit(online ? 'userOnline' : 'userOffline', { userId, ...remote })
  }

  private report(userId: string, delta: 1 | -1): void {
    const previous = this.queues.get(userId) ?? Promise.resolve()
    const run = previous
      .then(() => this.cluster.signedIn(userId, delta))
      .then((result) => {
        if (result === 'online') this.transition(userId, true, { origin: true })
        if (result === 'offline') this.transition(userId, false, { origin: true })
      })
      .catch((err: unknown) => this.log.error({ err, userId }, 'cluster sign-in update failed'))
    this.queues.set(userId, run)
    this.pending.add(run)
    void run.then(() => {
      this.pending.delete(run)
      if (this.queues.get(userId) === run) this.queues.delete(userId)
    })
  }

  /** Wait for cluster updates in flight (shutdown). */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending])
  }
}
