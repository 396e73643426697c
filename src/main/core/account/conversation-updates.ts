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
 */
import type { ChatConversation } from '../../../shared/ipc'
import type { Cache } from '../cache/types'
import type { EventHub } from '../event-hub'
import type { AccountEvents } from './account-events'
import { conversationView } from './views'

const SYNC_VIEWS_INTERVAL_MS = 50
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
    const views: ChatConversation[] = []
    const build = (id: string) => {
      this.changed.delete(id)
      const conversation = this.cache.conversation(id)
      if (conversation) views.push(conversationView(conversation, this.cache, this.me, this.now()))
    }
    for (const id of new Set(ids)) build(id)
    for (const id of this.changed) {
      if (views.length >= VIEWS_PER_TURN) break
      build(id)
    }
    if (this.changed.size > 0 && !this.stopped) this.timer = setTimeout(() => this.send([]), 0)
    if (views.length > 0) this.events.emit('conversations', views)
    this.events.emit('unreadChanged', undefined)
    // The interval runs from when the views went out, not only from when reading them began (set above
    // too, for whatever the listeners cause meanwhile): reading takes a few ms on a busy machine, and two
    // sends came 44 ms apart (test/integration/core/catch-up.test.ts).
    this.sentAt = performance.now()
  }

  /** Sync's changes no longer go out on their own (the account is closing). */
  stop(): void {
    this.stopped = true
    if (this.timer !== null) clearTimeout(this.timer)
  }
}
