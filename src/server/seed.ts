/**
 * Demo users and conversations so a newcomer can log in at once — alice, bob
 * and carol, password `parley-demo`. Safe to run again: existing users and
 * conversations are kept, nothing is duplicated. `npm run seed` runs it.
 */
import { hashPassword } from './api/passwords'
import { newId } from './store/ids'
import type { Store, UserRecord } from './store/store'

export const DEMO_PASSWORD = 'parley-demo'

const DEMO_USERS = [
  { username: 'alice', displayName: 'Alice Martin' },
  { username: 'bob', displayName: 'Bob Chen' },
  { username: 'carol', displayName: 'Carol Díaz' },
] as const

async function ensureUser(store: Store, username: string, displayName: string): Promise<UserRecord> {
  const existing = await store.userByUsername(username)
  if (existing) return existing
  return store.createUser({
    id: newId('u'),
    username,
    displayName,
    passwordHash: await hashPassword(DEMO_PASSWORD),
    createdAt: Date.now(),
  })
}

export async function seed(store: Store): Promise<{ users: UserRecord[]; created: boolean }> {
  const users: UserRecord[] = []
  for (const { username, displayName } of DEMO_USERS) users.push(await ensureUser(store, username, displayName))
  const [alice, bob, carol] = users as [UserRecord, UserRecord, UserRecord]
  if ((await store.conversationPageOf(alice.id, { limit: 1 })).conversations.length > 0) return { users, created: false }

  const t0 = Date.now() - 60 * 60 * 1000
  const direct = await store.createConversation({
    kind: 'direct',
    title: null,
    memberIds: [alice.id, bob.id],
    createdBy: alice.id,
    now: t0,
  })
  const lines: [UserRecord, string][] = [
    [alice, 'Hi Bob! Did you get the slides?'],
    [bob, 'Yes, thanks — reviewing them now.'],
    [alice, 'Great. The demo is at 3 pm: https://example.com/demo'],
  ]
  for (const [i, [sender, body]] of lines.entries()) {
    await store.appendMessage({
      conversationId: direct.conversation.id,
      senderId: sender.id,
      clientId: `seed-direct-${i}`,
      body,
      now: t0 + (i + 1) * 60_000,
    })
  }
  const group = await store.createConversation({
    kind: 'group',
    title: 'Weekend plans',
    memberIds: [carol.id, alice.id, bob.id],
    createdBy: carol.id,
    now: t0 + 5 * 60_000,
  })
  const groupLines: [UserRecord, string][] = [
    [carol, 'Hiking on Saturday? ⛰️'],
    [bob, 'I’m in!'],
    [alice, '周六见 — see you Saturday'],
  ]
  for (const [i, [sender, body]] of groupLines.entries()) {
    await store.appendMessage({
      conversationId: group.conversation.id,
      senderId: sender.id,
      clientId: `seed-group-${i}`,
      body,
      now: t0 + (10 + i) * 60_000,
    })
  }
  return { users, created: true }
}
