/**
 * Changes to a stored message — edit, delete for everyone, reactions — each
 * run inside one transaction the caller opens (docs/design.md §4.4).
 *
 * Every change takes the next rev of the conversation and stamps it on the
 * message, in the transaction that makes the change, so `last_rev` is gapless
 * like `last_seq`. The conversation row is locked first (a no-op UPDATE: the
 * row lock on PostgreSQL, inside SQLite's single writer), and only then is the
 * message read: two requests for the same change serialise, and the second
 * finds it done and uses no rev (idempotence under concurrency, not only in
 * sequence).
 */
import type { Transaction } from 'kysely'
import { REACTIONS_PER_MESSAGE_MAX, replyPreview } from '../../shared/message-content'
import { detachDeleted } from './attachment-rows'
import { moderates } from './group-rows'
import { hydrateMessage, hydrateMessages, type MessageRow } from './message-rows'
import type { Database } from './schema'
import { MessageRefusedError, type MessageChange } from './store'

type Trx = Transaction<Database>

/** Revs handed out by one transaction, after the conversation's last_rev read under its lock. */
export class RevCounter {
  constructor(private last: number) {}
  private taken = false

  take(): number {
    this.taken = true
    return ++this.last
  }

  /** Store the conversation's new last_rev (nothing when no rev was taken). */
  async save(trx: Trx, conversationId: string): Promise<void> {
    if (!this.taken) return
    await trx.updateTable('conversations').set({ last_rev: this.last }).where('id', '=', conversationId).execute()
  }
}

/** Lock the conversation against other changes until commit; its current last_rev, or null when it does not exist. */
export async function lockConversation(trx: Trx, conversationId: string): Promise<RevCounter | null> {
  const row = await trx
    .updateTable('conversations')
    .set((eb) => ({ last_rev: eb.ref('last_rev') }))
    .where('id', '=', conversationId)
    .returning('last_rev')
    .executeTakeFirst()
  return row === undefined ? null : new RevCounter(Number(row.last_rev))
}

async function lockedMessage(trx: Trx, conversationId: string, messageId: string): Promise<{ row: MessageRow; revs: RevCounter }> {
  const revs = await lockConversation(trx, conversationId)
  const row =
    revs === null
      ? undefined
      : await trx
          .selectFrom('messages')
          .selectAll()
          .where('id', '=', messageId)
          .where('conversation_id', '=', conversationId)
          .executeTakeFirst()
  if (revs === null || row === undefined) throw new MessageRefusedError('not_found', `No message ${messageId.slice(0, 64)}`)
  if (row.kind === 'system') throw new MessageRefusedError('system_message', 'A change to the group cannot be edited, deleted or reacted to')
  return { row, revs }
}

const unchanged = async (trx: Trx, row: MessageRow): Promise<MessageChange> => ({
  message: await hydrateMessage(trx, row),
  changed: false,
  replies: [],
  freedBlobKeys: [],
})

async function reread(trx: Trx, messageId: string): Promise<MessageRow> {
  return trx.selectFrom('messages').selectAll().where('id', '=', messageId).executeTakeFirstOrThrow()
}

function requireSender(row: MessageRow, userId: string, action: string): void {
  if (row.sender_id !== userId) throw new MessageRefusedError('not_sender', `Only its sender can ${action} a message`)
}

export async function insertMentions(
  trx: Trx,
  message: { id: string; conversationId: string; seq: number },
  mentions: readonly string[],
): Promise<void> {
  if (mentions.length === 0) return
  await trx
    .insertInto('message_mentions')
    .values(
      mentions.map((userId, position) => ({
        message_id: message.id,
        user_id: userId,
        conversation_id: message.conversationId,
        seq: message.seq,
        position,
      })),
    )
    .execute()
}

/**
 * The replies to `messageId` get a rev each, after the change to the original:
 * what they show of it changed, and a client that syncs by changedAfter (or
 * watches revs in events) must see that. Deleted replies have no link left.
 */
async function touchReplies(trx: Trx, conversationId: string, messageId: string, revs: RevCounter): Promise<MessageRow[]> {
  const replies = await trx
    .selectFrom('messages')
    .select('id')
    .where('reply_to_id', '=', messageId)
    .where('conversation_id', '=', conversationId)
    .orderBy('seq')
    .execute()
  const touched: MessageRow[] = []
  for (const { id } of replies) {
    const row = await trx
      .updateTable('messages')
      .set({ rev: revs.take() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow()
    touched.push(row)
  }
  return touched
}

export async function editIn(
  trx: Trx,
  input: { conversationId: string; messageId: string; userId: string; body: string; mentions: readonly string[]; now: number },
): Promise<MessageChange> {
  const { row, revs } = await lockedMessage(trx, input.conversationId, input.messageId)
  requireSender(row, input.userId, 'edit')
  if (row.deleted_at !== null) throw new MessageRefusedError('deleted', 'The message was deleted')
  if (row.body === input.body) return unchanged(trx, row)

  await trx
    .updateTable('messages')
    .set({ body: input.body, edited_at: input.now, rev: revs.take() })
    .where('id', '=', row.id)
    .execute()
  await trx.deleteFrom('message_mentions').where('message_id', '=', row.id).execute()
  await insertMentions(trx, { id: row.id, conversationId: row.conversation_id, seq: Number(row.seq) }, input.mentions)
  const replies =
    replyPreview(row.body) === replyPreview(input.body) ? [] : await touchReplies(trx, input.conversationId, row.id, revs)
  await revs.save(trx, input.conversationId)
  return {
    message: await hydrateMessage(trx, await reread(trx, row.id)),
    changed: true,
    replies: await hydrateMessages(trx, replies),
    freedBlobKeys: [],
  }
}

/**
 * Delete for everyone (the sender, or a group's owner or admin): the body is overwritten, and the reactions, mentions,
 * attachments and reply link are deleted rows, not hidden ones. The row stays as a
 * tombstone, so the seq is still accounted for and clients show "deleted".
 * The attachments' blobs are queued for deletion here and deleted by the
 * caller after commit (docs/design.md §4.5).
 */
export async function deleteIn(
  trx: Trx,
  input: { conversationId: string; messageId: string; userId: string; now: number },
): Promise<MessageChange> {
  const { row, revs } = await lockedMessage(trx, input.conversationId, input.messageId)
  // A group's owner and admins may delete anyone's message (docs/design.md §4.6).
  if (row.sender_id !== input.userId && !(await moderates(trx, input.conversationId, input.userId))) {
    throw new MessageRefusedError('not_sender', 'Only its sender or a group owner or admin can delete a message')
  }
  if (row.deleted_at !== null) return unchanged(trx, row)

  await trx
    .updateTable('messages')
    .set({ body: '', deleted_at: input.now, reply_to_id: null, rev: revs.take() })
    .where('id', '=', row.id)
    .execute()
  await trx.deleteFrom('message_reactions').where('message_id', '=', row.id).execute()
  await trx.deleteFrom('message_mentions').where('message_id', '=', row.id).execute()
  const freedBlobKeys = await detachDeleted(trx, row.id, input.now)
  const replies = await touchReplies(trx, input.conversationId, row.id, revs)
  await revs.save(trx, input.conversationId)
  return {
    message: await hydrateMessage(trx, await reread(trx, row.id)),
    changed: true,
    replies: await hydrateMessages(trx, replies),
    freedBlobKeys,
  }
}

export async function setReactionIn(
  trx: Trx,
  input: { conversationId: string; messageId: string; userId: string; emoji: string; present: boolean },
): Promise<MessageChange> {
  const { row, revs } = await lockedMessage(trx, input.conversationId, input.messageId)
  if (row.deleted_at !== null) throw new MessageRefusedError('deleted', 'The message was deleted')
  const emojis = await trx
    .selectFrom('message_reactions')
    .select(['emoji', 'user_id'])
    .where('message_id', '=', row.id)
    .execute()
  const mine = emojis.some((reaction) => reaction.emoji === input.emoji && reaction.user_id === input.userId)
  if (mine === input.present) return unchanged(trx, row)

  const rev = revs.take()
  if (input.present) {
    const distinct = new Set(emojis.map((reaction) => reaction.emoji))
    if (!distinct.has(input.emoji) && distinct.size >= REACTIONS_PER_MESSAGE_MAX) {
      throw new MessageRefusedError('too_many_reactions', `A message has at most ${REACTIONS_PER_MESSAGE_MAX} different reactions`)
    }
    await trx
      .insertInto('message_reactions')
      .values({ message_id: row.id, emoji: input.emoji, user_id: input.userId, rev })
      .execute()
  } else {
    await trx
      .deleteFrom('message_reactions')
      .where('message_id', '=', row.id)
      .where('emoji', '=', input.emoji)
      .where('user_id', '=', input.userId)
      .execute()
  }
  await trx.updateTable('messages').set({ rev }).where('id', '=', row.id).execute()
  await revs.save(trx, input.conversationId)
  return { message: await hydrateMessage(trx, await reread(trx, row.id)), changed: true, replies: [], freedBlobKeys: [] }
}
