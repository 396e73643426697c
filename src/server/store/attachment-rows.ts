/**
 * Attachment rows (docs/design.md §4.5): reading them onto messages,
 * attaching uploads inside a send's transaction, dropping a deleted message's
 * attachments, and the queue of blobs to delete (blob_deletions).
 */
import type { Selectable } from 'kysely'
import type { Attachment } from '../../shared/api'
import type { AttachmentsTable, Db } from './schema'
import { MessageRefusedError, type AttachmentRecord, type NewAttachment } from './store'

export type AttachmentRow = Selectable<AttachmentsTable>

export const toAttachmentRecord = (row: AttachmentRow): AttachmentRecord => ({
  id: row.id,
  uploaderId: row.uploader_id,
  messageId: row.message_id,
  conversationId: row.conversation_id,
  name: row.name,
  size: Number(row.size),
  mime: row.mime,
  width: row.width === null ? null : Number(row.width),
  height: row.height === null ? null : Number(row.height),
  hasThumbnail: Number(row.has_thumbnail) === 1,
  sha256: row.sha256,
  blobKey: row.blob_key,
  thumbnailKey: row.thumbnail_key,
  thumbnailSize: row.thumbnail_size === null ? null : Number(row.thumbnail_size),
  createdAt: Number(row.created_at),
})

/** What a Message carries of an attachment. */
export const attachmentView = (row: Pick<AttachmentRow, 'id' | 'name' | 'size' | 'mime' | 'width' | 'height' | 'has_thumbnail'>): Attachment => ({
  id: row.id,
  name: row.name,
  size: Number(row.size),
  mime: row.mime,
  width: row.width === null ? null : Number(row.width),
  height: row.height === null ? null : Number(row.height),
  hasThumbnail: Number(row.has_thumbnail) === 1,
})

/** The attachments of these messages, each list in position order. */
export async function attachmentsOf(db: Db, messageIds: readonly string[]): Promise<Map<string, Attachment[]>> {
  const by = new Map<string, Attachment[]>()
  if (messageIds.length === 0) return by
  const rows = await db
    .selectFrom('attachments')
    .select(['id', 'message_id', 'name', 'size', 'mime', 'width', 'height', 'has_thumbnail'])
    .where('message_id', 'in', [...messageIds])
    .orderBy('message_id')
    .orderBy('position')
    .execute()
  for (const row of rows) {
    const messageId = row.message_id as string
    const list = by.get(messageId)
    if (list) list.push(attachmentView(row))
    else by.set(messageId, [attachmentView(row)])
  }
  return by
}

/**
 * Attach uploads to a new message, in the order given. Each is one
 * conditional UPDATE (the sender's, not attached yet): two sends racing for
 * the same upload serialise on its row, and the loser matches nothing. Any
 * id that does not qualify refuses the send; the caller's transaction then
 * rolls back, so nothing is attached and no message stored.
 */
export async function attachIn(
  db: Db,
  message: { id: string; conversationId: string; senderId: string },
  attachmentIds: readonly string[],
): Promise<Attachment[]> {
  for (const [position, id] of attachmentIds.entries()) {
    const updated = await db
      .updateTable('attachments')
      .set({ message_id: message.id, conversation_id: message.conversationId, position })
      .where('id', '=', id)
      .where('uploader_id', '=', message.senderId)
      .where('message_id', 'is', null)
      .executeTakeFirst()
    if (updated.numUpdatedRows !== 1n) {
      throw new MessageRefusedError(
        'attachment_refused',
        `attachmentIds: ${id.slice(0, 64)} is not an upload of yours waiting to be sent (unknown, someone else's, already on a message, or expired)`,
      )
    }
  }
  return (await attachmentsOf(db, [message.id])).get(message.id) ?? []
}

/** Queue blob keys for deletion (due at `notBefore`); keys already queued keep their entry. */
export async function queueBlobDeletions(db: Db, keys: readonly string[], notBefore: number): Promise<void> {
  if (keys.length === 0) return
  await db
    .insertInto('blob_deletions')
    .values(keys.map((blob_key) => ({ blob_key, not_before: notBefore, attempts: 0 })))
    .onConflict((oc) => oc.column('blob_key').doUpdateSet({ not_before: notBefore }))
    .execute()
}

const keysOf = (rows: readonly { blob_key: string; thumbnail_key: string | null }[]): string[] =>
  rows.flatMap((row) => (row.thumbnail_key === null ? [row.blob_key] : [row.blob_key, row.thumbnail_key]))

/** Drop a deleted message's attachment rows; their blob keys are queued (due `now`) and returned. */
export async function detachDeleted(db: Db, messageId: string, now: number): Promise<string[]> {
  const rows = await db.deleteFrom('attachments').where('message_id', '=', messageId).returning(['blob_key', 'thumbnail_key']).execute()
  const keys = keysOf(rows)
  await queueBlobDeletions(db, keys, now)
  return keys
}

/** Insert an upload's row and take its keys off the deletion queue (its reservation). */
export async function insertAttachment(db: Db, attachment: NewAttachment): Promise<void> {
  await db
    .insertInto('attachments')
    .values({
      id: attachment.id,
      uploader_id: attachment.uploaderId,
      message_id: null,
      conversation_id: null,
      position: null,
      name: attachment.name,
      size: attachment.size,
      mime: attachment.mime,
      width: attachment.width,
      height: attachment.height,
      has_thumbnail: attachment.hasThumbnail ? 1 : 0,
      sha256: attachment.sha256,
      blob_key: attachment.blobKey,
      thumbnail_key: attachment.thumbnailKey,
      thumbnail_size: attachment.thumbnailSize,
      created_at: attachment.createdAt,
    })
    .execute()
  const keys = keysOf([{ blob_key: attachment.blobKey, thumbnail_key: attachment.thumbnailKey }])
  await db.deleteFrom('blob_deletions').where('blob_key', 'in', keys).execute()
}

/** Delete up to `limit` unattached uploads created before `createdBefore`; their keys queued and returned. */
export async function sweepUploadsIn(db: Db, createdBefore: number, now: number, limit: number): Promise<string[]> {
  const stale = await db
    .selectFrom('attachments')
    .select('id')
    .where('message_id', 'is', null)
    .where('created_at', '<', createdBefore)
    .orderBy('created_at')
    .limit(limit)
    .execute()
  if (stale.length === 0) return []
  // Checked again by the DELETE: a send may have attached one since the SELECT.
  const rows = await db
    .deleteFrom('attachments')
    .where('id', 'in', stale.map((row) => row.id))
    .where('message_id', 'is', null)
    .returning(['blob_key', 'thumbnail_key'])
    .execute()
  const keys = keysOf(rows)
  await queueBlobDeletions(db, keys, now)
  return keys
}
