import { expect, test } from 'vitest'
import type { ChatConversation } from '../../../shared/ipc'
import { conversationDto, serverMessages, tempCache } from '../../../../test/support/cache/temp-cache'
import { EventHub } from '../event-hub'
import type { AccountEvents } from './account-events'
import { BADGE_INTERVAL_MS, ConversationUpdates, VIEWS_PER_TURN } from './conversation-updates'

const nextTurn = () => new Promise((resolve) => setTimeout(resolve, 5))

function setUp(count: number) {
  const { cache } = tempCache({ me: 'me' })
  const ids = Array.from({ length: count }, (_, i) => `c${i}`)
  cache.upsertConversations(ids.map((id) => conversationDto(id, { memberIds: ['me', 'bob'] })))
  for (const id of ids) cache.storeMessages(serverMessages(id, 1, 3, { senderId: 'bob' }))
  const events = new EventHub<AccountEvents>()
  const sends: ChatConversation[][] = []
  events.on('conversations', (views) => sends.push(views))
  const badges: number[] = []
  events.on('unreadChanged', () => badges.push(performance.now()))
  const updates = new ConversationUpdates(cache, 'me', events, () => Date.now())
  return { cache, ids, sends, badges, updates }
}

test('a sync that changed many conversations sends their views a turn at a time, each once, all of them', async () => {
  const { ids, sends, updates } = setUp(VIEWS_PER_TURN * 2 + 5)
  updates.changedBySync(ids)
  // The first send goes at once, with at most VIEWS_PER_TURN views: building them all held the thread.
  expect(sends).toHaveLength(1)
  expect(sends[0]).toHaveLength(VIEWS_PER_TURN)
  for (let turn = 0; turn < 10 && sends.flat().length < ids.length; turn++) await nextTurn()
  expect(sends.map((views) => views.length)).toEqual([VIEWS_PER_TURN, VIEWS_PER_TURN, 5])
  const sent = sends.flat().map((view) => view.id)
  expect(new Set(sent).size).toBe(ids.length)
  expect(sent.sort()).toEqual([...ids].sort())
  expect(sends.flat().every((view) => view.unreadCount === 3)).toBe(true)
  updates.stop()
})

test('the conversation a user action names goes out in the first send, ahead of what sync left waiting', async () => {
  const { ids, sends, updates } = setUp(VIEWS_PER_TURN + 10)
  updates.changedBySync(ids.slice(0, VIEWS_PER_TURN + 5))
  const last = ids.at(-1) as string
  updates.send([last])
  // The first send (from changedBySync) is full; the user's conversation comes first in the next one, not after the backlog.
  expect(sends[1]?.[0]?.id).toBe(last)
  updates.stop()
  await nextTurn()
  expect(sends).toHaveLength(2)
})

test('conversationCounters and markerOf read one row each, as conversation() reports them', () => {
  const { cache } = setUp(1)
  cache.applyMarker('c0', 'me', { readSeq: 2, deliveredSeq: 3 })
  cache.raiseLastRev('c0', 3)
  const whole = cache.conversation('c0')
  expect(cache.conversationCounters('c0')).toEqual({ lastSeq: whole?.lastSeq, lastRev: 3, serverLastRev: whole?.serverLastRev, leftAt: null })
  expect(cache.markerOf('c0', 'me')).toEqual({ readSeq: 2, deliveredSeq: 3 })
  expect(cache.markerOf('c0', 'nobody')).toEqual({ readSeq: 0, deliveredSeq: 0 })
  cache.setLeft('c0', 1234)
  expect(cache.conversationCounters('c0')?.leftAt).toBe(1234)
  expect(cache.conversationCounters('unknown')).toBeNull()
})

test('while sync writes, the unread total goes out at most once per BADGE_INTERVAL_MS and after the last change; a user action at once', async () => {
  const { ids, badges, updates } = setUp(3)
  const started = performance.now()
  // Sync changes something every 20 ms for a while: views every 50 ms, the total far less often.
  let lastChange = 0
  for (let i = 0; i < 30; i++) {
    lastChange = performance.now()
    updates.changedBySync([ids[i % 3] as string])
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  const during = performance.now() - started
  const sent = badges.length
  expect(sent).toBeGreaterThanOrEqual(1)
  expect(sent).toBeLessThanOrEqual(Math.ceil(during / BADGE_INTERVAL_MS) + 1)
  for (let i = 1; i < badges.length; i++) expect((badges[i] as number) - (badges[i - 1] as number)).toBeGreaterThanOrEqual(BADGE_INTERVAL_MS - 2)
  // The last change is followed by one.
  await new Promise((resolve) => setTimeout(resolve, BADGE_INTERVAL_MS + 100))
  expect(badges.at(-1)).toBeGreaterThanOrEqual(lastChange)
  // A user action: at once, whenever the last one went.
  const before = badges.length
  updates.send([ids[0] as string])
  expect(badges).toHaveLength(before + 1)
  updates.stop()
})
