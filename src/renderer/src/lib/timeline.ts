/**
 * What the message list renders, row by row: a day separator before the first
 * message of each (local) day, an unread divider before the first message
 * from someone else that was unread when the conversation was opened, and the
 * messages themselves with their place in a run of messages from one sender
 * (the sender's name shows at the start of a run in groups). A system
 * message (a change to the group) stands alone: it ends a run and is never
 * where the unread divider goes.
 */
import type { ChatMessage } from '../../../shared/ipc'

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
