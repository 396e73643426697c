/**
 * People and my account (docs/design.md §4.6): blocking, my profile and
 * password, my signed-in devices, invites. Online only, like the group
 * calls: offline they fail with `offline` and nothing is queued.
 *
 * Who I blocked is kept in the cache (ChatUser.blocked) from these calls and
 * from `GET /api/blocks` after every sync (`refreshBlocked`), since a block
 * made on another device of mine sends no event.
 */
import { changePasswordRequestSchema, updateMeRequestSchema, type DeviceSession, type Invite, type User } from '../../../shared/api'
import { ParleyError, type ChatUser } from '../../../shared/ipc'
import type { ApiClient } from '../api-client'
import type { Cache } from '../cache/types'

export interface PeopleCallsDeps {
  me: string
  api: ApiClient
  cache: Cache
  online<T>(what: string, call: () => Promise<T>): Promise<T>
  usersById(ids: readonly string[]): ChatUser[]
  /** These users' views changed (the `users` event). */
  emitUsers(ids: readonly string[]): void
  /** My own profile as the server now has it (the session's user follows). */
  onProfile(user: User): void
}

export class PeopleCalls {
  constructor(private readonly deps: PeopleCallsDeps) {}

  async setBlocked(userId: string, blocked: boolean): Promise<void> {
    if (userId === this.deps.me) throw new ParleyError('bad_request', 'You cannot block yourself')
    await this.deps.online(blocked ? 'Blocking someone' : 'Unblocking someone', () => this.deps.api.block(userId, blocked))
    this.deps.cache.setBlocked(userId, blocked)
    this.deps.emitUsers([userId])
  }

  /** The users I blocked, as the server says now (the cache follows). */
  async listBlocked(): Promise<ChatUser[]> {
    const users = await this.deps.online('The list of blocked people', () => this.deps.api.blocks())
    this.store(users)
    return this.deps.usersById(users.map((user) => user.id))
  }

  /** After a sync: blocks made on my other devices. Failures wait for the next sync. */
  async refreshBlocked(): Promise<void> {
    this.store(await this.deps.api.blocks())
  }

  private store(users: readonly User[]): void {
    this.deps.cache.upsertUsers(users)
    const changed = this.deps.cache.replaceBlocked(users.map((user) => user.id))
    if (changed.length > 0) this.deps.emitUsers(changed)
  }

  async updateProfile(displayName: string): Promise<ChatUser> {
    const parsed = updateMeRequestSchema.safeParse({ displayName })
    if (!parsed.success) throw new ParleyError('bad_request', parsed.error.issues[0]?.message ?? 'Invalid name')
    const user = await this.deps.online('Changing your name', () => this.deps.api.updateMe({ displayName: parsed.data.displayName as string }))
    this.profile(user)
    const [view] = this.deps.usersById([user.id])
    if (view === undefined) throw new ParleyError('internal', 'Your profile was not stored')
    return view
  }

  /** My profile from `GET /api/me` (after a sync: a name changed elsewhere, an admin flag given by `npm run admin`). */
  async refreshProfile(): Promise<void> {
    this.profile(await this.deps.api.me())
  }

  private profile(user: User): void {
    this.deps.cache.upsertUsers([user])
    this.deps.emitUsers([user.id])
    this.deps.onProfile(user)
  }

  /** Every other session of mine is signed out by the server. A wrong current password is `forbidden` (never a sign-out). */
  async changePassword(current: string, next: string): Promise<void> {
    const parsed = changePasswordRequestSchema.safeParse({ current, next })
    if (!parsed.success) throw new ParleyError('bad_request', parsed.error.issues[0]?.message ?? 'Invalid password')
    await this.deps.online('Changing your password', () => this.deps.api.changePassword(parsed.data))
  }

  listSessions(): Promise<DeviceSession[]> {
    return this.deps.online('The list of your devices', () => this.deps.api.sessions())
  }

  async revokeSession(sessionId: string): Promise<void> {
    await this.deps.online('Signing a device out', () => this.deps.api.revokeSession(sessionId))
  }

  createInvite(expiresInHours?: number): Promise<Invite> {
    return this.deps.online('Creating an invite', () => this.deps.api.createInvite(expiresInHours === undefined ? {} : { expiresInHours }))
  }
}
