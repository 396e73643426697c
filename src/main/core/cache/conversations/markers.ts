/** Per-member read/delivered markers: they only ever move forward. */
import type { Database, Statement } from 'better-sqlite3'
import type { Marker } from '../../../../shared/api'

interface MarkerRow {
  conversation_id: string
  user_id: string
  read_seq: number
  delivered_seq: number
}

export class MarkerTable {
  private readonly merge: Statement<[string, string, number, number]>
  private readonly one: Statement<[string, string], MarkerRow>
  private readonly ofConversation: Statement<[string], MarkerRow>
  private readonly everyMarker: Statement<[], MarkerRow>

  constructor(private readonly db: Database) {
    this.merge = db.prepare(
      `INSERT INTO markers (conversation_id, user_id, read_seq, delivered_seq) VALUES (?, ?, ?, ?)
       ON CONFLICT (conversation_id, user_id) DO UPDATE SET
         read_seq = max(read_seq, excluded.read_seq), delivered_seq = max(delivered_seq, excluded.delivered_seq)
       WHERE excluded.read_seq > read_seq OR excluded.delivered_seq > delivered_seq`,
    )
    const columns = 'conversation_id, user_id, read_seq, delivered_seq'
    this.one = db.prepare(`SELECT ${columns} FROM markers WHERE conversation_id = ? AND user_id = ?`)
    this.ofConversation = db.prepare(`SELECT ${columns} FROM markers WHERE conversation_id = ?`)
    this.everyMarker = db.prepare(`SELECT ${columns} FROM markers`)
  }

  /** Max-merge (no transaction of its own: callers batch it). */
  mergeMarker(conversationId: string, userId: string, marker: Marker): void {
    this.merge.run(conversationId, userId, marker.readSeq, marker.deliveredSeq)
  }

  /** Max-merge one member's markers; true when either value moved forward. */
  applyMarker(conversationId: string, userId: string, marker: Marker): boolean {
    return this.db.transaction(() => this.mergeIfAhead(conversationId, userId, marker))()
  }

  /** applyMarker inside a transaction the caller holds (no savepoint of its own). */
  mergeIfAhead(conversationId: string, userId: string, marker: Marker): boolean {
    const before = this.one.get(conversationId, userId)
    const moved = marker.readSeq > (before?.read_seq ?? 0) || marker.deliveredSeq > (before?.delivered_seq ?? 0)
    if (moved) this.mergeMarker(conversationId, userId, marker)
    return moved
  }

  /** One member's markers (zeros when none are cached). */
  markerOf(conversationId: string, userId: string): Marker {
    const row = this.one.get(conversationId, userId)
    return { readSeq: row?.read_seq ?? 0, deliveredSeq: row?.delivered_seq ?? 0 }
  }

  markersOf(conversationId: string): Record<string, Marker> {
    return toRecord(this.ofConversation.all(conversationId))
  }

  /** Every conversation's markers, for listing all conversations in one pass. */
  allMarkers(): Map<string, Record<string, Marker>> {
    const byConversation = new Map<string, MarkerRow[]>()
    for (const row of this.everyMarker.all()) {
      const rows = byConversation.get(row.conversation_id)
      if (rows) rows.push(row)
      else byConversation.set(row.conversation_id, [row])
    }
    return new Map([...byConversation].map(([id, rows]) => [id, toRecord(rows)]))
  }
}

function toRecord(rows: readonly MarkerRow[]): Record<string, Marker> {
  const markers: Record<string, Marker> = {}
  for (const row of rows) markers[row.user_id] = { readSeq: row.read_seq, deliveredSeq: row.delivered_seq }
  return markers
}
