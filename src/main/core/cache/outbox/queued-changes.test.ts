/**
 * This user's changes to messages in the outbox (queued-changes.ts): shown at
 * once over the server's state, coalesced, durable, rolled back when refused.
 */
import { describe, expect, test } from 'vitest'
import { conversationDto, serverMessage, tempCache } from '../../../../../test/support/cache/temp-cache'
import { isChangeItem, type Cache, type ChangeItem } from '../types'

const changes = (cache: Cache): ChangeItem[] => cache.outbox().filter(isChangeItem)
const summary = (cache: Cache) => changes(cache).map((item) => [item.kind, item.body ?? item.emoji, item.kind === 'reaction' ? item.on : null])

function withMessages() {
  const temp = tempCache()
  temp.cache.storeMessages([
    serverMessage('c1', 1, { senderId: 'me', clientId: 'mine', body: 'helo' }),
    serverMessage('c1', 2, { senderId: 'bob', clientId: 'his', body: 'hi', reactions: [{ emoji: '👍', userIds: ['bob'] }] }),
  ])
  return temp
}

describe('queueChange', () => {
  test('two edits coalesce to the last; shown at once with editedAt', () => {
    const { cache } = withMessages()
    expect(cache.queueChange('c1', 'me:mine', { kind: 'edit', body: 'hello' }, 100)).toMatchObject({ ok: true, message: { body: 'hello', editedAt: 100 } })
    const second = cache.queueChange('c1', 'me:mine', { kind: 'edit', body: 'hello!' }, 200)
    expect(second).toMatchObject({ ok: true, message: { body: 'hello!', editedAt: 200, rev: 1 } })
    expect(summary(cache)).toEqual([['edit', 'hello!', null]])
    // The row keeps the server's text: only the view shows the edit (and search finds the server's).
    expect(cache.changeTarget(changes(cache)[0] as ChangeItem)?.body).toBe('helo')
  })

  test('a reaction toggled on and off is one row asking for what the server has', () => {
    const { cache } = withMessages()
    expect(cache.queueChange('c1', 'bob:his', { kind: 'reaction', emoji: '👍', on: true }, 1)).toMatchObject({
      ok: true,
      message: { reactions: [{ emoji: '👍', userIds: ['bob', 'me'] }] },
    })
    expect(cache.queueChange('c1', 'bob:his', { kind: 'reaction', emoji: '🎉', on: true }, 2)).toMatchObject({
      ok: true,
      message: { reactions: [{ emoji: '👍', userIds: ['bob', 'me'] }, { emoji: '🎉', userIds: ['me'] }] },
    })
    expect(cache.queueChange('c1', 'bob:his', { kind: 'reaction', emoji: '👍', on: false }, 3)).toMatchObject({
      ok: true,
      message: { reactions: [{ emoji: '👍', userIds: ['bob'] }, { emoji: '🎉', userIds: ['me'] }] },
    })
    expect(summary(cache)).toEqual([
      ['reaction', '👍', false],
      ['reaction', '🎉', true],
    ])
  })

  test('a delete supersedes queued edits and reactions; nothing more can be queued on it', () => {
    const { cache } = withMessages()
    cache.queueChange('c1', 'me:mine', { kind: 'edit', body: 'hello' }, 1)
    cache.queueChange('c1', 'me:mine', { kind: 'reaction', emoji: '❤️', on: true }, 2)
    expect(cache.queueChange('c1', 'me:mine', { kind: 'delete' }, 3)).toMatchObject({
      ok: true,
      message: { body: '', deletedAt: 3, reactions: [], mentions: [] },
    })
    expect(summary(cache)).toEqual([['delete', null, null]])
    expect(cache.queueChange('c1', 'me:mine', { kind: 'edit', body: 'again' }, 4)).toMatchObject({ ok: false, code: 'conflict' })
    expect(cache.queueChange('c1', 'me:mine', { kind: 'reaction', emoji: '👍', on: true }, 4)).toMatchObject({ ok: false, code: 'conflict' })
  })

  test('a group’s owner and admins may delete anyone’s message (not edit it); members may not; nobody changes a system message', () => {
    const { cache } = withMessages()
    const group = (role: 'owner' | 'admin' | 'member') =>
      conversationDto('c1', {
        kind: 'group',
        title: 'G',
        memberIds: ['me', 'bob'],
        members: [
          { userId: 'me', role },
          { userId: 'bob', role: role === 'owner' ? 'member' : 'owner' },
        ],
      })
    cache.upsertConversations([group('member')])
    expect(cache.queueChange('c1', 'bob:his', { kind: 'delete' }, 1)).toMatchObject({ ok: false, code: 'forbidden' })
    cache.upsertConversations([group('admin')])
    expect(cache.queueChange('c1', 'bob:his', { kind: 'edit', body: 'x' }, 1)).toMatchObject({ ok: false, code: 'forbidden' })
    expect(cache.queueChange('c1', 'bob:his', { kind: 'delete' }, 1)).toMatchObject({ ok: true, message: { deletedAt: 1, body: '' } })
    cache.storeMessages([
      serverMessage('c1', 3, { senderId: 'bob', clientId: 'sys', kind: 'system', system: { type: 'title_changed', actorId: 'bob', title: 'G' }, body: '' }),
    ])
    cache.upsertConversations([group('owner')])
    expect(cache.queueChange('c1', 'bob:sys', { kind: 'delete' }, 2)).toMatchObject({ ok: false, code: 'conflict' })
    expect(cache.queueChange('c1', 'bob:sys', { kind: 'reaction', emoji: '👍', on: true }, 2)).toMatchObject({ ok: false, code: 'conflict' })
    // A direct conversation has no admins.
    cache.upsertConversations([conversationDto('c1', { members: [{ userId: 'me', role: 'admin' }, { userId: 'bob', role: 'member' }] })])
    cache.storeMessages([serverMessage('c1', 4, { senderId: 'bob', clientId: 'other' })])
    expect(cache.queueChange('c1', 'bob:other', { kind: 'delete' }, 3)).toMatchObject({ ok: false, code: 'forbidden' })
  })

  test('refusals: someone else’s message, an unknown one, a failed one, a deleted one, a 21st emoji', () => {
    const { cache } = withMessages()
    expect(cache.queueChange('c1', 'bob:his', { kind: 'edit', body: 'x' }, 1)).toMatchObject({ ok: false, code: 'forbidden' })
    expect(cache.queueChange('c1', 'bob:his', { kind: 'delete' }, 1)).toMatchObject({ ok: false, code: 'forbidden' })
    expect(cache.queueChange('c1', 'bob:nope', { kind: 'reaction', emoji: '👍', on: true }, 1)).toMatchObject({ ok: false, code: 'not_found' })
    cache.addPending({ conversationId: 'c1', senderId: 'me', clientId: 'f1', body: 'x', createdAt: 1 })
    cache.markFailed('c1', 'f1', 'refused')
    expect(cache.queueChange('c1', 'me:f1', { kind: 'edit', body: 'y' }, 1)).toMatchObject({ ok: false, code: 'conflict' })
    cache.storeMessages([serverMessage('c1', 3, { body: '', deletedAt: 5 })])
    expect(cache.queueChange('c1', 'bob:c1-c3', { kind: 'reaction', emoji: '👍', on: true }, 1)).toMatchObject({ ok: false, code: 'conflict' })
    const emoji = [...'😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗😙😚🙂🤗']
    cache.storeMessages([serverMessage('c1', 4, { reactions: emoji.map((e) => ({ emoji: e, userIds: ['bob'] })) })])
    expect(cache.queueChange('c1', 'bob:c1-c4', { kind: 'reaction', emoji: '🤔', on: true }, 1)).toMatchObject({ ok: false, code: 'bad_request' })
    expect(cache.queueChange('c1', 'bob:c1-c4', { kind: 'reaction', emoji: '😀', on: true }, 1)).toMatchObject({ ok: true })
    expect(changes(cache)).toHaveLength(1)
  })
})

describe('the optimistic view over the server’s state', () => {
  test('a server update arriving while a change is queued does not make the change flicker away', () => {
    const { cache } = withMessages()
    cache.queueChange('c1', 'me:mine', { kind: 'edit', body: 'hello' }, 10)
    cache.storeMessages([serverMessage('c1', 1, { rev: 5, senderId: 'me', clientId: 'mine', body: 'helo', reactions: [{ emoji: '🎉', userIds: ['bob'] }] })])
    expect(cache.messageBySeq('c1', 1)).toMatchObject({ body: 'hello', editedAt: 10, rev: 5, reactions: [{ emoji: '🎉', userIds: ['bob'] }] })
  })

  test('a refused change rolls back to the server’s state, keeping the other queued changes', () => {
    const { cache } = withMessages()
    cache.queueChange('c1', 'me:mine', { kind: 'edit', body: 'hello' }, 10)
    cache.queueChange('c1', 'me:mine', { kind: 'reaction', emoji: '👍', on: true }, 11)
    const [edit] = changes(cache)
    expect(cache.refuseChange(edit as ChangeItem)).toMatchObject({ body: 'helo', editedAt: null, reactions: [{ emoji: '👍', userIds: ['me'] }] })
    expect(summary(cache)).toEqual([['reaction', '👍', true]])
  })

  test('a change of a pending message waits for its send and follows the row when the server’s copy arrives', () => {
    const { cache } = withMessages()
    const pending = cache.addPending({ conversationId: 'c1', senderId: 'me', clientId: 'p1', body: 'draft', createdAt: 50_000 })
    cache.queueChange('c1', pending.key, { kind: 'edit', body: 'final' }, 50_001)
    expect(changes(cache)).toMatchObject([{ kind: 'edit', messageId: null, messageState: 'pending', messageKey: 'me:p1' }])
    expect(cache.ownMessage('c1', 'p1')).toMatchObject({ body: 'final', state: 'pending' })
    cache.storeMessages([serverMessage('c1', 3, { id: 'srv-3', senderId: 'me', clientId: 'p1', body: 'draft', createdAt: 50_200 })])
    expect(changes(cache)).toMatchObject([{ kind: 'edit', messageId: 'srv-3', messageState: 'sent', body: 'final' }])
    expect(cache.outbox().filter((item) => item.kind === 'message')).toEqual([])
    // Discarding an unsent message takes its queued changes with it.
    const other = cache.addPending({ conversationId: 'c1', senderId: 'me', clientId: 'p2', body: 'x', createdAt: 50_300 })
    cache.queueChange('c1', other.key, { kind: 'reaction', emoji: '👍', on: true }, 1)
    cache.deleteUnsent('c1', 'p2')
    expect(summary(cache)).toEqual([['edit', 'final', null]])
  })

  test('completing a change that was changed again while on its way leaves it queued', () => {
    const { cache } = withMessages()
    cache.queueChange('c1', 'me:mine', { kind: 'edit', body: 'one' }, 1)
    const [sending] = changes(cache)
    cache.queueChange('c1', 'me:mine', { kind: 'edit', body: 'two' }, 2)
    cache.completeOutbox(sending as ChangeItem)
    expect(summary(cache)).toEqual([['edit', 'two', null]])
    cache.completeOutbox(changes(cache)[0] as ChangeItem)
    expect(changes(cache)).toEqual([])
  })

  test('queued changes survive a restart', () => {
    const temp = withMessages()
    temp.cache.queueChange('c1', 'me:mine', { kind: 'edit', body: 'hello' }, 10)
    temp.cache.queueChange('c1', 'bob:his', { kind: 'reaction', emoji: '👍', on: true }, 11)
    const cache = temp.reopen()
    expect(summary(cache)).toEqual([
      ['edit', 'hello', null],
      ['reaction', '👍', true],
    ])
    expect(cache.messages('c1', { limit: 10 }).map((m) => [m.body, m.reactions])).toEqual([
      ['hello', []],
      ['hi', [{ emoji: '👍', userIds: ['bob', 'me'] }]],
    ])
  })
})
