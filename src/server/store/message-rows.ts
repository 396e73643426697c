/**
 * Message rows → the `Message` of src/shared/api.ts. A message's reactions,
 * mentions, attachments and reply preview live in other rows (other tables,
 * the original message), so a page of messages is read in at most five queries whatever
 * its size. The reply preview is computed here, at read time, from the
 * original as it is now: an edit or delete of the original shows in every
 * reply (docs/design.md §4.4).
 */
import type { Selectable } from 'kysely'
import { systemEventSchema, type Message, type Reaction, type ReplyTo, type SystemEvent } from '../../shared/api'
import { replyPreview } from '../../shared/message-content'
import { attachmentsOf } from './attachment-rows'
import type { Db, MessagesTable } from './schema'

export type MessageRow = Selectable<MessagesTable>

/**
 * Take the conversation's next seq and rev for a new message (a send or a
 * system message) and bump its activity time. The row update takes the
 * conversation's write lock (PostgreSQL) inside the single-writer transaction
 * (SQLite): concurrent sends and changes get consecutive seqs and revs.
 */
export async function takeNextSeqAndRev(trx: Db, conversationId: string, now: number): Promise<{ seq: number; rev: number }> {
  const bumped = await trx
    .updateTable('conversations')
    .set((eb) => ({ last_seq: eb('last_seq', '+', 1), last_rev: eb('last_rev', '+', 1), last_activity_at: now }))
    .where('id', '=', conversationId)
    .returning(['last_seq', 'last_rev'])
    .executeTakeFirstOrThrow()
  return { seq: Number(bumped.last_seq), rev: Number(bumped.last_rev) }
}

/** The messages of `rows`, in the same order, with their reactions, mentions, attachments and reply previews. */
export async function hydrateMessages(db: Db, rows: readonly MessageRow[]): Promise<Message[]> {
  if (rows.length === 0) return []
  const live = rows.filter((row) => row.deleted_at === null).map((row) => row.id)
  const replyToIds = [...new Set(rows.flatMap((row) => (row.reply_to_id === null ? [] : [row.reply_to_id])))]

  const [reactionRows, mentionRows, originals, attachmentsBy] = await Promise.all([
    live.length === 0
      ? []
      : db
          .selectFrom('message_reactions')
          .select(['message_id', 'emoji', 'user_id'])
          .where('message_id', 'in', live)
          .orderBy('rev')
          .execute(),
    live.length === 0
      ? []
      : db
          .selectFrom('message_mentions')
          .select(['message_id', 'user_id'])
          .where('message_id', 'in', live)
          .orderBy('message_id')
          .orderBy('position')
          .execute(),
    replyToIds.length === 0
      ? []
      : db
          .selectFrom('messages')
          .select(['id', 'seq', 'sender_id', 'body', 'deleted_at'])
          .where('id', 'in', replyToIds)
          .execute(),
    attachmentsOf(db, live),
  ])

  const reactionsBy = new Map<string, Reaction[]>()
  for (const row of reactionRows) {
    let reactions = reactionsBy.get(row.message_id)
    if (reactions === undefined) reactionsBy.set(row.message_id, (reactions = []))
    // Rows come in rev order: an emoji's first row is its first use.
    const reaction = reactions.find((entry) => entry.emoji === row.emoji)
    if (reaction) reaction.userIds.push(row.user_id)
    else reactions.push({ emoji: row.emoji, userIds: [row.user_id] })
  }
  const mentionsBy = new Map<string, string[]>()
  for (const row of mentionRows) {
    const mentions = mentionsBy.get(row.message_id)
    if (mentions) mentions.push(row.user_id)
    else mentionsBy.set(row.message_id, [row.user_id])
  }
  const previewBy = new Map<string, ReplyTo>(
    originals.map((original) => {
      const deleted = original.deleted_at !== null
      return [
        original.id,
        {
          id: original.id,
          seq: Number(original.seq),
          senderId: original.sender_id,
          body: deleted ? '' : replyPreview(original.body),
          deleted,
        },
      ]
    }),
  )

  return rows.map((row) => ({
    id: row.id,
    conversationId: row.conversation_id,
    seq: Number(row.seq),
    rev: Number(row.rev),
    senderId: row.sender_id,
    clientId: row.client_id,
    body: row.body,
    createdAt: Number(row.created_at),
    editedAt: row.edited_at === null ? null : Number(row.edited_at),
    deletedAt: row.deleted_at === null ? null : Number(row.deleted_at),
    replyTo: row.reply_to_id === null ? null : (previewBy.get(row.reply_to_id) ?? null),
    reactions: reactionsBy.get(row.id) ?? [],
    mentions: mentionsBy.get(row.id) ?? [],
    attachments: attachmentsBy.get(row.id) ?? [],
    kind: row.kind,
    system: row.kind === 'system' ? systemEvent(row.system) : null,
  }))
}

/** A system message's event as stored (JSON), validated; null when it is missing or not one (never a crash on a bad row). */
function systemEvent(json: string | null): SystemEvent | null {
  if (json === null) return null
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch {
    return null
  }
  const parsed = systemEventSchema.safeParse(value)
  return parsed.success ? parsed.data : null
}

export async function hydrateMessage(db: Db, row: MessageRow): Promise<Message> {
  return (await hydrateMessages(db, [row]))[0] as Message
}
