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
  private readonly retries = new Map<string, { failures: number; timer: NodeJS.Timeout | null }>()
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
          const retry = this.retries.get(conversationId) ?? { failures: 0, timer: null }
          const delay = this.deps.retryDelayMs(retry.failures)
          retry.failures++
          if (retry.timer) clearTimeout(retry.timer)
          retry.timer = setTimeout(() => {
            retry.timer = null
            this.check(conversationId)
          }, delay)
          this.retries.set(conversationId, retry)
        } else {
          this.clearRetry(conversationId)
          this.deps.log.warn({ conversationId, err: String(err) }, 'membership check refused; the next sync asks again')
        }
      },
    )
  }

  private clearRetry(conversationId: string): void {
    const retry = this.retries.get(conversationId)
    if (retry?.timer) clearTimeout(retry.timer)
    this.retries.delete(conversationId)
  }

  stop(): void {
    this.stopped = true
    for (const id of [...this.retries.keys()]) this.clearRetry(id)
  }
}
