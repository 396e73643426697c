/**
 * Finding out that I am no longer a member of a conversation when the news
 * did not come by realtime (removed while the app was closed or offline:
 * `conversation.removed` went to a channel nobody listened to).
 *
 * A full listing that no longer holds a cached conversation is not proof on
 * its own (a conversation can move between pages while they are read), and a
 * range fetch answered 404 may be a hiccup: each is confirmed with `GET
 * /api/conversations/:id`. 404 → I left (the history stays, read-only);
 * an answer → still mine, applied like a listing; a network error, 5xx, 408
 * or 429 → asked again after a back-off — never marked left on a transient
 * error.
 */
import type { Conversation } from '../../../shared/api'
import { HttpError, isRetryable, type ApiClient } from '../api-client'
import { RetryTimers } from './retry-timers'

export interface MembershipDeps {
  api: Pick<ApiClient, 'conversation'>
  /** The server still shows it to me: store it (and fill it). */
  onStillMember(conversation: Conversation): void
  /** The server says I am not a member (404). */
  onRemoved(conversationId: string): void
  retryDelayMs(attempt: number): number
  log: { warn(obj: object, msg: string): void }
}

export class MembershipCheck {
  private readonly running = new Set<string>()
  private readonly retries = new RetryTimers((failures) => this.deps.retryDelayMs(failures))
  private stopped = false

  constructor(private readonly deps: MembershipDeps) {}

  /** Ask the server whether I am still a member (once at a time per conversation). */
  check(conversationId: string): void {
    if (this.stopped || this.running.has(conversationId)) return
    this.running.add(conversationId)
    this.deps.api.conversation(conversationId).then(
      (conversation) => {
        this.running.delete(conversationId)
        this.clearRetry(conversationId)
        if (!this.stopped) this.deps.onStillMember(conversation)
      },
      (err: unknown) => {
        this.running.delete(conversationId)
        if (this.stopped) return
        if (err instanceof HttpError && err.status === 404) {
          this.clearRetry(conversationId)
          this.deps.onRemoved(conversationId)
        } else if (isRetryable(err)) {
          this.retries.schedule(conversationId, () => this.check(conversationId))
        } else {
          this.clearRetry(conversationId)
          this.deps.log.warn({ conversationId, err: String(err) }, 'membership check refused; the next sync asks again')
        }
      },
    )
  }

  private clearRetry(conversationId: string): void {
    this.retries.clear(conversationId)
  }

  stop(): void {
    this.stopped = true
    this.retries.clearAll()
  }
}
