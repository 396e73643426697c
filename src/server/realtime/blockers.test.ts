import { expect, test } from 'vitest'
import { Blockers } from './blockers'

/** A store read the test answers by hand, counting how often it was asked. */
function manualLoad() {
  const asked: string[] = []
  let answer: ((ids: string[]) => void) | null = null
  let fail: ((err: Error) => void) | null = null
  const load = (userId: string) => {
    asked.push(userId)
    return new Promise<string[]>((resolve, reject) => {
      answer = resolve
      fail = reject
    })
  }
  return {
    load,
    asked,
    answer: (ids: string[]) => answer?.(ids),
    fail: (err: Error) => fail?.(err),
  }
}

test('read once per user for concurrent subscribes; delivery asks only the inverse map', async () => {
  const blockers = new Blockers()
  const store = manualLoad()
  const first = blockers.acquire('bob', store.load)
  const second = blockers.acquire('bob', store.load)
  store.answer(['alice', 'bob'])
  await Promise.all([first, second])
  expect(store.asked).toEqual(['bob'])
  // Nobody blocks themself, even if the store said so.
  expect([...(blockers.blockersOf('bob') ?? [])]).toEqual(['alice'])
  expect([...(blockers.hiddenFrom('alice') ?? [])]).toEqual(['bob'])
  expect(blockers.hiddenFrom('bob')).toBeUndefined()
  expect(blockers.hiddenFrom('carol')).toBeUndefined()
  await blockers.acquire('bob', store.load)
  expect(store.asked).toEqual(['bob'])
})

test('kept while the user is in a presence channel here or a subscribe is answered, then forgotten with the inverse', async () => {
  const blockers = new Blockers()
  const load = () => Promise.resolve(['alice'])
  await blockers.acquire('bob', load)
  blockers.entered('bob', 'presence-a')
  blockers.entered('bob', 'presence-b')
  blockers.release('bob')
  blockers.left('bob', 'presence-a')
  expect(blockers.blockersOf('bob')).toBeDefined()
  blockers.left('bob', 'presence-b')
  expect(blockers.blockersOf('bob')).toBeUndefined()
  expect(blockers.hiddenFrom('alice')).toBeUndefined()
  // A subscribe that failed to join (no channel entered) lets go too.
  await blockers.acquire('bob', load)
  blockers.release('bob')
  expect(blockers.blockersOf('bob')).toBeUndefined()
  // Unknown users and channels are nothing to do.
  blockers.release('nobody')
  blockers.left('nobody', 'presence-a')
  blockers.entered('nobody', 'presence-a')
  expect(blockers.blockersOf('nobody')).toBeUndefined()
})

test('changes name the channels to tell, once per real change, only for users held here', async () => {
  const blockers = new Blockers()
  await blockers.acquire('bob', () => Promise.resolve([]))
  blockers.entered('bob', 'presence-a')
  blockers.entered('bob', 'presence-b')
  expect(blockers.changed('alice', 'bob', true)).toEqual(['presence-a', 'presence-b'])
  expect(blockers.changed('alice', 'bob', true)).toEqual([])
  expect([...(blockers.hiddenFrom('alice') ?? [])]).toEqual(['bob'])
  expect(blockers.changed('alice', 'carol', true)).toEqual([])
  expect(blockers.hiddenFrom('alice')?.has('carol')).toBe(false)
  expect(blockers.changed('bob', 'bob', true)).toEqual([])
  expect(blockers.changed('alice', 'bob', false)).toEqual(['presence-a', 'presence-b'])
  expect(blockers.changed('alice', 'bob', false)).toEqual([])
  expect(blockers.hiddenFrom('alice')).toBeUndefined()
})

test('changes that arrive during the read are replayed over its answer, in order', async () => {
  const blockers = new Blockers()
  const store = manualLoad()
  const held = blockers.acquire('bob', store.load)
  expect(blockers.changed('alice', 'bob', true)).toEqual([])
  expect(blockers.changed('carol', 'bob', true)).toEqual([])
  expect(blockers.changed('carol', 'bob', false)).toEqual([])
  expect(blockers.changed('dave', 'bob', false)).toEqual([])
  // The read predates every change: dave's block, then his unblock.
  store.answer(['dave'])
  await held
  expect([...(blockers.blockersOf('bob') ?? [])].sort()).toEqual(['alice'])
  expect(blockers.hiddenFrom('dave')).toBeUndefined()
})

test('a failed read refuses every subscribe waiting for it and is tried again by the next', async () => {
  const blockers = new Blockers()
  const store = manualLoad()
  const first = blockers.acquire('bob', store.load)
  const second = blockers.acquire('bob', store.load)
  store.fail(new Error('store down'))
  await expect(first).rejects.toThrow('store down')
  await expect(second).rejects.toThrow('store down')
  expect(blockers.blockersOf('bob')).toBeUndefined()
  blockers.release('bob')
  const again = blockers.acquire('bob', store.load)
  store.answer(['alice'])
  await again
  expect(store.asked).toEqual(['bob', 'bob'])
  expect([...(blockers.blockersOf('bob') ?? [])]).toEqual(['alice'])
})
