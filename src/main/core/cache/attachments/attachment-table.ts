/**
 * Attachments in the cache (migration 007): the server's attachments of
 * cached messages, the files of own messages waiting in the outbox, and the
 * download cache's index. Views read a whole page's attachments in one query
 * (`viewsOf`), never one per message.
 */
import type { Database, Statement } from 'better-sqlite3'
import type { Attachment } from '../../../../shared/api'
import { INLINE_IMAGE_TYPES } from '../../../../shared/attachment-name'
import { mediaPath, type ChatAttachment } from '../../../../shared/ipc'

/** A file of an own unsent message: its private copy and, once uploaded, its server id. */
export interface OutboxAttachment {
  stagedId: string
  path: string
  name: string
  size: number
  mime: string
  width: number | null
  height: number | null
  attachmentId: string | null
}

/** One file of the download cache (attachment_files). */
export interface CachedFile {
  attachmentId: string
  path: string
  size: number
  lastUsed: number
}

interface AttachmentRow {
  message_row_id: number
  attachment_id: string
  name: string
  size: number
  mime: string
  width: number | null
  height: number | null
  has_thumbnail: number
  downloaded: number
}

interface OutboxRow {
  message_row_id: number
  staged_id: string
  path: string
  name: string
  size: number
  mime: string
  width: number | null
  height: number | null
  attachment_id: string | null
}

interface FileRow {
  attachment_id: string
  path: string
  size: number
  last_used: number
}

const OUTBOX_COLUMNS = 'message_row_id, staged_id, path, name, size, mime, width, height, attachment_id'

export class AttachmentTable {
  private readonly insert: Statement<[number, number, string, string, number, string, number | null, number | null, number]>
  private readonly removeOf: Statement<[number], { attachment_id: string }>
  private readonly ofRows: Statement<[string], AttachmentRow>
  private readonly outboxOfRows: Statement<[string], OutboxRow>
  private readonly insertOutbox: Statement<[string, number, number, string, string, number, string, number | null, number | null]>
  private readonly outboxOfRow: Statement<[number], OutboxRow>
  private readonly outboxByStaged: Statement<[string], OutboxRow>
  private readonly uploaded: Statement<[string, string]>
  private readonly dropOutboxOf: Statement<[number]>
  private readonly forgetUploads: Statement<[number]>
  private readonly allOutboxPaths: Statement<[], string>
  private readonly byId: Statement<[string], AttachmentRow & { conversation_id: string; sender_id: string; client_id: string }>
  private readonly fileOf: Statement<[string], FileRow>
  private readonly putFile: Statement<[string, string, number, number]>
  private readonly touchFile: Statement<[number, string]>
  private readonly dropFile: Statement<[string]>
  private readonly filesByUse: Statement<[], FileRow>
  private readonly fileBytes: Statement<[], number>
  private readonly stillReferenced: Statement<[string], number>

  constructor(db: Database) {
    this.insert = db.prepare(
      `INSERT OR IGNORE INTO message_attachments (message_row_id, position, attachment_id, name, size, mime, width, height, has_thumbnail)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    this.removeOf = db.prepare('DELETE FROM message_attachments WHERE message_row_id = ? RETURNING attachment_id')
    this.ofRows = db.prepare(
      `SELECT a.message_row_id, a.attachment_id, a.name, a.size, a.mime, a.width, a.height, a.has_thumbnail,
         EXISTS (SELECT 1 FROM attachment_files f WHERE f.attachment_id = a.attachment_id) AS downloaded
       FROM message_attachments a WHERE a.message_row_id IN (SELECT value FROM json_each(?)) ORDER BY a.message_row_id, a.position`,
    )
    this.outboxOfRows = db.prepare(
      `SELECT ${OUTBOX_COLUMNS} FROM outbox_attachments WHERE message_row_id IN (SELECT value FROM json_each(?)) ORDER BY message_row_id, position`,
    )
    this.insertOutbox = db.prepare(
      `INSERT INTO outbox_attachments (staged_id, message_row_id, position, path, name, size, mime, width, height) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    this.outboxOfRow = db.prepare(`SELECT ${OUTBOX_COLUMNS} FROM outbox_attachments WHERE message_row_id = ? ORDER BY position`)
    this.outboxByStaged = db.prepare(`SELECT ${OUTBOX_COLUMNS} FROM outbox_attachments WHERE staged_id = ?`)
    this.uploaded = db.prepare('UPDATE outbox_attachments SET attachment_id = ? WHERE staged_id = ?')
    this.dropOutboxOf = db.prepare('DELETE FROM outbox_attachments WHERE message_row_id = ?')
    this.forgetUploads = db.prepare('UPDATE outbox_attachments SET attachment_id = NULL WHERE message_row_id = ?')
    this.allOutboxPaths = db.prepare<[], string>('SELECT path FROM outbox_attachments').pluck()
    this.byId = db.prepare(
      `SELECT a.message_row_id, a.attachment_id, a.name, a.size, a.mime, a.width, a.height, a.has_thumbnail,
         EXISTS (SELECT 1 FROM attachment_files f WHERE f.attachment_id = a.attachment_id) AS downloaded,
         m.conversation_id, m.sender_id, m.client_id
       FROM message_attachments a JOIN messages m ON m.row_id = a.message_row_id
       WHERE a.attachment_id = ? AND m.deleted_at IS NULL LIMIT 1`,
    )
    this.fileOf = db.prepare('SELECT attachment_id, path, size, last_used FROM attachment_files WHERE attachment_id = ?')
    this.putFile = db.prepare(
      `INSERT INTO attachment_files (attachment_id, path, size, last_used) VALUES (?, ?, ?, ?)
       ON CONFLICT (attachment_id) DO UPDATE SET path = excluded.path, size = excluded.size, last_used = excluded.last_used`,
    )
    this.touchFile = db.prepare('UPDATE attachment_files SET last_used = ? WHERE attachment_id = ?')
    this.dropFile = db.prepare('DELETE FROM attachment_files WHERE attachment_id = ?')
    this.filesByUse = db.prepare('SELECT attachment_id, path, size, last_used FROM attachment_files ORDER BY last_used, attachment_id')
    this.fileBytes = db.prepare<[], number>('SELECT coalesce(sum(size), 0) FROM attachment_files').pluck()
    this.stillReferenced = db.prepare<[string], number>('SELECT count(*) FROM message_attachments WHERE attachment_id = ?').pluck()
  }

  // -- the server's attachments of cached messages ---------------------------------

  /** Inside the caller's transaction: a message's attachments as the server has them (again: nothing changes). */
  store(messageRowId: number, attachments: readonly Attachment[]): void {
    attachments.forEach((a, position) => {
      this.insert.run(messageRowId, position, a.id, a.name, a.size, a.mime, a.width, a.height, a.hasThumbnail ? 1 : 0)
    })
  }

  /**
   * Inside the caller's transaction: a tombstone's attachments go, and their
   * download cache rows with them unless another cached message still
   * carries the same attachment. The ids whose files are to be deleted.
   */
  forget(messageRowId: number): string[] {
    const gone = this.removeOf.all(messageRowId).map((row) => row.attachment_id)
    const unreferenced = gone.filter((id) => this.stillReferenced.get(id) === 0)
    for (const id of unreferenced) this.dropFile.run(id)
    return unreferenced
  }

  /** The attachments of these message rows (sent and unsent), each list in the sender's order. */
  viewsOf(rowIds: readonly number[], unsentRowIds: readonly number[]): Map<number, ChatAttachment[]> {
    const views = new Map<number, ChatAttachment[]>()
    const add = (rowId: number, view: ChatAttachment) => {
      const list = views.get(rowId)
      if (list) list.push(view)
      else views.set(rowId, [view])
    }
    if (rowIds.length > 0) for (const row of this.ofRows.all(JSON.stringify(rowIds))) add(row.message_row_id, sentView(row))
    if (unsentRowIds.length > 0) for (const row of this.outboxOfRows.all(JSON.stringify(unsentRowIds))) add(row.message_row_id, unsentView(row))
    return views
  }

  /** A cached attachment by id with the message carrying it (not deleted); null when this account has no such attachment. */
  known(attachmentId: string): (Attachment & { conversationId: string; messageKey: string; downloaded: boolean }) | null {
    const row = this.byId.get(attachmentId)
    if (row === undefined) return null
    return {
      id: row.attachment_id,
      name: row.name,
      size: row.size,
      mime: row.mime,
      width: row.width,
      height: row.height,
      hasThumbnail: row.has_thumbnail === 1,
      conversationId: row.conversation_id,
      messageKey: `${row.sender_id}:${row.client_id}`,
      downloaded: row.downloaded === 1,
    }
  }

  // -- files of own unsent messages ---------------------------------------------------

  /** Inside the caller's transaction (addPending): the files of a new pending message. */
  addOutbox(messageRowId: number, files: readonly Omit<OutboxAttachment, 'attachmentId'>[]): void {
    files.forEach((f, position) => this.insertOutbox.run(f.stagedId, messageRowId, position, f.path, f.name, f.size, f.mime, f.width, f.height))
  }

  outboxOf(messageRowId: number): OutboxAttachment[] {
    return this.outboxOfRow.all(messageRowId).map(toOutbox)
  }

  /** A file of an unsent message by its staged id (its preview), or null. */
  outboxFile(stagedId: string): OutboxAttachment | null {
    const row = this.outboxByStaged.get(stagedId)
    return row ? toOutbox(row) : null
  }

  /** A file's upload is done: the server's id, so a restart does not upload it again. */
  markUploaded(stagedId: string, attachmentId: string): void {
    this.uploaded.run(attachmentId, stagedId)
  }

  /**
   * A failed message is tried again: its files go up again. The server may
   * have refused the post because an upload of its had gone (unattached for
   * 24 h); earlier uploads left behind are swept by the server.
   */
  forgetUploaded(messageRowId: number): void {
    this.forgetUploads.run(messageRowId)
  }

  dropOutbox(messageRowId: number): void {
    this.dropOutboxOf.run(messageRowId)
  }

  /** Every private copy an outbox row still refers to (start-up cleaning keeps these). */
  outboxPaths(): Set<string> {
    return new Set(this.allOutboxPaths.all())
  }

  // -- the download cache's index ------------------------------------------------------

  file(attachmentId: string): CachedFile | null {
    const row = this.fileOf.get(attachmentId)
    return row ? toFile(row) : null
  }

  recordFile(attachmentId: string, path: string, size: number, at: number): void {
    this.putFile.run(attachmentId, path, size, at)
  }

  touch(attachmentId: string, at: number): void {
    this.touchFile.run(at, attachmentId)
  }

  removeFile(attachmentId: string): void {
    this.dropFile.run(attachmentId)
  }

  /** Least recently used first. */
  files(): CachedFile[] {
    return this.filesByUse.all().map(toFile)
  }

  fileBytesTotal(): number {
    return this.fileBytes.get() ?? 0
  }
}

const toOutbox = (row: OutboxRow): OutboxAttachment => ({
  stagedId: row.staged_id,
  path: row.path,
  name: row.name,
  size: row.size,
  mime: row.mime,
  width: row.width,
  height: row.height,
  attachmentId: row.attachment_id,
})

const toFile = (row: FileRow): CachedFile => ({ attachmentId: row.attachment_id, path: row.path, size: row.size, lastUsed: row.last_used })

const isInlineImage = (mime: string): boolean => INLINE_IMAGE_TYPES.has(mime)

/** The view of an attachment the server has (docs/design.md §7.7). */
function sentView(row: AttachmentRow): ChatAttachment {
  const downloaded = row.downloaded === 1
  return {
    key: row.attachment_id,
    id: row.attachment_id,
    name: row.name,
    size: row.size,
    mime: row.mime,
    width: row.width,
    height: row.height,
    previewUrl: row.has_thumbnail === 1 ? mediaPath('thumbnail', row.attachment_id) : null,
    downloaded,
    fileUrl: downloaded && isInlineImage(row.mime) ? mediaPath('file', row.attachment_id) : null,
  }
}

/** The view of my own file not posted yet: its private copy is the preview and the whole file. */
function unsentView(row: OutboxRow): ChatAttachment {
  const image = isInlineImage(row.mime)
  return {
    key: row.staged_id,
    id: row.attachment_id,
    name: row.name,
    size: row.size,
    mime: row.mime,
    width: row.width,
    height: row.height,
    previewUrl: image ? mediaPath('staged', row.staged_id) : null,
    downloaded: true,
    fileUrl: image ? mediaPath('staged', row.staged_id) : null,
  }
}
