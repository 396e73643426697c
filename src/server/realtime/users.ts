/**
 * Signed-in users (`pusher:signin`) on this node: which sockets belong to which
 * user, and who watches whom. Watchers get `pusher_internal:watchlist_events`
 * when a watched user's first socket signs in or last socket goes away.
 */
import type { Connection } from './connection'
import type { Hooks } from './hooks'

type WatchlistEventName = 'online' | 'offline'

export class UserRegistry {
  private readonly socketsByUser = new Map<string, Set<Connection>>()
  /** Watched user id → sockets watching them. */
  private readonly watchers = new Map<string, Set<Connection>>()

  constructor(private readonly hooks: Hooks) {}

  isOnline(userId: string): boolean {
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
    if (firstSocket) {
      this.notifyWatchers(userId, 'online')
      this.hooks.emit('userOnline', { userId })
    }
  }

  /** The watchlist's state right after sign-in, as one frame's events. */
  initialWatchlistEvents(watchlist: readonly string[]): { name: WatchlistEventName; user_ids: string[] }[] {
    const online = watchlist.filter((id) => this.isOnline(id))
    const offline = watchlist.filter((id) => !this.isOnline(id))
    const events: { name: WatchlistEventName; user_ids: string[] }[] = []
    if (online.length > 0) events.push({ name: 'online', user_ids: online })
    if (offline.length > 0) events.push({ name: 'offline', user_ids: offline })
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
      this.notifyWatchers(user.id, 'offline')
      this.hooks.emit('userOffline', { userId: user.id })
    }
  }

  private notifyWatchers(userId: string, name: WatchlistEventName): void {
    const set = this.watchers.get(userId)
    if (set === undefined) return
    for (const watcher of set) {
      watcher.send({ event: 'pusher_internal:watchlist_events', data: { events: [{ name, user_ids: [userId] }] } })
    }
  }
}
