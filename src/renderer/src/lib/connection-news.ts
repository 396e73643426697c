/**
 * Which connection changes the live region speaks of (hooks/useAnnouncements.ts).
 *
 * The core's status goes offline → connecting → offline … at every retry while
 * the server is out of reach (main/core/realtime/supervisor.ts): each of those
 * is not news. Per outage it says "offline" once, "reconnecting" once when a
 * working connection is being replaced (the wake-up check), and "back online"
 * when connected again after either. The status the app starts with is not
 * news either: the first "connecting" → "connected" is silent.
 */
import type { ConnectionState } from '../../../shared/ipc'

export type ConnectionNews = 'offline' | 'reconnecting' | 'online'

export class ConnectionNewsTracker {
  private said = new Set<Exclude<ConnectionNews, 'online'>>()

  constructor(private previous: ConnectionState) {}

  /** The status is now `state`: what to announce, if anything. */
  next(state: ConnectionState): ConnectionNews | null {
    const before = this.previous
    if (state === before) return null
    this.previous = state
    if (state === 'connected') {
      if (this.said.size === 0) return null
      this.said.clear()
      return 'online'
    }
    if (state === 'offline') return this.once('offline')
    return before === 'connected' ? this.once('reconnecting') : null
  }

  private once(news: Exclude<ConnectionNews, 'online'>): ConnectionNews | null {
    if (this.said.has(news)) return null
    this.said.add(news)
    return news
  }
}
