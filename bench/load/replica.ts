/**
 * One client's copy of one conversation, kept the way the desktop core keeps
 * its cache: messages applied idempotently (by id), from any source, in any
 * order, any number of times. It remembers how each message arrived, so the
 * final comparison can tell realtime from gap-fill, and counts realtime
 * events that delivered a message it already had from realtime.
 */
import type { Message } from '../../src/shared/api'

export const Source = { realtime: 1, send: 2, fill: 4 } as const
export type SourceBit = (typeof Source)[keyof typeof Source]

interface Held {
  seq: number
  senderId: string
  clientId: string
  sources: number
}

export class ConversationReplica {
  readonly held = new Map<string, Held>()
  /** seq → the id stored there first. */
  private readonly idAtSeq = new Map<number, string>()
  /** Every seq 1…contiguous is held: the next gap-fill asks for `after=contiguous`. */
  contiguous = 0
  /** Messages stored at a seq another message already had. */
  seqCollisions = 0
  rawDuplicateDeliveries = 0
  /** Arrivals of a message already held, absorbed by idempotent apply (own-send echoes, fill overlaps, duplicates). */
  repeatArrivals = 0

  /**
   * Store `message` if new. Returns whether it was new and whether it lies
   * beyond a hole (the caller then fills from `contiguous`).
   */
  apply(message: Pick<Message, 'id' | 'seq' | 'senderId' | 'clientId'>, source: SourceBit): { fresh: boolean; gap: boolean } {
    const known = this.held.get(message.id)
    if (known !== undefined) {
      this.repeatArrivals++
      if (source === Source.realtime && (known.sources & Source.realtime) !== 0) this.rawDuplicateDeliveries++
      known.sources |= source
      return { fresh: false, gap: false }
    }
    this.held.set(message.id, { seq: message.seq, senderId: message.senderId, clientId: message.clientId, sources: source })
    if (this.idAtSeq.has(message.seq)) this.seqCollisions++
    else this.idAtSeq.set(message.seq, message.id)
    while (this.idAtSeq.has(this.contiguous + 1)) this.contiguous++
    return { fresh: true, gap: message.seq > this.contiguous + 1 }
  }

  /** Compare with the server's full history of this conversation. */
  compare(server: readonly Message[]): ReplicaComparison {
    const onServer = new Map(server.map((message) => [message.id, message]))
    let lost = 0
    let seqMismatch = 0
    let onlyViaGapFill = 0
    let realtimeMisses = 0
    for (const message of server) {
      const mine = this.held.get(message.id)
      if (mine === undefined) {
        lost++
        continue
      }
      if (mine.seq !== message.seq) seqMismatch++
      if (mine.sources === Source.fill) onlyViaGapFill++
      if ((mine.sources & Source.realtime) === 0) realtimeMisses++
    }
    const phantom = [...this.held.keys()].filter((id) => !onServer.has(id)).length
    const sendKeys = new Set<string>()
    let storedTwice = 0
    for (const mine of this.held.values()) {
      const key = `${mine.senderId}\n${mine.clientId}`
      if (sendKeys.has(key)) storedTwice++
      sendKeys.add(key)
    }
    const serverSeqs = new Set(server.map((message) => message.seq))
    const mySeqs = new Set([...this.held.values()].map((mine) => mine.seq))
    const sameSeqSet = serverSeqs.size === mySeqs.size && [...serverSeqs].every((seq) => mySeqs.has(seq))
    return {
      serverMessages: server.length,
      heldMessages: this.held.size,
      lost,
      phantom,
      seqMismatch,
      duplicatesInState: this.seqCollisions + storedTwice,
      onlyViaGapFill,
      realtimeMisses,
      matches: sameSeqSet && this.held.size === server.length && lost === 0 && phantom === 0,
    }
  }
}

export interface ReplicaComparison {
  serverMessages: number
  heldMessages: number
  lost: number
  phantom: number
  seqMismatch: number
  duplicatesInState: number
  onlyViaGapFill: number
  realtimeMisses: number
  /** Same count and the same set of seqs (and ids) as the server. */
  matches: boolean
}
