/**
 * What the message list renders, row by row: a day separator before the first
 * message of each (local) day, an unread divider before the first message
 * from someone else that was unread when the conversation was opened (or,
 * later, before a catch-up's burst of new ones: `arrivalBurst`), and the
 * messages themselves with their place in a run of messages from one sender
 * (the sender's name shows at the start of a run in groups). A system
 * message (a change to the group) stands alone: it ends a run and is never
 * where the unread divider goes.
 */
import type { ChatMessage } from '../../../shared/ipc'
import { isNewsFrom } from './arrivals'

export type TimelineRow =
  | { type: 'day'; key: string; at: number }
  | { type: 'unread'; key: 'unread' }
  | { type: 'message'; key: string; message: ChatMessage; firstInRun: boolean; lastInRun: boolean }

export interface TimelineOptions {
  me: string
  /** readSeq when the conversation was opened; null: no unread divider. */
  unreadAfterSeq: number | null
  /** Messages from one sender closer together than this form a run. */
  runGapMs?: number
}

export const RUN_GAP_MS = 5 * 60_000

/** The local calendar day of a time, as `YYYY-MM-DD`. */
export function dayKey(at: number): string {
  const date = new Date(at)
  const month = String(date.getMonth() + 1).padStart(2, '0')
  const day = String(date.getDate()).padStart(2, '0')
  return `${date.getFullYear()}-${month}-${day}`
}

/**
 * New messages from others that come at once, at the bottom of the held run: a catch-up's
 * page (the sync stores what was missed a page at a time), not a live message, which comes
 * on its own. The list keeps its place at an unread divider for them rather than following
 * past them to the latest (components/MessageList.tsx). While nobody looks (the window
 * unfocused or hidden) one message is enough (`UNSEEN_BURST`): a live message followed
 * then would push the first unread ones off the top unseen.
 */
export const ARRIVAL_BURST = 3
export const UNSEEN_BURST = 1

/**
 * Whether what the list holds now brought a burst of arrivals above `heldTop` (the highest
 * seq it held before): at least `minimum` messages from someone else (not changes to the
 * group, not deleted) above it and above `pagedUpTo` (what newer pages brought is history,
 * not news). Returns the seq the burst follows, `heldTop`; null for no burst. Reads from the
 * newest back to `heldTop` only.
 */
export function arrivalBurst(
  messages: readonly ChatMessage[],
  me: string,
  heldTop: number,
  pagedUpTo: number,
  minimum = ARRIVAL_BURST,
): number | null {
  const above = Math.max(heldTop, pagedUpTo)
  let count = 0
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index] as ChatMessage
    if (message.seq === null) continue
    if (message.seq <= above) break
    if (isNewsFrom(message, me) && ++count >= minimum) return heldTop
  }
  return null
}

/**
 * Where the unread divider goes when a burst arrives after `burstAfter` (the seq the list
 * held up to): after what I have read — unless a divider already shows unread messages I
 * have not read down to yet (it stays where it is, and the burst is below it). With
 * everything held read, that is before the burst's first unread message (none: the burst
 * was read already, on another device); with some of what was held unread (the window
 * unfocused), before the first of those.
 */
export function dividerAfterBurst(current: number | null, readSeq: number, burstAfter: number): number {
  if (current !== null && readSeq < burstAfter) return current
  return readSeq
}

/** Whether a message from someone else (not a change to the group, not deleted) above `seq` is held: reads from the newest back to it. */
export function heldAbove(messages: readonly ChatMessage[], me: string, seq: number): boolean {
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index] as ChatMessage
    if (message.seq === null) continue
    if (message.seq <= seq) return false
    if (isNewsFrom(message, me)) return true
  }
  return false
}

/** The index of the first message from someone else with seq above `afterSeq`, or -1. */
export function firstUnreadIndex(messages: readonly ChatMessage[], me: string, afterSeq: number): number {
  return messages.findIndex((message) => message.senderId !== me && message.kind !== 'system' && message.seq !== null && message.seq > afterSeq)
}

export function buildTimeline(messages: readonly ChatMessage[], options: TimelineOptions): TimelineRow[] {
  const gap = options.runGapMs ?? RUN_GAP_MS
  const unreadAt = options.unreadAfterSeq === null ? -1 : firstUnreadIndex(messages, options.me, options.unreadAfterSeq)
  const rows: TimelineRow[] = []
  let previous: ChatMessage | null = null
  let previousDay = ''
  let previousRow: { lastInRun: boolean } | null = null
  for (const [index, message] of messages.entries()) {
    const day = dayKey(message.createdAt)
    let breaksRun =
      previous === null ||
      previous.senderId !== message.senderId ||
      message.createdAt - previous.createdAt > gap ||
      message.kind === 'system' ||
      previous.kind === 'system'
    if (day !== previousDay) {
      rows.push({ type: 'day', key: `day:${day}`, at: message.createdAt })
      previousDay = day
      breaksRun = true
    }
    if (index === unreadAt) {
      rows.push({ type: 'unread', key: 'unread' })
      breaksRun = true
    }
    if (breaksRun && previousRow !== null) previousRow.lastInRun = true
    const row = { type: 'message' as const, key: message.key, message, firstInRun: breaksRun, lastInRun: false }
    rows.push(row)
    previousRow = row
    previous = message
  }
  if (previousRow !== null) previousRow.lastInRun = true
  return rows
}
