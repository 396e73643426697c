/**
 * Who may read an attachment (docs/design.md §4.5): its uploader, and the
 * members of the conversation whose message carries it. Everyone else — and
 * every id that cannot exist — gets the same 404 as a missing attachment.
 */
import type { AttachmentRecord } from '../store/store'
import type { ApiContext } from './context'
import { notFound } from './errors'
import { ID } from './membership'

export async function readableAttachment(ctx: ApiContext, id: string, userId: string): Promise<AttachmentRecord> {
  const record = ID.test(id) ? await ctx.store.attachment(id) : null
  if (record !== null) {
    if (record.uploaderId === userId) return record
    if (record.conversationId !== null && (await ctx.store.isMember(record.conversationId, userId))) return record
  }
  throw notFound(`No attachment ${id.slice(0, 64)}`)
}
