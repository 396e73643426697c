/**
 * The order of one conversation's messages as the list shows them: sent
 * messages by seq, then own pending/failed messages (no seq yet) by the time
 * they were written. Merges are keyed by `ChatMessage.key`, which a pending
 * message keeps when the server's copy replaces it, and are idempotent: the
 * same messages merged twice leave the list — and its identity — unchanged.
 */
import type { ChatMessage } from '../../../shared/ipc'

export function compareMessages(a: ChatMessage, b: ChatMessage): number {
  if (a.seq !== null && b.seq !== null) return a.seq - b.seq
  if (a.seq !== null) return -1
  if (b.seq !== null) return 1
  if (a.createdAt !== b.createdAt) return a.createdAt - b.createdAt
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0
}

function sameMessage(a: ChatMessage, b: ChatMessage): boolean {
  return (
    a.id === b.id &&
    a.seq === b.seq &&
    a.state === b.state &&
    a.body === b.body &&
    a.error === b.error &&
    a.createdAt === b.createdAt &&
    a.senderId === b.senderId &&
    a.rev === b.rev &&
    a.editedAt === b.editedAt &&
    a.deletedAt === b.deletedAt &&
    sameReply(a.replyTo, b.replyTo) &&
    sameReactions(a.reactions, b.reactions) &&
    sameList(a.mentions, b.mentions) &&
    sameAttachments(a.attachments, b.attachments)
  )
}

// A download finishing changes `downloaded` and `fileUrl` only; an upload, `id`.
function sameAttachments(a: ChatMessage['attachments'], b: ChatMessage['attachments']): boolean {
  return (
    a.length === b.length &&
    a.every((file, i) => {
      const other = b[i]
      return (
        other !== undefined &&
        file.key === other.key &&
        file.id === other.id &&
        file.name === other.name &&
        file.size === other.size &&
        file.mime === other.mime &&
        file.width === other.width &&
        file.height === other.height &&
        file.previewUrl === other.previewUrl &&
        file.downloaded === other.downloaded &&
        file.fileUrl === other.fileUrl
      )
    })
  )
}

// Optimistic changes (a queued reaction or edit) change a message without a new rev: compare what is shown.
function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i])
}

function sameReactions(a: ChatMessage['reactions'], b: ChatMessage['reactions']): boolean {
  return a.length === b.length && a.every((reaction, i) => reaction.emoji === b[i]?.emoji && sameList(reaction.userIds, b[i].userIds))
}

function sameReply(a: ChatMessage['replyTo'], b: ChatMessage['replyTo']): boolean {
  if (a === null || b === null) return a === b
  return a.id === b.id && a.key === b.key && a.body === b.body && a.deleted === b.deleted && a.senderId === b.senderId && a.seq === b.seq
}

/**
 * Where the message with this key is in an ordered list, or -1. Sent messages
 * are found by seq (binary search); a pending message — or the pending
 * original of a message that was just sent — among the unsent tail.
 */
function indexOfKey(list: readonly ChatMessage[], message: ChatMessage, sentCount: number): number {
  if (message.seq !== null) {
    let low = 0
    let high = sentCount - 1
    while (low <= high) {
      const mid = (low + high) >> 1
      const seq = (list[mid] as ChatMessage).seq as number
      if (seq === message.seq) {
        if ((list[mid] as ChatMessage).key === message.key) return mid
        break
      }
      if (seq < message.seq) low = mid + 1
      else high = mid - 1
    }
  }
  for (let i = sentCount; i < list.length; i++) if ((list[i] as ChatMessage).key === message.key) return i
  return -1
}

function countSent(list: readonly ChatMessage[]): number {
  let n = list.length
  while (n > 0 && (list[n - 1] as ChatMessage).seq === null) n--
  return n
}

/**
 * `current` with `incoming` inserted or replacing the message with the same
 * key. Returns `current` itself when nothing changed, and keeps the objects
 * of unchanged messages so memoized rows do not re-render. Cheap on long
 * conversations: lookups are binary searches, not a scan of every message.
 */
export function mergeMessages(current: readonly ChatMessage[], incoming: readonly ChatMessage[]): readonly ChatMessage[] {
  if (incoming.length > BATCH_BY_INDEX) return mergeBatch(current, incoming)
  let list = current
  let owned = false
  for (const message of incoming) {
    const index = indexOfKey(list, message, countSent(list))
    if (index !== -1 && sameMessage(list[index] as ChatMessage, message)) continue
    const next: ChatMessage[] = owned ? (list as ChatMessage[]) : list.slice()
    owned = true
    if (index !== -1) next.splice(index, 1)
    next.splice(insertionIndex(next, message), 0, message)
    list = next
  }
  return list
}

/** Above this many incoming messages (a page), one pass over a key index and a sort beat one binary search each. */
const BATCH_BY_INDEX = 32

function mergeBatch(current: readonly ChatMessage[], incoming: readonly ChatMessage[]): readonly ChatMessage[] {
  const indexByKey = new Map<string, number>()
  current.forEach((message, index) => indexByKey.set(message.key, index))
  let next: ChatMessage[] | null = null
  for (const message of incoming) {
    const index = indexByKey.get(message.key)
    if (index === undefined) {
      next ??= current.slice()
      indexByKey.set(message.key, next.length)
      next.push(message)
    } else if (!sameMessage((next ?? current)[index] as ChatMessage, message)) {
      next ??= current.slice()
      next[index] = message
    }
  }
  if (next === null) return current
  return next.sort(compareMessages)
}

/** Where `message` goes to keep the list ordered (binary search). */
function insertionIndex(list: readonly ChatMessage[], message: ChatMessage): number {
  let low = 0
  let high = list.length
  while (low < high) {
    const mid = (low + high) >> 1
    if (compareMessages(list[mid] as ChatMessage, message) <= 0) low = mid + 1
    else high = mid
  }
  return low
}

/** `current` without the messages with these keys (the same array when none matched). */
export function removeMessages(current: readonly ChatMessage[], keys: readonly string[]): readonly ChatMessage[] {
  if (keys.length === 0) return current
  const gone = new Set(keys)
  const next = current.filter((message) => !gone.has(message.key))
  return next.length === current.length ? current : next
}

/** The lowest seq held (null when only unsent messages, or none, are held). */
export function lowestSeq(list: readonly ChatMessage[]): number | null {
  for (const message of list) if (message.seq !== null) return message.seq
  return null
}

/** The highest seq held (null when only unsent messages, or none, are held): the last sent message's. */
export function highestSentSeq(list: readonly ChatMessage[]): number | null {
  for (let i = list.length - 1; i >= 0; i--) {
    const seq = (list[i] as ChatMessage).seq
    if (seq !== null) return seq
  }
  return null
}
