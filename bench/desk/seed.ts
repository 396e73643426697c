/**
 * Accounts with history, written through the server's Store API in this
 * process before the server starts (server.ts): people (one password for
 * all), direct conversations and groups, each with a generated history
 * (bench/core: realistic lengths; English, Chinese, Japanese, emoji) ending
 * at a chosen time, so the conversation list has a known order, and my read
 * marker at the end (nothing unread: a conversation opens at its latest
 * message). Sends of one conversation are queued together, so the store's
 * group commit writes a batch in one transaction.
 */
import { hashPassword } from '../../src/server/api/passwords'
import { newId } from '../../src/server/store/ids'
import type { Store } from '../../src/server/store/store'
import { generateMessages } from '../core/dataset'

export const PASSWORD = 'bench-password'

/** Appends queued at once (one transaction each). */
const BATCH = 2_000
const MINUTE = 60_000

export interface SeededConversation {
  id: string
  kind: 'direct' | 'group'
  messages: number
  /** Its highest seq (its latest message). */
  lastSeq: number
  lastActivityAt: number
}

export interface SeededAccount {
  username: string
  userId: string
  /** Newest activity first: the conversation list's order. */
  conversations: SeededConversation[]
}

/** How an account's messages spread over its conversations: the first (newest) is the largest, as a person's main chats are. */
export function zipfSizes(conversations: number, messages: number): number[] {
  const weights = Array.from({ length: conversations }, (_, i) => 1 / (i + 1))
  const total = weights.reduce((sum, w) => sum + w, 0)
  const sizes = weights.map((w) => Math.max(1, Math.floor((w / total) * messages)))
  // What flooring left over goes to the largest.
  sizes[0] = (sizes[0] ?? 0) + Math.max(0, messages - sizes.reduce((sum, n) => sum + n, 0))
  return sizes
}

export class Seeder {
  private people: string[] = []
  private serial = 0

  private constructor(
    private readonly store: Store,
    private readonly passwordHash: string,
    private readonly seed: number,
  ) {}

  static async open(store: Store, seed: number): Promise<Seeder> {
    return new Seeder(store, await hashPassword(PASSWORD), seed)
  }

  async user(username: string, displayName = username): Promise<string> {
    const user = await this.store.createUser({ id: newId('u'), username, displayName, passwordHash: this.passwordHash, createdAt: Date.now() - 400 * 24 * 60 * MINUTE })
    return user.id
  }

  /** At least `count` people to talk to (shared by every account; a direct conversation needs its own). */
  private async ensurePeople(count: number): Promise<void> {
    while (this.people.length < count) this.people.push(await this.user(`person${this.people.length}`, `Person ${this.people.length}`))
  }

  /**
   * An account whose conversations hold `sizes[i]` messages each, newest
   * activity first, one minute to ~6 hours apart; two in three direct.
   */
  async account(username: string, sizes: readonly number[]): Promise<SeededAccount> {
    const me = await this.user(username, `Desk ${username}`)
    const directs = sizes.filter((_, i) => i % 3 !== 2).length
    await this.ensurePeople(Math.max(directs, 8))
    const total = sizes.reduce((sum, n) => sum + n, 0)
    const history = generateMessages(total, this.seed + this.serial++)
    const conversations: SeededConversation[] = []
    let lastActivityAt = Date.now() - MINUTE
    let direct = 0
    let from = 0
    for (const [i, size] of sizes.entries()) {
      const kind = i % 3 === 2 ? 'group' : 'direct'
      const others =
        kind === 'direct' ? [this.people[direct++] as string] : Array.from({ length: 3 + (i % 6) }, (_, k) => this.people[(i * 7 + k * 13) % this.people.length] as string)
      const slice = history.slice(from, from + size)
      from += size
      // The history's times, moved to end at lastActivityAt.
      const shift = lastActivityAt - (slice.at(-1)?.createdAt ?? lastActivityAt)
      const { conversation } = await this.store.createConversation({
        kind,
        title: kind === 'group' ? `Group ${i}` : null,
        memberIds: [me, ...others],
        createdBy: me,
        now: (slice[0]?.createdAt ?? lastActivityAt) + shift - MINUTE,
      })
      let lastSeq = 0
      for (let start = 0; start < slice.length; start += BATCH) {
        const sent = await Promise.all(
          slice.slice(start, start + BATCH).map((message, k) =>
            this.store.appendMessage({
              conversationId: conversation.id,
              // The generated sender is "me" three times in ten; the others take turns.
              senderId: message.senderId === 'user-me' ? me : (others[(start + k) % others.length] as string),
              clientId: `seed-${conversation.id}-${start + k}`,
              body: message.body,
              now: message.createdAt + shift,
            }),
          ),
        )
        lastSeq = sent.at(-1)?.message.seq ?? lastSeq
      }
      if (lastSeq > 0) {
        await this.store.advanceMarker(conversation.id, me, 'delivered', lastSeq)
        await this.store.advanceMarker(conversation.id, me, 'read', lastSeq)
      }
      conversations.push({ id: conversation.id, kind, messages: size, lastSeq, lastActivityAt })
      lastActivityAt -= MINUTE + Math.floor(((i * 7919) % 360) * MINUTE)
    }
    return { username, userId: me, conversations }
  }
}
