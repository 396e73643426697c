/**
 * The durable send queue. Its rows live in the cache, written in the same
 * transaction as the pending message or marker they carry, so nothing queued
 * is lost by a crash or a restart.
 *
 * - Messages go out one at a time per conversation, in the order they were
 *   written, each with its clientId (the server answers a repeat with the
 *   original message, so a resend after a lost response is harmless). The
 *   next one goes once the answer is stored: an answer beyond a hole the sync
 *   is still filling keeps its row queued until the fill stores it (a reply
 *   to it needs its server id; see heldForStore).
 * - Read and delivered markers are coalesced to one row per conversation and
 *   kind holding the highest seq. Delivered markers go at most once per
 *   `deliveredDelayMs`, every conversation's due marker together: at once
 *   when none went out for that long, else when that much time has passed
 *   since the last ones. Two or more go in one request
 *   (`POST /api/conversations/delivered-batch`, up to MAX_DELIVERED_BATCH; a
 *   server without the route, 404, gets one request each from then on). A
 *   single message's "delivered" reaches its sender without delay; catching
 *   up on 10,000 messages in 50 pages posts it a few times instead of after
 *   every page (each post is an event to every member), and back from a
 *   weekend with news in 200 conversations a few requests carry them all —
 *   a request each was a quarter of the catch-up's work (docs/performance.md).
 * - Changes to messages (edit, delete for everyone, a reaction; see
 *   cache/outbox/queued-changes.ts) wait until their message is sent (they
 *   need its server id); a message's changes go one at a time, in the order
 *   queued, those of different messages side by side. A change asking for
 *   what the server already has (a reaction added and taken back before it
 *   went) completes without a request.
 * - A message with files uploads them first (attachments/uploads.ts), in the
 *   background: the queue goes on with markers and other conversations, and
 *   the message stays first in its conversation's order until its files are
 *   uploaded and it is posted with their ids. The uploads' failures are
 *   sorted like the post's. A message can be cancelled (`withhold`) until
 *   its post is on its way.
 * - Network errors, 5xx, 408 and 429 are retried with exponential back-off
 *   (full jitter) until they succeed; any other 4xx fails the message (the
 *   user can retry or discard it), drops the marker, or rolls the change back
 *   (its row goes; the view is the server's state again) and says why.
 */
import { MAX_DELIVERED_BATCH, type Message } from '../../../shared/api'
import type { ChatMessage } from '../../../shared/ipc'
import { HttpError, isRetryable, NetworkError, type ApiClient } from '../api-client'
import { isAbort, LocalFileError } from '../attachments/attachment-http'
import type { OutboxUploads } from '../attachments/uploads'
import { fullJitterDelay } from '../backoff'
import { clientIdOfKey } from '../cache/messages/message-row'
import { isChangeItem, type Cache, type ChangeItem, type OutboxItem } from '../cache/types'

export interface OutboxDeps {
  cache: Cache
  api: ApiClient
  /** The account's user id (whose reactions the queued ones are). */
  me: string
  /** The server accepted a message: store it (the pending copy becomes sent). */
  onSent(message: Message): void
  /** The server refused a message for good. */
  onFailed(conversationId: string, clientId: string, error: string): void
  /** The server took a change: its answer (the message as it now is) is to be stored. */
  onChanged(message: Message): void
  /** The server refused a change for good (or I left its conversation): it was rolled back; `message` is how the message shows now. */
  onChangeRefused(item: ChangeItem, error: { code: string; message: string }, message: ChatMessage | null): void
  /** I am no longer a member of this conversation: nothing of it may go (failConversation). */
  isLeft(conversationId: string): boolean
  /** Uploads the files of messages before they are posted (none: messages have no files). */
  uploads?: OutboxUploads
  baseDelayMs: number
  capDelayMs: number
  /** Delivered markers are posted at most once per this long, together (read markers go at once). */
  deliveredDelayMs: number
  now(): number
  random(): number
  log: { warn(obj: object, msg: string): void; debug(obj: object, msg: string): void }
}

/** Requests in flight at once (messages of different conversations, markers). */
const CONCURRENCY = 4

/** Why what was queued for a conversation I left failed. */
export const LEFT_REASON = 'You are no longer a member of this conversation'

export class Outbox {
  private timer: NodeJS.Timeout | null = null
  private running: Promise<void> | null = null
  private again = false
  private stopped = false
  private idleWaiters: (() => void)[] = []
  /** When delivered markers were last posted (since this start). */
  private deliveredPostedAt: number | null = null
  /** The server takes many delivered markers in one request (until it answers the batch route with 404). */
  private deliveredBatchRoute = true
  /** Message rows sent but held until the sync stores their copy (heldForStore): outbox row id → conversation id. */
  private readonly held = new Map<number, string>()
  /** Message rows whose files are being uploaded (not due meanwhile): outbox row id → the uploads. */
  private readonly uploading = new Map<number, Promise<void>>()
  /** Messages whose post is on its way, until its answer is handed on (`conversationId:clientId`). */
  private readonly posting = new Set<string>()
  /** Messages being cancelled: neither uploaded nor posted any more (`withhold`). */
  private readonly withheld = new Set<string>()

  constructor(private readonly deps: OutboxDeps) {}

  /** Coalesce a marker into the queue and send it soon. */
  enqueueMarker(conversationId: string, kind: 'read' | 'delivered', seq: number): void {
    this.deps.cache.enqueueMarker(conversationId, kind, seq, this.dueAt(kind))
    this.kick()
  }

  /** When a marker of this kind may next go (0 or a past time: now). */
  private dueAt(kind: 'read' | 'delivered'): number {
    if (kind === 'read' || this.deliveredPostedAt === null) return 0
    return this.deliveredPostedAt + this.deps.deliveredDelayMs
  }

  /** Work through everything that is due now. */
  kick(): void {
    if (this.stopped) return
    if (this.running) {
      this.again = true
      return
    }
    this.clearTimer()
    this.running = this.drain().finally(() => {
      this.running = null
      if (this.again) {
        this.again = false
        this.kick()
      } else {
        this.scheduleNext()
        this.notifyIdleIfEmpty()
      }
    })
  }

  /** The connection is back: everything waiting for a retry goes now. */
  retryAll(): void {
    this.retryAllAt = this.deps.now()
    this.kick()
  }

  /** Resolves when the queue is empty (tests, the e2e harness). */
  whenEmpty(): Promise<void> {
    if (this.deps.cache.outbox().length === 0 && !this.running) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  /** Stop sending; resolves once the request in flight (if any) has settled. Uploads stop (the next start resumes them). */
  async stop(): Promise<void> {
    this.stopped = true
    this.clearTimer()
    await this.deps.uploads?.abortAll()
    await Promise.all([...this.uploading.values()])
    await this.running
  }

  /**
   * Stop a message before it is posted (a cancel): its uploads are aborted and
   * it is neither uploaded nor posted until `release`, by which time the
   * caller has deleted it. False when its post is already on its way (the
   * server may have it): then nothing changes.
   */
  async withhold(conversationId: string, clientId: string): Promise<boolean> {
    const key = `${conversationId}:${clientId}`
    if (this.posting.has(key)) return false
    this.withheld.add(key)
    await this.deps.uploads?.abort(conversationId, clientId)
    return true
  }

  release(conversationId: string, clientId: string): void {
    this.withheld.delete(`${conversationId}:${clientId}`)
  }

  /** Neither uploading nor waiting for anything but its time: a row the drain may take. */
  private takeable(item: OutboxItem): boolean {
    if (this.uploading.has(item.id)) return false
    return item.kind !== 'message' || !this.withheld.has(`${item.conversationId}:${item.clientId}`)
  }

  /** Items waiting for a retry become due at this time (set by `retryAll`). */
  private retryAllAt = 0

  private due(item: OutboxItem, now: number): boolean {
    return item.nextAttemptAt <= now || item.nextAttemptAt <= this.retryAllAt
  }

  private async drain(): Promise<void> {
    for (;;) {
      const now = this.deps.now()
      const ready = eligible(this.deps.cache.outbox()).filter((item) => this.due(item, now) && this.takeable(item))
      if (ready.length === 0 || this.stopped) return
      // Due delivered markers of conversations I am in go together (a conversation I left goes to `process`, which fails it).
      const delivered = this.deliveredBatchRoute
        ? ready.filter((item): item is OutboxItem & { kind: 'delivered' } => item.kind === 'delivered' && !this.deps.isLeft(item.conversationId))
        : []
      const batched = new Set<OutboxItem>(delivered.length > 1 ? delivered : [])
      const work: (() => Promise<void>)[] = []
      for (let i = 0; i < batched.size; i += MAX_DELIVERED_BATCH) work.push(() => this.deliverTogether(delivered.slice(i, i + MAX_DELIVERED_BATCH)))
      for (const item of ready) if (!batched.has(item)) work.push(() => this.process(item))
      for (let i = 0; i < work.length && !this.stopped; i += CONCURRENCY) {
        await Promise.all(work.slice(i, i + CONCURRENCY).map((run) => run()))
      }
    }
  }

  /**
   * I am no longer a member of the conversation: everything queued for it
   * fails for good now instead of being retried forever — a message becomes
   * failed with `reason`, a change is rolled back (`left`), a marker goes. A
   * post already on its way is left to its answer (the server decides).
   */
  failConversation(conversationId: string, reason: string): void {
    const { cache } = this.deps
    for (const item of cache.outbox()) {
      if (item.conversationId !== conversationId) continue
      if (item.kind === 'message' && this.posting.has(`${conversationId}:${item.clientId}`)) continue
      this.held.delete(item.id)
      if (isChangeItem(item)) this.deps.onChangeRefused(item, { code: 'left', message: reason }, cache.refuseChange(item))
      else if (item.kind === 'message') {
        void this.deps.uploads?.abort(conversationId, item.clientId)
        if (cache.markFailed(conversationId, item.clientId, reason, 'left') !== null) this.deps.onFailed(conversationId, item.clientId, reason)
      } else cache.completeOutbox(item)
    }
  }

  private async process(item: OutboxItem): Promise<void> {
    const { cache, api } = this.deps
    if (this.deps.isLeft(item.conversationId)) {
      this.failConversation(item.conversationId, LEFT_REASON)
      return
    }
    try {
      if (isChangeItem(item)) {
        await this.change(item)
        return
      }
      if (item.kind === 'message') {
        // As written: an edit or delete queued meanwhile goes after it (it needs the server's id).
        const message = cache.ownMessage(item.conversationId, item.clientId, false)
        if (message === null || message.state !== 'pending') {
          this.held.delete(item.id)
          cache.completeOutbox(item)
          return
        }
        const files = cache.outboxFiles(item.conversationId, item.clientId)
        if (files.some((file) => file.attachmentId === null)) {
          this.upload(item, message, files)
          return
        }
        const replyToId = this.replyToId(message)
        const attachmentIds = files.map((file) => file.attachmentId as string)
        const posting = `${item.conversationId}:${item.clientId}`
        this.posting.add(posting)
        let sent: Message
        try {
          sent = await api.send(item.conversationId, {
            clientId: item.clientId,
            body: message.body,
            ...(replyToId ? { replyToId } : {}),
            ...(attachmentIds.length > 0 ? { attachmentIds } : {}),
          })
          // Stopped meanwhile: leave the row; the next start resends it and the server answers with the original.
          if (this.stopped) return
          if (files.length > 0) await this.deps.uploads?.posted(files, sent)
          this.deps.onSent(sent)
        } finally {
          // Until the answer is stored, a cancel would remove a message the server has.
          this.posting.delete(posting)
        }
        if (this.heldForStore(item, sent)) return
        this.held.delete(item.id)
      } else if (item.kind === 'read') {
        await api.markRead(item.conversationId, item.seq)
      } else {
        this.deliveredPostedAt = this.deps.now()
        await api.markDelivered(item.conversationId, item.seq)
      }
      if (this.stopped) return
      cache.completeOutbox(item, item.kind === 'message' ? 0 : this.dueAt(item.kind))
    } catch (err) {
      if (!this.stopped) this.failed(item, err)
    }
  }

  /**
   * Delivered markers of several conversations in one request. Each is then
   * done, or failed as its own request would have (a refusal drops it, the
   * network or a 5xx retries it). A server without the batch route (404 for
   * the request as a whole) gets one request per marker, now and from then on.
   */
  private async deliverTogether(items: readonly (OutboxItem & { kind: 'delivered' })[]): Promise<void> {
    const { cache, api } = this.deps
    this.deliveredPostedAt = this.deps.now()
    let answers: Awaited<ReturnType<ApiClient['markDeliveredBatch']>>
    try {
      answers = await api.markDeliveredBatch(items.map((item) => ({ conversationId: item.conversationId, seq: item.seq })))
    } catch (err) {
      if (this.stopped) return
      if (err instanceof HttpError && err.status === 404) {
        this.deliveredBatchRoute = false
        for (let i = 0; i < items.length && !this.stopped; i += CONCURRENCY) await Promise.all(items.slice(i, i + CONCURRENCY).map((item) => this.process(item)))
        return
      }
      for (const item of items) this.failed(item, err)
      return
    }
    if (this.stopped) return
    for (const item of items) {
      const answer = answers.get(item.conversationId)
      if (answer === undefined || answer instanceof HttpError) this.failed(item, answer ?? new HttpError(502, 'bad_response', 'no answer'))
      else cache.completeOutbox(item, this.dueAt('delivered'))
    }
  }

  /** Upload a message's files in the background; once they are up, the queue posts it (in its turn). */
  private upload(item: OutboxItem & { kind: 'message' }, message: ChatMessage, files: Parameters<OutboxUploads['run']>[1]): void {
    const uploads = this.deps.uploads
    if (uploads === undefined) {
      this.failed(item, new LocalFileError('This build cannot send files'))
      return
    }
    const done = uploads.run(message, files).then(
      () => undefined,
      (err: unknown) => {
        // Cancelled, or stopped: the row is gone or stays for the next start.
        if (!this.stopped && !isAbort(err)) this.failed(item, err)
      },
    )
    this.uploading.set(
      item.id,
      done.finally(() => {
        this.uploading.delete(item.id)
        this.kick()
      }),
    )
  }

  /**
   * The server took the message but the sync could not store its copy yet:
   * its seq lies beyond a hole (messages that arrived while we were offline,
   * not fetched yet), so the pending copy is still pending. Its row stays
   * queued, first in the conversation's order, until the sync's fill stores
   * the copy (that drops the row, and `stored` wakes the queue): what follows
   * it — a reply to it needs its server id, a change needs it sent — waits.
   * Should the fill take long, the row is sent again after a back-off (the
   * server answers with the original, which `onSent` offers again).
   */
  private heldForStore(item: OutboxItem & { kind: 'message' }, sent: Message): boolean {
    const { cache } = this.deps
    if (cache.ownMessage(item.conversationId, item.clientId, false)?.state !== 'pending') return false
    // Stored up to its seq and yet pending: its copy can never convert it (it never should happen); do not block the conversation.
    if (sent.seq <= cache.highestSeq(item.conversationId)) return false
    const delay = fullJitterDelay(item.attempts, this.deps.baseDelayMs, this.deps.capDelayMs, this.deps.random)
    this.deps.log.debug({ kind: item.kind, seq: sent.seq, delay }, 'outbox: sent; held until the sync stores it')
    cache.rescheduleOutbox(item.id, this.deps.now() + Math.max(1, delay), 'sent; waiting for the sync to store it')
    this.held.set(item.id, item.conversationId)
    return true
  }

  /**
   * The sync stored messages of this conversation: a send held until its copy
   * was stored (heldForStore) may have been, and what follows it can go now.
   */
  stored(conversationId: string): void {
    if (this.stopped || ![...this.held.values()].includes(conversationId)) return
    const queued = new Set(this.deps.cache.outbox().map((item) => item.id))
    let released = false
    for (const [id, heldIn] of this.held) {
      if (heldIn === conversationId && !queued.has(id)) {
        this.held.delete(id)
        released = true
      }
    }
    if (released) this.kick()
  }

  /**
   * The server id of what a message answers. An original that was still
   * unsent when the reply was written went first (messages of a conversation
   * go in order); one that failed since goes without the reply link.
   */
  private replyToId(message: ChatMessage): string | null {
    const key = message.replyTo?.key
    if (message.replyTo === null || key === undefined) return null
    if (message.replyTo.id !== '') return message.replyTo.id
    if (key === null) return null
    return this.deps.cache.ownMessage(message.conversationId, clientIdOfKey(key))?.id ?? null
  }

  /** One queued change of a sent message: sent unless the server already has what it asks for. */
  private async change(item: ChangeItem): Promise<void> {
    const { cache, api } = this.deps
    const target = cache.changeTarget(item)
    if (target === null || target.id === null) {
      cache.completeOutbox(item)
      return
    }
    const mine = (emoji: string) => target.reactions.some((r) => r.emoji === emoji && r.userIds.includes(this.deps.me))
    let answer: Message | null = null
    if (item.kind === 'edit' && item.body !== null && (item.body !== target.body || target.deletedAt !== null)) {
      answer = await api.editMessage(item.conversationId, target.id, item.body)
    } else if (item.kind === 'delete' && target.deletedAt === null) {
      answer = await api.deleteMessage(item.conversationId, target.id)
    } else if (item.kind === 'reaction' && item.emoji !== null && mine(item.emoji) !== item.on) {
      answer = await api.setReaction(item.conversationId, target.id, item.emoji, item.on)
    }
    if (this.stopped) return
    cache.completeOutbox(item)
    if (answer !== null) this.deps.onChanged(answer)
  }

  private failed(item: OutboxItem, err: unknown): void {
    const message = err instanceof Error ? err.message : String(err)
    // Only the server's considered "no" (a 4xx other than 408/429) fails a message, or a file
    // of it that cannot be read any more; anything else — the network, the server, a bug of ours — is retried.
    if (!(err instanceof LocalFileError) && (!(err instanceof HttpError) || isRetryable(err))) {
      if (!(err instanceof HttpError) && !(err instanceof NetworkError)) {
        this.deps.log.warn({ kind: item.kind, error: message }, 'outbox: unexpected error; will retry')
      }
      const delay = fullJitterDelay(item.attempts, this.deps.baseDelayMs, this.deps.capDelayMs, this.deps.random)
      this.deps.log.debug({ kind: item.kind, attempts: item.attempts + 1, delay, error: message }, 'outbox: will retry')
      this.deps.cache.rescheduleOutbox(item.id, this.deps.now() + Math.max(1, delay), message)
      return
    }
    this.deps.log.warn({ kind: item.kind, error: message }, 'outbox: refused by the server')
    if (isChangeItem(item)) {
      if (err instanceof HttpError) this.deps.onChangeRefused(item, err, this.deps.cache.refuseChange(item))
      else this.deps.cache.completeOutbox(item)
    } else if (item.kind === 'message') {
      this.deps.cache.markFailed(item.conversationId, item.clientId, message, err instanceof HttpError ? err.code : null)
      this.deps.onFailed(item.conversationId, item.clientId, message)
    } else {
      this.deps.cache.completeOutbox(item)
    }
  }

  private scheduleNext(): void {
    if (this.stopped) return
    // Only what could go: a message behind another, or a change waiting for its message's send, is woken by their progress;
    // a message uploading its files, by the uploads' end.
    const items = eligible(this.deps.cache.outbox()).filter((item) => this.takeable(item))
    if (items.length === 0) return
    const next = Math.min(...items.map((item) => item.nextAttemptAt))
    this.clearTimer()
    this.timer = setTimeout(() => this.kick(), Math.max(0, next - this.deps.now()))
  }

  private notifyIdleIfEmpty(): void {
    if (this.deps.cache.outbox().length > 0) return
    const waiters = this.idleWaiters
    this.idleWaiters = []
    waiters.forEach((resolve) => resolve())
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
  }
}

/**
 * The rows that may go now (when due): markers; the oldest message of each
 * conversation (the rest wait their turn); the oldest change of each sent
 * message (a change of an unsent message waits for its send).
 */
function eligible(items: readonly OutboxItem[]): OutboxItem[] {
  const firstMessage = new Set<string>()
  const firstChange = new Set<number>()
  return items.filter((item) => {
    if (isChangeItem(item)) {
      if (item.messageState !== 'sent' || firstChange.has(item.messageRowId)) return false
      firstChange.add(item.messageRowId)
      return true
    }
    if (item.kind !== 'message') return true
    if (firstMessage.has(item.conversationId)) return false
    firstMessage.add(item.conversationId)
    return true
  })
}
