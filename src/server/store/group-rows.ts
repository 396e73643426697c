/**
 * Groups people run (docs/design.md §4.6): rename, add and remove members,
 * leave, roles — each inside one transaction the caller opens.
 *
 * Every change first locks the conversation row (an UPDATE: the row lock on
 * PostgreSQL, inside SQLite's single writer), then reads the members and
 * checks the actor's role, so two changes never act on the same stale member
 * list. What changed is recorded as one system message (kind 'system', body
 * '', sent by the actor) with the next seq and the next rev of the
 * conversation: seq and rev stay gapless across text and system messages.
 *
 * Who may do what:
 * - rename, add: the owner and admins;
 * - remove: the owner anyone, an admin plain members; anyone themself (leave);
 * - roles: the owner only, admin ↔ member; the owner's own role changes only
 *   by leaving, which hands ownership to the longest-standing admin, else the
 *   longest-standing member (joined_at, then user id).
 * A non-member, or a conversation that does not exist, is 'not_found' before
 * anything else is checked: a non-member must not learn the group exists.
 */
import type { Transaction } from 'kysely'
import { LIMITS, type MemberRole, type Message, type SystemEvent } from '../../shared/api'
import { newId } from './ids'
import { takeNextSeqAndRev } from './message-rows'
import type { Database } from './schema'
import { GroupRefusedError } from './store'

type Trx = Transaction<Database>

interface LockedMember {
  userId: string
  role: MemberRole
  joinedAt: number
}

interface LockedGroup {
  members: LockedMember[]
  actor: LockedMember
  title: string | null
}

/** What one operation did: the system message it wrote (null: nothing changed) and who is out. */
export interface GroupRowsChange {
  system: Message | null
  removedUserIds: string[]
}

const UNCHANGED: GroupRowsChange = { system: null, removedUserIds: [] }

/** Lock the conversation and read its members; refuse non-members (as not found) and direct conversations. */
async function lockGroup(trx: Trx, conversationId: string, actorId: string): Promise<LockedGroup> {
  const conversation = await trx
    .updateTable('conversations')
    .set((eb) => ({ last_rev: eb.ref('last_rev') }))
    .where('id', '=', conversationId)
    .returning(['kind', 'title'])
    .executeTakeFirst()
  const rows =
    conversation === undefined
      ? []
      : await trx
          .selectFrom('members')
          .select(['user_id', 'role', 'joined_at'])
          .where('conversation_id', '=', conversationId)
          .orderBy('joined_at')
          .orderBy('user_id')
          .execute()
  const members = rows.map((row) => ({ userId: row.user_id, role: row.role, joinedAt: Number(row.joined_at) }))
  const actor = members.find((member) => member.userId === actorId)
  if (conversation === undefined || actor === undefined) {
    throw new GroupRefusedError('not_found', `No conversation ${conversationId.slice(0, 64)}`)
  }
  if (conversation.kind !== 'group') throw new GroupRefusedError('not_group', 'A direct conversation is not a group')
  return { members, actor, title: conversation.title }
}

function requireRole(actor: LockedMember, roles: readonly MemberRole[], action: string): void {
  if (!roles.includes(actor.role)) throw new GroupRefusedError('forbidden', `Only the group's ${roles.join(' or ')} can ${action}`)
}

function memberOf(group: LockedGroup, userId: string): LockedMember {
  const member = group.members.find((m) => m.userId === userId)
  if (member === undefined) throw new GroupRefusedError('not_member', `${userId.slice(0, 64)} is not a member of this group`)
  return member
}

/**
 * Write the system message for `event`, taking the next seq and rev (the
 * conversation is locked already) and bumping last_activity_at.
 */
async function appendSystem(trx: Trx, conversationId: string, event: SystemEvent, now: number): Promise<Message> {
  const { seq, rev } = await takeNextSeqAndRev(trx, conversationId, now)
  const id = newId('m')
  const message: Message = {
    id,
    conversationId,
    seq,
    rev,
    kind: 'system',
    system: event,
    senderId: event.actorId,
    // Unique per (conversation, sender), like a client's; no client can send this one again.
    clientId: `system_${id.slice(2)}`,
    body: '',
    createdAt: now,
    editedAt: null,
    deletedAt: null,
    replyTo: null,
    reactions: [],
    mentions: [],
    attachments: [],
  }
  await trx
    .insertInto('messages')
    .values({
      id,
      conversation_id: conversationId,
      seq: message.seq,
      rev: message.rev,
      sender_id: message.senderId,
      client_id: message.clientId,
      body: '',
      created_at: now,
      edited_at: null,
      deleted_at: null,
      reply_to_id: null,
      kind: 'system',
      system: JSON.stringify(event),
    })
    .execute()
  return message
}

export async function renameIn(
  trx: Trx,
  input: { conversationId: string; actorId: string; title: string; now: number },
): Promise<GroupRowsChange> {
  const group = await lockGroup(trx, input.conversationId, input.actorId)
  requireRole(group.actor, ['owner', 'admin'], 'rename it')
  if (group.title === input.title) return UNCHANGED
  await trx.updateTable('conversations').set({ title: input.title }).where('id', '=', input.conversationId).execute()
  const system = await appendSystem(trx, input.conversationId, { type: 'title_changed', actorId: input.actorId, title: input.title }, input.now)
  return { system, removedUserIds: [] }
}

/**
 * New members join after everyone there (join order is the member list's
 * order) and start with read and delivered markers at the system message
 * that added them: the history before is theirs to read, but not unread.
 */
export async function addMembersIn(
  trx: Trx,
  input: { conversationId: string; actorId: string; userIds: readonly string[]; now: number },
): Promise<GroupRowsChange> {
  const group = await lockGroup(trx, input.conversationId, input.actorId)
  requireRole(group.actor, ['owner', 'admin'], 'add members')
  const present = new Set(group.members.map((member) => member.userId))
  const added = [...new Set(input.userIds)].filter((id) => !present.has(id))
  if (added.length === 0) return UNCHANGED
  const known = new Set(
    (await trx.selectFrom('users').select('id').where('id', 'in', added).execute()).map((row) => row.id),
  )
  const unknown = added.find((id) => !known.has(id))
  if (unknown !== undefined) throw new GroupRefusedError('unknown_users', `Unknown user ${unknown.slice(0, 64)}`)
  if (group.members.length + added.length > LIMITS.groupMembersMax) {
    throw new GroupRefusedError('too_many_members', `A group has at most ${LIMITS.groupMembersMax} members`)
  }
  const system = await appendSystem(trx, input.conversationId, { type: 'member_added', actorId: input.actorId, userIds: added }, input.now)
  const lastJoined = Math.max(...group.members.map((member) => member.joinedAt))
  const firstJoin = Math.max(input.now, lastJoined + 1)
  await trx
    .insertInto('members')
    .values(
      added.map((userId, i) => ({
        conversation_id: input.conversationId,
        user_id: userId,
        joined_at: firstJoin + i,
        read_seq: system.seq,
        delivered_seq: system.seq,
        role: 'member' as const,
        muted_until: null,
      })),
    )
    .execute()
  return { system, removedUserIds: [] }
}

/** Remove a member, or leave when `userId` is the actor. */
export async function removeMemberIn(
  trx: Trx,
  input: { conversationId: string; actorId: string; userId: string; now: number },
): Promise<GroupRowsChange> {
  const group = await lockGroup(trx, input.conversationId, input.actorId)
  if (input.userId === input.actorId) return leave(trx, input.conversationId, group, input.now)
  const target = memberOf(group, input.userId)
  const allowed = group.actor.role === 'owner' || (group.actor.role === 'admin' && target.role === 'member')
  if (!allowed) {
    throw new GroupRefusedError(
      'forbidden',
      group.actor.role === 'admin' ? 'An admin can remove plain members only' : "Only the group's owner or admins can remove members",
    )
  }
  await deleteMember(trx, input.conversationId, target.userId)
  const system = await appendSystem(
    trx,
    input.conversationId,
    { type: 'member_removed', actorId: input.actorId, userIds: [target.userId] },
    input.now,
  )
  return { system, removedUserIds: [target.userId] }
}

/**
 * The actor leaves. When the owner leaves, ownership passes to the
 * longest-standing admin, else the longest-standing member; the one
 * member_left message records it (`userIds: [newOwner]`, `role: 'owner'`).
 */
async function leave(trx: Trx, conversationId: string, group: LockedGroup, now: number): Promise<GroupRowsChange> {
  const actorId = group.actor.userId
  await deleteMember(trx, conversationId, actorId)
  const event: SystemEvent = { type: 'member_left', actorId }
  if (group.actor.role === 'owner') {
    const rest = group.members.filter((member) => member.userId !== actorId)
    const heir = rest.find((member) => member.role === 'admin') ?? rest[0]
    if (heir !== undefined) {
      await trx
        .updateTable('members')
        .set({ role: 'owner' })
        .where('conversation_id', '=', conversationId)
        .where('user_id', '=', heir.userId)
        .execute()
      event.userIds = [heir.userId]
      event.role = 'owner'
    }
  }
  const system = await appendSystem(trx, conversationId, event, now)
  return { system, removedUserIds: [actorId] }
}

async function deleteMember(trx: Trx, conversationId: string, userId: string): Promise<void> {
  await trx.deleteFrom('members').where('conversation_id', '=', conversationId).where('user_id', '=', userId).execute()
}

export async function setRoleIn(
  trx: Trx,
  input: { conversationId: string; actorId: string; userId: string; role: 'admin' | 'member'; now: number },
): Promise<GroupRowsChange> {
  const group = await lockGroup(trx, input.conversationId, input.actorId)
  requireRole(group.actor, ['owner'], 'change roles')
  const target = memberOf(group, input.userId)
  if (target.role === 'owner') throw new GroupRefusedError('owner_role', "The owner's role changes only when they leave")
  if (target.role === input.role) return UNCHANGED
  await trx
    .updateTable('members')
    .set({ role: input.role })
    .where('conversation_id', '=', input.conversationId)
    .where('user_id', '=', target.userId)
    .execute()
  const system = await appendSystem(
    trx,
    input.conversationId,
    { type: 'role_changed', actorId: input.actorId, userIds: [target.userId], role: input.role },
    input.now,
  )
  return { system, removedUserIds: [] }
}

/** The member's own mute; false when they are not a member. */
export async function setMutedUntilIn(trx: Trx, conversationId: string, userId: string, mutedUntil: number | null): Promise<boolean> {
  const result = await trx
    .updateTable('members')
    .set({ muted_until: mutedUntil })
    .where('conversation_id', '=', conversationId)
    .where('user_id', '=', userId)
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

/** Whether `userId` may delete others' messages in the conversation: a group's owner or admin. */
export async function moderates(trx: Trx, conversationId: string, userId: string): Promise<boolean> {
  const row = await trx
    .selectFrom('members')
    .innerJoin('conversations', 'conversations.id', 'members.conversation_id')
    .select('members.role')
    .where('members.conversation_id', '=', conversationId)
    .where('members.user_id', '=', userId)
    .where('conversations.kind', '=', 'group')
    .executeTakeFirst()
  return row !== undefined && (row.role === 'owner' || row.role === 'admin')
}
