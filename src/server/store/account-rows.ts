/**
 * People and administration (docs/design.md §4.6) over Kysely: accounts
 * (the first one is the server's admin; invites are consumed with the account
 * they admit), sessions as signed-in devices, blocks, invites. SqlStore
 * delegates here; every function runs on the database or a transaction.
 */
import { randomBytes } from 'node:crypto'
import { sql, type Selectable } from 'kysely'
import { LIMITS } from '../../shared/api'
import type { Db, UsersTable } from './schema'
import {
  RegistrationRefusedError,
  type Admission,
  type DeviceSessionRecord,
  type EndedSession,
  type NewInvite,
  type NewUser,
  type UserRecord,
} from './store'

/** A session's recorded use is refreshed when older than this: a read does not become a write each time. */
export const SESSION_USE_GRANULARITY_MS = 60_000

export const toUser = (row: Selectable<UsersTable>): UserRecord => ({
  id: row.id,
  username: row.username,
  displayName: row.display_name,
  passwordHash: row.password_hash,
  createdAt: Number(row.created_at),
  lastSeenAt: row.last_seen_at === null ? null : Number(row.last_seen_at),
  admin: Number(row.is_admin) === 1,
  disabledAt: row.disabled_at === null ? null : Number(row.disabled_at),
})

/** A session's public id: random, unrelated to the token. */
const newSessionId = (): string => `s_${randomBytes(12).toString('base64url')}`

/** The advisory lock under which PostgreSQL decides the first account (any constant of our own). */
const FIRST_ACCOUNT_LOCK = 0x7061726c // 'parl'

/**
 * Insert the account, inside the caller's transaction. The first account
 * (none in the table yet) is the admin and needs no admission. Once any
 * account exists none can be first again, so only a registration that sees
 * an empty table needs care: with concurrent writers (`lockWhenEmpty`,
 * PostgreSQL) it takes a transaction-scoped advisory lock and looks again —
 * a registration that won the lock before it has committed by then, and READ
 * COMMITTED sees it. Every later registration takes no lock at all. An invite
 * is consumed by a conditional update: of two registrations with one code,
 * one wins.
 */
export async function insertUserIn(
  trx: Db,
  user: NewUser,
  admission: Admission | undefined,
  options: { lockWhenEmpty?: boolean } = {},
): Promise<UserRecord> {
  const noAccountYet = async () => (await trx.selectFrom('users').select('id').limit(1).executeTakeFirst()) === undefined
  let first = await noAccountYet()
  if (first && options.lockWhenEmpty === true) {
    await sql`select pg_advisory_xact_lock(${FIRST_ACCOUNT_LOCK})`.execute(trx)
    first = await noAccountYet()
  }
  const consumeInvite = !first && admission?.registration === 'invite'
  if (!first && admission?.registration === 'closed') throw new RegistrationRefusedError('closed')
  if (consumeInvite && admission.inviteCodeHash === undefined) throw new RegistrationRefusedError('invite_missing')

  await trx
    .insertInto('users')
    .values({
      id: user.id,
      username: user.username,
      username_key: user.username.toLowerCase(),
      display_name: user.displayName,
      display_name_key: user.displayName.toLowerCase(),
      password_hash: user.passwordHash,
      created_at: user.createdAt,
      last_seen_at: null,
      is_admin: first ? 1 : 0,
      disabled_at: null,
    })
    .execute()

  if (consumeInvite && admission.inviteCodeHash !== undefined) {
    const used = await trx
      .updateTable('invites')
      .set({ used_by: user.id, used_at: admission.now })
      .where('code_hash', '=', admission.inviteCodeHash)
      .where('used_by', 'is', null)
      .where('expires_at', '>', admission.now)
      .executeTakeFirst()
    if (used.numUpdatedRows === 0n) {
      // Why not: the transaction rolls back with the account.
      const invite = await trx
        .selectFrom('invites')
        .select(['used_by', 'expires_at'])
        .where('code_hash', '=', admission.inviteCodeHash)
        .executeTakeFirst()
      if (invite === undefined) throw new RegistrationRefusedError('invite_unknown')
      throw new RegistrationRefusedError(invite.used_by !== null ? 'invite_used' : 'invite_expired')
    }
  }
  return { ...user, lastSeenAt: null, admin: first, disabledAt: null }
}

export async function userById(db: Db, id: string): Promise<UserRecord | null> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()
  return row ? toUser(row) : null
}

export async function updateDisplayName(db: Db, userId: string, displayName: string): Promise<UserRecord | null> {
  const row = await db
    .updateTable('users')
    .set({ display_name: displayName, display_name_key: displayName.toLowerCase() })
    .where('id', '=', userId)
    .returningAll()
    .executeTakeFirst()
  return row ? toUser(row) : null
}

export async function setPasswordHash(db: Db, userId: string, passwordHash: string): Promise<void> {
  await db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', userId).execute()
}

/** Disabling ends every session of the user in the same transaction. */
export async function setDisabledIn(trx: Db, userId: string, disabled: boolean, now: number): Promise<EndedSession[]> {
  await trx
    .updateTable('users')
    .set({ disabled_at: disabled ? now : null })
    .where('id', '=', userId)
    .execute()
  return disabled ? deleteSessionsOf(trx, userId) : []
}

export async function setAdmin(db: Db, userId: string, admin: boolean): Promise<void> {
  await db.updateTable('users').set({ is_admin: admin ? 1 : 0 }).where('id', '=', userId).execute()
}

// --- Sessions ---

export async function insertSession(
  db: Db,
  input: { tokenHash: string; userId: string; now: number; expiresAt: number; userAgent: string },
): Promise<string> {
  const id = newSessionId()
  await db
    .insertInto('sessions')
    .values({
      token_hash: input.tokenHash,
      user_id: input.userId,
      created_at: input.now,
      expires_at: input.expiresAt,
      id,
      last_used_at: input.now,
      user_agent: [...input.userAgent].slice(0, LIMITS.userAgentMax).join(''),
    })
    .execute()
  return id
}

/** The user of a live session of an enabled account; records the use at most once a minute. */
export async function sessionUser(db: Db, tokenHash: string, now: number): Promise<UserRecord | null> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .selectAll('users')
    .select('sessions.last_used_at as session_used_at')
    .where('sessions.token_hash', '=', tokenHash)
    .where('sessions.expires_at', '>', now)
    .where('users.disabled_at', 'is', null)
    .executeTakeFirst()
  if (row === undefined) return null
  if (now - Number(row.session_used_at) >= SESSION_USE_GRANULARITY_MS) {
    await db
      .updateTable('sessions')
      .set({ last_used_at: now })
      .where('token_hash', '=', tokenHash)
      .where('last_used_at', '<=', now - SESSION_USE_GRANULARITY_MS)
      .execute()
  }
  const { session_used_at: _used, ...user } = row
  return toUser(user)
}

export async function sessionsOf(db: Db, userId: string, now: number): Promise<DeviceSessionRecord[]> {
  const rows = await db
    .selectFrom('sessions')
    .select(['id', 'token_hash', 'created_at', 'last_used_at', 'user_agent', 'expires_at'])
    .where('user_id', '=', userId)
    .where('expires_at', '>', now)
    .orderBy('last_used_at', 'desc')
    .orderBy('id')
    .execute()
  return rows.map((row) => ({
    id: row.id,
    tokenHash: row.token_hash,
    createdAt: Number(row.created_at),
    lastUsedAt: Number(row.last_used_at),
    userAgent: row.user_agent,
    expiresAt: Number(row.expires_at),
  }))
}

export async function deleteSessionById(db: Db, userId: string, sessionId: string): Promise<EndedSession | null> {
  const row = await db
    .deleteFrom('sessions')
    .where('id', '=', sessionId)
    .where('user_id', '=', userId)
    .returning(['token_hash', 'user_id'])
    .executeTakeFirst()
  return row ? { tokenHash: row.token_hash, userId: row.user_id } : null
}

export async function deleteSessionsOf(db: Db, userId: string, keepTokenHash?: string): Promise<EndedSession[]> {
  let query = db.deleteFrom('sessions').where('user_id', '=', userId)
  if (keepTokenHash !== undefined) query = query.where('token_hash', '!=', keepTokenHash)
  const rows = await query.returning(['token_hash', 'user_id']).execute()
  return rows.map((row) => ({ tokenHash: row.token_hash, userId: row.user_id }))
}

/** In chunks, so a long list stays within every driver's parameter limit. */
export async function liveSessionsAmong(db: Db, tokenHashes: readonly string[], now: number): Promise<Set<string>> {
  const live = new Set<string>()
  const unique = [...new Set(tokenHashes)]
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select('sessions.token_hash')
      .where('sessions.token_hash', 'in', unique.slice(i, i + 500))
      .where('sessions.expires_at', '>', now)
      .where('users.disabled_at', 'is', null)
      .execute()
    for (const row of rows) live.add(row.token_hash)
  }
  return live
}

// --- Blocks ---

export async function block(db: Db, blockerId: string, blockedId: string, now: number): Promise<void> {
  await db
    .insertInto('blocks')
    .values({ blocker_id: blockerId, blocked_id: blockedId, created_at: now })
    .onConflict((oc) => oc.columns(['blocker_id', 'blocked_id']).doNothing())
    .execute()
}

export async function unblock(db: Db, blockerId: string, blockedId: string): Promise<void> {
  await db.deleteFrom('blocks').where('blocker_id', '=', blockerId).where('blocked_id', '=', blockedId).execute()
}

export async function blockedUsers(db: Db, blockerId: string): Promise<UserRecord[]> {
  const rows = await db
    .selectFrom('blocks')
    .innerJoin('users', 'users.id', 'blocks.blocked_id')
    .selectAll('users')
    .where('blocks.blocker_id', '=', blockerId)
    .orderBy('blocks.created_at', 'desc')
    .orderBy('users.id')
    .execute()
  return rows.map(toUser)
}

export async function hasBlocked(db: Db, blockerId: string, blockedId: string): Promise<boolean> {
  const row = await db
    .selectFrom('blocks')
    .select('blocker_id')
    .where('blocker_id', '=', blockerId)
    .where('blocked_id', '=', blockedId)
    .executeTakeFirst()
  return row !== undefined
}

/** Everyone who blocked `userId` (the blocks_blocked index): whose presence the realtime server hides from them. */
export async function blockersOf(db: Db, userId: string): Promise<string[]> {
  const rows = await db.selectFrom('blocks').select('blocker_id').where('blocked_id', '=', userId).execute()
  return rows.map((row) => row.blocker_id)
}

/** Direct conversations are keyed by their two member ids, sorted and joined (sql-store.ts createConversation). */
export async function directConversationBetween(db: Db, a: string, b: string): Promise<string | null> {
  const row = await db
    .selectFrom('conversations')
    .select('id')
    .where('direct_key', '=', [a, b].sort().join(':'))
    .executeTakeFirst()
  return row?.id ?? null
}

export async function blockedInDirect(db: Db, conversationId: string, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('conversations')
    .innerJoin('members', 'members.conversation_id', 'conversations.id')
    .innerJoin('blocks', (join) => join.onRef('blocks.blocker_id', '=', 'members.user_id').on('blocks.blocked_id', '=', userId))
    .select('blocks.blocker_id')
    .where('conversations.id', '=', conversationId)
    .where('conversations.kind', '=', 'direct')
    .where('members.user_id', '!=', userId)
    .executeTakeFirst()
  return row !== undefined
}

/**
 * Of `conversationIds`, those `userId` may join the presence channel of: a
 * member, and not refused by blocking (a direct conversation whose other
 * member blocked them) — two queries for any number of channels (the batch
 * channel auth, design §5).
 */
export async function presenceAdmissions(db: Db, userId: string, conversationIds: readonly string[]): Promise<Map<string, 'admitted' | 'blocked'>> {
  const admissions = new Map<string, 'admitted' | 'blocked'>()
  if (conversationIds.length === 0) return admissions
  const memberOf = await db
    .selectFrom('members')
    .innerJoin('conversations', 'conversations.id', 'members.conversation_id')
    .select(['members.conversation_id as id', 'conversations.kind as kind'])
    .where('members.user_id', '=', userId)
    .where('members.conversation_id', 'in', [...conversationIds])
    .execute()
  for (const row of memberOf) admissions.set(row.id, 'admitted')
  const directs = memberOf.filter((row) => row.kind === 'direct').map((row) => row.id)
  if (directs.length === 0) return admissions
  const blocked = await db
    .selectFrom('members')
    .innerJoin('blocks', (join) => join.onRef('blocks.blocker_id', '=', 'members.user_id').on('blocks.blocked_id', '=', userId))
    .select('members.conversation_id as id')
    .where('members.conversation_id', 'in', directs)
    .where('members.user_id', '!=', userId)
    .execute()
  for (const row of blocked) admissions.set(row.id, 'blocked')
  return admissions
}

/** Of `others`, those who blocked `userId` (their presence is not theirs to see). */
export async function blockersAmong(db: Db, userId: string, others: readonly string[]): Promise<Set<string>> {
  if (others.length === 0) return new Set()
  const rows = await db
    .selectFrom('blocks')
    .select('blocker_id')
    .where('blocked_id', '=', userId)
    .where('blocker_id', 'in', [...others])
    .execute()
  return new Set(rows.map((row) => row.blocker_id))
}

// --- Invites ---

export async function insertInvite(db: Db, invite: NewInvite): Promise<void> {
  await db
    .insertInto('invites')
    .values({
      code_hash: invite.codeHash,
      created_by: invite.createdBy,
      created_at: invite.createdAt,
      expires_at: invite.expiresAt,
      used_by: null,
      used_at: null,
    })
    .execute()
}

