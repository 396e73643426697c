/**
 * What the live region says about messages arriving in the open conversation
 * (hooks/useAnnouncements.ts): which messages count as arrivals, and a burst
 * of them in words — "Bob: see you at noon" for one, "3 new messages from
 * Bob and Carol" for more.
 *
 * An arrival is someone else's message (not a change to the group) with a
 * seq above the highest the conversation had when it finished opening, and
 * above the highest a page brought since (a window scrolled back loads newer
 * pages, and its latest page again, which are history too): the
 * history loaded by scrolling back or jumping to a reply lies below it, my
 * own messages are never news, and an edit, a reaction or a deletion keeps
 * its message's key, seen once already.
 */
import type { TFunction } from 'i18next'
import type { ChatMessage } from '../../../shared/ipc'

export type ArrivalMessage = Pick<ChatMessage, 'key' | 'seq' | 'senderId' | 'kind' | 'deletedAt'>

/** Someone else's message that is news: not mine, not a change to the group, not deleted. */
export function isNewsFrom(message: Pick<ChatMessage, 'senderId' | 'kind' | 'deletedAt'>, me: string | null): boolean {
  return message.senderId !== me && message.kind !== 'system' && message.deletedAt === null
}

export class ArrivalWatch {
  private readonly seen = new Set<string>()

  /** `above`: the highest seq held when the conversation had opened (0 for none). */
  constructor(
    private readonly me: string | null,
    private above: number,
  ) {}

  /** Messages up to `seq` came by a page (history), not as news: never arrivals. */
  skipThrough(seq: number): void {
    if (seq > this.above) this.above = seq
  }

  /**
   * The messages, of all held, that arrived since the last call, oldest first. `messages` in the
   * list's order (lib/message-order.ts: by seq, own unsent ones last): read from the newest back
   * to the opening seq only, so a conversation scrolled back through thousands costs what its
   * news does.
   */
  arrivals<M extends ArrivalMessage>(messages: readonly M[]): M[] {
    const found: M[] = []
    for (let index = messages.length - 1; index >= 0; index--) {
      const message = messages[index] as M
      if (message.seq === null) continue
      if (message.seq <= this.above) break
      if (this.seen.has(message.key)) continue
      this.seen.add(message.key)
      if (isNewsFrom(message, this.me)) found.push(message)
    }
    return found.reverse()
  }
}

export function highestSeq(messages: readonly Pick<ChatMessage, 'seq'>[]): number {
  let highest = 0
  for (const message of messages) if (message.seq !== null && message.seq > highest) highest = message.seq
  return highest
}

/** One arrival as the announcement needs it: who sent it and its first line (or its files in words). */
export interface Arrival {
  senderId: string
  text: string
}

/** Longer first lines are cut here: the announcement is a heads-up, the list has the message. */
export const ANNOUNCED_TEXT_MAX = 100

export function firstLineOf(text: string, max = ANNOUNCED_TEXT_MAX): string {
  const line = text.trim().split('\n', 1)[0]?.trim() ?? ''
  const chars = [...line]
  return chars.length > max ? `${chars.slice(0, max).join('').trimEnd()}…` : line
}

/** A burst in words; `nameOf` gives a sender's name as the app shows it. */
export function arrivalsText(t: TFunction, arrivals: readonly Arrival[], nameOf: (senderId: string) => string): string | null {
  const first = arrivals[0]
  if (first === undefined) return null
  if (arrivals.length === 1) return t('announce.message', { name: nameOf(first.senderId), text: first.text })
  const senders = [...new Set(arrivals.map((arrival) => arrival.senderId))]
  const count = arrivals.length
  const [one, two] = senders as [string, string | undefined]
  if (senders.length === 1) return t('announce.fromOne', { count, name: nameOf(one) })
  if (senders.length === 2 && two !== undefined) return t('announce.fromTwo', { count, first: nameOf(one), second: nameOf(two) })
  return t('announce.fromMany', { count, people: senders.length })
}
