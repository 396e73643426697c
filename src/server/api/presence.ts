/**
 * Who is online, as the product means it: a user is online while any of their
 * connections is a member of any conversation's presence channel. When the
 * last one leaves, `lastSeenAt` is stored. Fed by the embedded server's hooks
 * or, with an external realtime service, by its signed webhooks; both report
 * per-channel first-join/last-leave, so repeated reports are harmless.
 */
import type { Logger } from 'pino'
import { parseConversationChannel } from '../../shared/channels'
import type { Store } from '../store/store'

export class PresenceTracker {
  /** User id → presence channels they are currently a member of. */
  private readonly channelsByUser = new Map<string, Set<string>>()
  private readonly pendingWrites = new Set<Promise<void>>()

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    private readonly now: () => number,
  ) {}

  isOnline(userId: string): boolean {
    return this.channelsByUser.has(userId)
  }

  memberAdded(channel: string, userId: string): void {
    if (parseConversationChannel(channel) === null) return
    let channels = this.channelsByUser.get(userId)
    if (channels === undefined) {
      channels = new Set()
      this.channelsByUser.set(userId, channels)
    }
    channels.add(channel)
  }

  memberRemoved(channel: string, userId: string): void {
    const channels = this.channelsByUser.get(userId)
    if (channels === undefined || !channels.delete(channel)) return
    if (channels.size > 0) return
    this.channelsByUser.delete(userId)
    const write = this.store
      .setLastSeen(userId, this.now())
      .catch((err: unknown) => this.log.error({ err, userId }, 'could not store lastSeenAt'))
      .finally(() => this.pendingWrites.delete(write))
    this.pendingWrites.add(write)
  }

  /** Wait for lastSeenAt writes in flight (shutdown, tests). */
  async flush(): Promise<void> {
    await Promise.all([...this.pendingWrites])
  }
}
