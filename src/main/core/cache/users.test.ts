import { expect, test } from 'vitest'
import { tempCache } from '../../../../test/support/cache/temp-cache'

const alice = { id: 'u1', username: 'alice', displayName: 'Alice', online: true, lastSeenAt: null }
const bob = { id: 'u2', username: 'bob', displayName: 'bob', online: false, lastSeenAt: 5_000 }

test('upsertUsers stores profiles without presence; users() lists all by name', () => {
  const { cache } = tempCache()
  cache.upsertUsers([bob, alice])
  expect(cache.users()).toEqual([
    { id: 'u1', username: 'alice', displayName: 'Alice', lastSeenAt: null, blocked: false },
    { id: 'u2', username: 'bob', displayName: 'bob', lastSeenAt: 5_000, blocked: false },
  ])
})

test('a second upsert replaces the profile as the server reports it', () => {
  const { cache } = tempCache()
  cache.upsertUsers([alice])
  cache.upsertUsers([{ ...alice, displayName: 'Alice B.', lastSeenAt: 9_000 }])
  expect(cache.users(['u1'])).toEqual([{ id: 'u1', username: 'alice', displayName: 'Alice B.', lastSeenAt: 9_000, blocked: false }])
})

test('users(ids) answers in the order asked, skipping unknown ids and repeats', () => {
  const { cache } = tempCache()
  cache.upsertUsers([alice, bob])
  expect(cache.users(['u2', 'nobody', 'u1', 'u2']).map((user) => user.id)).toEqual(['u2', 'u1'])
  expect(cache.users([])).toEqual([])
})
