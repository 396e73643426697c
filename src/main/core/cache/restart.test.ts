import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'
import { conversationDto, serverMessages, tempCache } from '../../../../test/support/cache/temp-cache'

test('close and reopen keeps everything: pending messages and the outbox survive a restart', async () => {
  const temp = tempCache()
  const before = temp.cache
  before.upsertUsers([{ id: 'me', username: 'me', displayName: 'Me', online: true, lastSeenAt: null }])
  before.upsertConversations([conversationDto('c1', { markers: { bob: { readSeq: 2, deliveredSeq: 3 } } })])
  before.setLeft('c1', 95_000)
  before.setDraft('c1', 'unsent thought', 95_000)
  before.setBlocked('bob', true)
  before.applyMarker('c1', 'me', { readSeq: 1, deliveredSeq: 3 })
  before.storeMessages(serverMessages('c1', 1, 3))
  before.addPending({ conversationId: 'c1', senderId: 'me', clientId: 'pending', body: '还没发出去', createdAt: 90_000 })
  before.addPending({ conversationId: 'c1', senderId: 'me', clientId: 'failed', body: 'refused', createdAt: 90_001 })
  before.markFailed('c1', 'failed', 'Body too long')
  before.enqueueMarker('c1', 'read', 3)
  before.rescheduleOutbox(before.outbox()[1]?.id ?? -1, 99_000, 'offline')
  before.setSetting('theme', 'dark')

  const snapshot = async (cache: typeof before) => ({
    users: cache.users(),
    conversations: cache.conversations(),
    messages: cache.messages('c1', { limit: 50 }),
    outbox: cache.outbox(),
    unread: cache.unreadCount('c1'),
    search: (await cache.search('没发', 10)),
    theme: cache.getSetting('theme'),
    draft: cache.draft('c1'),
    blocked: cache.blockedIds(),
  })
  const expected = await snapshot(before)
  expect(expected.outbox).toHaveLength(2)
  expect(expected.messages.map((m) => m.state)).toEqual(['sent', 'sent', 'sent', 'pending', 'failed'])

  const after = temp.reopen()
  expect(() => before.messages('c1', { limit: 1 })).toThrow()
  expect(await snapshot(after)).toEqual(expected)
  after.close()
  after.close()
})

test('a crash (SIGKILL, no close) loses nothing that was committed', async () => {
  const temp = tempCache()
  temp.cache.close()
  // A separate process writes through the cache and is killed without closing it.
  const script = `
    import { openCache } from ${JSON.stringify(fileURLToPath(new URL('./index.ts', import.meta.url)))}
    const cache = openCache({ path: ${JSON.stringify(temp.path)}, me: 'me' })
    cache.storeMessages([{ id: 's1', conversationId: 'c1', seq: 1, rev: 1, senderId: 'bob', clientId: 'b1', body: 'from bob', createdAt: 5, editedAt: null, deletedAt: null, replyTo: null, reactions: [], mentions: [], attachments: [] }])
    cache.addPending({ conversationId: 'c1', senderId: 'me', clientId: 'k1', body: 'unsent 未发送', createdAt: 10 })
    cache.enqueueMarker('c1', 'read', 1)
    process.kill(process.pid, 'SIGKILL')
  `
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: fileURLToPath(new URL('../../../..', import.meta.url)),
    encoding: 'utf8',
  })
  expect(child.signal, child.stderr).toBe('SIGKILL')
  const cache = temp.reopen()
  expect(cache.messages('c1', { limit: 10 }).map((m) => [m.body, m.state])).toEqual([
    ['from bob', 'sent'],
    ['unsent 未发送', 'pending'],
  ])
  expect(cache.outbox().map((item) => item.kind)).toEqual(['message', 'read'])
  expect((await cache.search('未发送', 5)).map((hit) => hit.messageKey)).toEqual(['me:k1'])
})
