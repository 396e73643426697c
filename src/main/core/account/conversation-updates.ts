/**
 * Updated conversation views and the unread total, on their way to the
 * window (the `conversations` and `unreadChanged` events of the account).
 *
 * While sync keeps writing (a page every few ms when catching up), its
 * changes go out at most once per SYNC_VIEWS_INTERVAL_MS — the first at once,
 * the rest together at the end of the interval. Each send reads every changed
 * conversation's unread count and last message, and re-renders the list: per
 * page, that was a tenth of a catch-up's time. A change the user made (a
 * message sent, a conversation muted or read) goes out at once, with
 * whatever sync changed meanwhile.
 *
 * The unread total (the OS badge, `unreadChanged`) is counted over every
 * conversation: with 2,000 of them, recounting it at every send was 7 % of a
 * first sign-in's CPU (bench:history's profile). After a user's change it
 * goes out at once; while sync writes, at most once per
 * BADGE_INTERVAL_MS, the last change always followed by one.
 */
import type { Cache, CachedConversation } from '../cache/types'
import type { EventHub } from '../event-hub'
import type { AccountEvents } from './account-events'
import { conversationViews } from './views'

const SYNC_VIEWS_INTERVAL_MS = 50
/** While sync writes, the unread total goes out at most this often (the last change is always followed by one). */
export const BADGE_INTERVAL_MS = 250
/**
 * Views sync changed that one send builds (~0.4 ms each: a row, its members,
 * markers, unread counts and last message); the rest go out on the next
 * turn of the event loop. A listing after a weekend offline changes every
 * conversation with news at once, and building 200 views in one go held the
 * thread for ~80 ms (bench:core weekend).
 */
export const VIEWS_PER_TURN = 40

export class ConversationUpdates {
  /** Conversations sync changed whose views have not gone out yet. */
  private readonly changed = new Set<string>()
  private timer: NodeJS.Timeout | null = null
  private sentAt = Number.NEGATIVE_INFINITY
  private badgeTimer: NodeJS.Timeout | null = null
  private badgeAt = Number.NEGATIVE_INFINITY
  private stopped = false

  constructor(
    private readonly cache: Cache,
    private readonly me: string,
    private readonly events: EventHub<AccountEvents>,
    private readonly now: () => number,
  ) {}

  /** Sync's changes: views go out at once, or with the others at the end of the current interval. */
  changedBySync(ids: readonly string[]): void {
    for (const id of ids) this.changed.add(id)
    if (this.timer !== null || this.stopped) return
    const wait = this.sentAt + SYNC_VIEWS_INTERVAL_MS - performance.now()
    if (wait <= 0) this.send([])
    else this.timer = setTimeout(() => this.send([]), wait)
  }

  /**
   * Send the views of `ids` and of the conversations sync changed meanwhile
   * (at most VIEWS_PER_TURN of those: the rest follow on the next turn), and
   * the unread total.
   */
  send(ids: readonly string[]): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    this.sentAt = performance.now()
    const conversations: CachedConversation[] = []
    const take = (id: string) => {
      this.changed.delete(id)
      const conversation = this.cache.conversation(id)
      if (conversation) conversations.push(conversation)
    }
    for (const id of new Set(ids)) take(id)
    for (const id of this.changed) {
      if (conversations.length >= VIEWS_PER_TURN) break
      take(id)
    }
    const views = conversationViews(conversations, this.cache, this.me, this.now())
    if (this.changed.size > 0 && !this.stopped) this.timer = setTimeout(() => this.send([]), 0)
    if (views.length > 0) this.events.emit('conversations', views)
    this.unreadChanged(ids.length > 0)
    // The interval runs from when the views went out, not only from when reading them began (set above
    // too, for whatever the listeners cause meanwhile): reading takes a few ms on a busy machine, and two
    // sends came 44 ms apart (test/integration/core/catch-up.test.ts).
    this.sentAt = performance.now()
  }

  /** The unread total: now after a user's change, else at most once per BADGE_INTERVAL_MS (trailing). */
  private unreadChanged(now: boolean): void {
    const wait = this.badgeAt + BADGE_INTERVAL_MS - performance.now()
    if (now || wait <= 0) {
      if (this.badgeTimer !== null) clearTimeout(this.badgeTimer)
      this.badgeTimer = null
      this.badgeAt = performance.now()
      this.events.emit('unreadChanged', undefined)
      return
    }
    if (this.badgeTimer !== null || this.stopped) return
    this.badgeTimer = setTimeout(() => {
      this.badgeTimer = null
      this.badgeAt = performance.now()
      this.events.emit('unreadChanged', undefined)
    }, wait)
  }

  /** Sync's changes no longer go out on their own (the account is closing). */
  stop(): void {
    this.stopped = true
    if (this.timer !== null) clearTimeout(this.timer)
    if (this.badgeTimer !== null) clearTimeout(this.badgeTimer)
  }
}
