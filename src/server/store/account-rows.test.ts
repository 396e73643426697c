/**
 * People and administration in the store (account-rows.ts), on SQLite and
 * PostgreSQL: the first account is the admin (once, under a race), invites
 * are single use (under a race), sessions as devices, blocks, disabling.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { requirePostgres } from '../../../test/kit/services'
import { storeFactories, type StoreFactory } from '../../../test/support/store-factories'
import { SESSION_USE_GRANULARITY_MS } from './account-rows'
import { newId } from './ids'
import { RegistrationRefusedError, UsernameTakenError, type Admission, type Store, type UserRecord } from './store'

const postgresMissing = await requirePostgres('account store tests: the postgres variant')

function accountContract(factory: StoreFactory): void {
  let store: Store
  let cleanup: () => Promise<void>
  let n = 0
  beforeEach(async () => {
    ;({ store, cleanup } = await factory.open())
  })
  afterEach(async () => {
    await cleanup()
  })

  const newUser = (name = 'user') => ({ id: newId('u'), username: `${name}${++n}`, displayName: name, passwordHash: 'x', createdAt: 1 })
  const user = (name?: string, admission?: Admission): Promise<UserRecord> => store.createUser(newUser(name), admission)
  const refusal = async (promise: Promise<unknown>) => {
    const err = await promise.then(
      () => null,
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(RegistrationRefusedError)
    return (err as RegistrationRefusedError).reason
  }

  test('the first account is the admin; later ones are not; the flag survives a read', async () => {
    const first = await user()
    const second = await user()
    expect([first.admin, second.admin]).toEqual([true, false])
    expect((await store.userByUsername(first.username))?.admin).toBe(true)
    expect((await store.userById(second.id))?.admin).toBe(false)
    expect(first.disabledAt).toBeNull()
  })

  test('ten racing first registrations make exactly one admin', async () => {
    const created = await Promise.all(Array.from({ length: 10 }, () => user('racer', { registration: 'open', now: 5 })))
    expect(created.filter((u) => u.admin)).toHaveLength(1)
    const stored = await store.usersById(created.map((u) => u.id))
    expect(stored).toHaveLength(10)
    expect(stored.filter((u) => u.admin).map((u) => u.id)).toEqual(created.filter((u) => u.admin).map((u) => u.id))
  })

  test('on a closed server, of ten racing first registrations exactly one gets in, as admin', async () => {
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => user('closed', { registration: 'closed', now: 5 })))
    const admitted = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
    expect(admitted.map((u) => u.admin)).toEqual([true])
    for (const r of results) if (r.status === 'rejected') expect((r.reason as RegistrationRefusedError).reason).toBe('closed')
    expect(await store.searchUsers(undefined, 100)).toHaveLength(1)
  })

  test('after the first account: closed refuses, invite needs a valid unused code; open takes anyone', async () => {
    await user('first')
    expect(await refusal(user('x', { registration: 'closed', now: 10 }))).toBe('closed')
    expect(await refusal(user('x', { registration: 'invite', now: 10 }))).toBe('invite_missing')
    expect(await refusal(user('x', { registration: 'invite', inviteCodeHash: 'nope', now: 10 }))).toBe('invite_unknown')
    await store.createInvite({ codeHash: 'h1', createdBy: null, createdAt: 10, expiresAt: 100 })
    expect(await refusal(user('x', { registration: 'invite', inviteCodeHash: 'h1', now: 100 }))).toBe('invite_expired')
    const admitted = await user('x', { registration: 'invite', inviteCodeHash: 'h1', now: 99 })
    expect(admitted.admin).toBe(false)
    expect(await refusal(user('x', { registration: 'invite', inviteCodeHash: 'h1', now: 50 }))).toBe('invite_used')
    expect((await user('open', { registration: 'open', now: 10 })).admin).toBe(false)
    // Refusals store nothing: only first, the invited one and the open one exist.
    expect(await store.searchUsers(undefined, 100)).toHaveLength(3)
  })

  test('a taken username does not use up the invite', async () => {
    const first = await user('first')
    await store.createInvite({ codeHash: 'h2', createdBy: first.id, createdAt: 10, expiresAt: 100 })
    await expect(
      store.createUser({ ...newUser(), username: first.username.toUpperCase() }, { registration: 'invite', inviteCodeHash: 'h2', now: 20 }),
    ).rejects.toBeInstanceOf(UsernameTakenError)
    expect((await user('y', { registration: 'invite', inviteCodeHash: 'h2', now: 20 })).admin).toBe(false)
  })

  test('one invite, ten racing registrations: exactly one account', async () => {
    await user('first')
    await store.createInvite({ codeHash: 'h3', createdBy: null, createdAt: 10, expiresAt: 1_000 })
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => user('race', { registration: 'invite', inviteCodeHash: 'h3', now: 20 })),
    )
    const admitted = results.filter((r) => r.status === 'fulfilled')
    expect(admitted).toHaveLength(1)
    for (const r of results) {
      if (r.status === 'rejected') expect((r.reason as RegistrationRefusedError).reason).toBe('invite_used')
    }
    expect(await store.searchUsers('race', 100)).toHaveLength(1)
  })

  test('sessions: public ids, user agent cut to 200, list newest-used first, delete one of mine only', async () => {
    const [a, b] = [await user(), await user()]
    const id1 = await store.createSession('t1', a.id, 100, 10_000_000, 'x'.repeat(500))
    const id2 = await store.createSession('t2', a.id, 200, 10_000_000)
    await store.createSession('t3', b.id, 200, 10_000_000, 'B')
    expect(id1).not.toBe(id2)
    expect(id1).not.toContain('t1')
    const list = await store.sessionsOf(a.id, 300)
    expect(list.map((s) => s.id)).toEqual([id2, id1])
    expect(list[1]).toMatchObject({ tokenHash: 't1', createdAt: 100, lastUsedAt: 100, userAgent: 'x'.repeat(200) })
    expect(list[0]?.userAgent).toBe('')

    expect(await store.deleteSessionById(b.id, id1)).toBeNull()
    expect(await store.deleteSessionById(a.id, 'unknown')).toBeNull()
    expect(await store.deleteSessionById(a.id, id1)).toEqual({ tokenHash: 't1', userId: a.id })
    expect(await store.sessionUser('t1', 300)).toBeNull()
    expect((await store.sessionUser('t2', 300))?.id).toBe(a.id)
  })

  test('a session records its use at most once a minute', async () => {
    const a = await user()
    await store.createSession('t', a.id, 1_000, 10_000_000)
    const usedAt = async () => (await store.sessionsOf(a.id, 1_000))[0]?.lastUsedAt
    await store.sessionUser('t', 1_000 + SESSION_USE_GRANULARITY_MS - 1)
    expect(await usedAt()).toBe(1_000)
    await store.sessionUser('t', 1_000 + SESSION_USE_GRANULARITY_MS)
    expect(await usedAt()).toBe(1_000 + SESSION_USE_GRANULARITY_MS)
    await store.sessionUser('t', 1_000 + SESSION_USE_GRANULARITY_MS + 30_000)
    expect(await usedAt()).toBe(1_000 + SESSION_USE_GRANULARITY_MS)
  })

  test('every session but one ends; liveSessionsAmong tells which still are', async () => {
    const [a, b] = [await user(), await user()]
    for (const hash of ['a1', 'a2', 'a3']) await store.createSession(hash, a.id, 1, 1_000)
    await store.createSession('b1', b.id, 1, 1_000)
    const ended = await store.deleteSessionsOf(a.id, 'a2')
    expect(ended.map((s) => s.tokenHash).sort()).toEqual(['a1', 'a3'])
    expect(ended.every((s) => s.userId === a.id)).toBe(true)
    expect([...(await store.liveSessionsAmong(['a1', 'a2', 'a3', 'b1', 'zz'], 10))].sort()).toEqual(['a2', 'b1'])
    expect([...(await store.liveSessionsAmong(['a2', 'b1'], 1_000))]).toEqual([])
    expect(await store.deleteSessionsOf(a.id)).toEqual([{ tokenHash: 'a2', userId: a.id }])
  })

  test('disabling ends every session and refuses the token; enabling lets new sessions work', async () => {
    const a = await user()
    await store.createSession('d1', a.id, 1, 1_000)
    await store.createSession('d2', a.id, 1, 1_000)
    const ended = await store.setDisabled(a.id, true, 5)
    expect(ended).toHaveLength(2)
    expect((await store.userById(a.id))?.disabledAt).toBe(5)
    expect(await store.sessionUser('d1', 10)).toBeNull()
    expect(await store.setDisabled(a.id, false, 6)).toEqual([])
    expect((await store.userById(a.id))?.disabledAt).toBeNull()
    await store.createSession('d3', a.id, 10, 1_000)
    expect((await store.sessionUser('d3', 20))?.id).toBe(a.id)
  })

  test('profile, password and admin changes', async () => {
    const [, b] = [await user(), await user()]
    expect((await store.updateDisplayName(b.id, 'Émile Zola'))?.displayName).toBe('Émile Zola')
    expect((await store.searchUsers('émile', 10)).map((u) => u.id)).toEqual([b.id])
    expect(await store.updateDisplayName('u_missing', 'x')).toBeNull()
    await store.setPasswordHash(b.id, 'scrypt$new')
    expect((await store.userById(b.id))?.passwordHash).toBe('scrypt$new')
    await store.setAdmin(b.id, true)
    expect((await store.userById(b.id))?.admin).toBe(true)
  })

  test('blocks: idempotent both ways, listed newest first, one-way, and only direct conversations count', async () => {
    const [a, b, c] = [await user('a'), await user('b'), await user('c')]
    const direct = (
      await store.createConversation({ kind: 'direct', title: null, memberIds: [a.id, b.id], createdBy: a.id, now: 1 })
    ).conversation
    const pairGroup = (
      await store.createConversation({ kind: 'group', title: 'two', memberIds: [a.id, b.id], createdBy: a.id, now: 1 })
    ).conversation
    expect(await store.directConversationBetween(b.id, a.id)).toBe(direct.id)
    expect(await store.directConversationBetween(a.id, c.id)).toBeNull()

    await store.block(a.id, b.id, 10)
    await store.block(a.id, b.id, 11)
    await store.block(a.id, c.id, 12)
    expect((await store.blockedUsers(a.id)).map((u) => u.id)).toEqual([c.id, b.id])
    expect(await store.hasBlocked(a.id, b.id)).toBe(true)
    expect(await store.hasBlocked(b.id, a.id)).toBe(false)
    expect(await store.blockersOf(b.id)).toEqual([a.id])
    expect(await store.blockersOf(a.id)).toEqual([])
    expect(await store.blockedInDirect(direct.id, b.id)).toBe(true)
    expect(await store.blockedInDirect(direct.id, a.id)).toBe(false)
    expect(await store.blockedInDirect(pairGroup.id, b.id)).toBe(false)
    // The batch channel auth's one look: blocked in the direct conversation, admitted to the group, absent where not a member.
    expect(await store.presenceAdmissions(b.id, [direct.id, pairGroup.id, 'c_nope'])).toEqual(
      new Map([
        [direct.id, 'blocked'],
        [pairGroup.id, 'admitted'],
      ]),
    )
    expect(await store.presenceAdmissions(a.id, [direct.id, pairGroup.id])).toEqual(
      new Map([
        [direct.id, 'admitted'],
        [pairGroup.id, 'admitted'],
      ]),
    )
    expect(await store.presenceAdmissions(c.id, [direct.id])).toEqual(new Map())
    expect(await store.presenceAdmissions(b.id, [])).toEqual(new Map())

    // The blocker's presence is hidden from the blocked, not the other way round.
    expect([...(await store.contactsAmong(b.id, [a.id, b.id]))]).toEqual([b.id])
    expect([...(await store.contactsAmong(a.id, [b.id]))]).toEqual([b.id])

    await store.unblock(a.id, b.id)
    await store.unblock(a.id, b.id)
    expect(await store.blockedInDirect(direct.id, b.id)).toBe(false)
    expect(await store.presenceAdmissions(b.id, [direct.id])).toEqual(new Map([[direct.id, 'admitted']]))
    expect([...(await store.contactsAmong(b.id, [a.id]))]).toEqual([a.id])
    expect((await store.blockedUsers(a.id)).map((u) => u.id)).toEqual([c.id])
    expect(await store.blockersOf(b.id)).toEqual([])
    expect(await store.blockersOf(c.id)).toEqual([a.id])
  })
}

for (const factory of storeFactories) {
  describe.skipIf(factory.name === 'postgres' && postgresMissing !== null)(`${factory.name} account store`, () => accountContract(factory))
}
