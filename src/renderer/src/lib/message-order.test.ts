import { describe, expect, it } from 'vitest'
import { compareMessages, lowestSeq, mergeMessages, removeMessages } from './message-order'
import { pending, sent } from '../../../../test/support/renderer/chat-messages'

const keys = (list: readonly { key: string }[]) => list.map((message) => message.key)

describe('mergeMessages', () => {
  it('orders sent messages by seq and unsent own messages after them, by time', () => {
    const merged = mergeMessages([], [pending('b', 20), sent(3), pending('a', 10), sent(1), sent(2)])
    expect(keys(merged)).toEqual(['bob:c1', 'bob:c2', 'bob:c3', 'me:a', 'me:b'])
  })

  it('replaces a pending message by its sent copy (same key), moving it into seq order', () => {
    const before = mergeMessages([], [sent(1), pending('x', 5), sent(2)])
    const serverCopy = { ...sent(3, 'me'), key: 'me:x', clientId: 'x', body: 'draft x' }
    const after = mergeMessages(before, [serverCopy, sent(4)])
    expect(keys(after)).toEqual(['bob:c1', 'bob:c2', 'me:x', 'bob:c4'])
    expect(after.find((message) => message.key === 'me:x')).toMatchObject({ state: 'sent', seq: 3, id: 'm3' })
  })

  it('sees a file finish downloading (same rev, new downloaded / fileUrl) and nothing else as a change', () => {
    const file = { key: 'a1', id: 'a1', name: 'photo.jpg', size: 10, mime: 'image/jpeg', width: 4, height: 3, previewUrl: '/media/thumbnail/a1', downloaded: false, fileUrl: null }
    const list = mergeMessages([], [{ ...sent(1), attachments: [file] }])
    expect(mergeMessages(list, [{ ...sent(1), attachments: [{ ...file }] }])).toBe(list)
    const downloaded = mergeMessages(list, [{ ...sent(1), attachments: [{ ...file, downloaded: true, fileUrl: '/media/file/a1' }] }])
    expect(downloaded).not.toBe(list)
    expect(downloaded[0]?.attachments[0]?.fileUrl).toBe('/media/file/a1')
  })

  it('is idempotent: merging the same messages again returns the same array', () => {
    const once = mergeMessages([], [sent(1), sent(2), pending('p', 9)])
    expect(mergeMessages(once, [sent(2), sent(1), pending('p', 9)])).toBe(once)
    expect(mergeMessages(once, [])).toBe(once)
  })

  it('keeps the objects of unchanged messages (memoized rows do not re-render)', () => {
    const first = sent(1)
    const list = mergeMessages([], [first, sent(2)])
    const next = mergeMessages(list, [sent(3)])
    expect(next[0]).toBe(first)
  })

  it('takes the newer state of a message (pending → failed → pending)', () => {
    const list = mergeMessages([], [pending('p', 1)])
    const failed = mergeMessages(list, [{ ...pending('p', 1), state: 'failed', error: 'too long' }])
    expect(failed[0]).toMatchObject({ state: 'failed', error: 'too long' })
    expect(mergeMessages(failed, [pending('p', 1)])[0]).toMatchObject({ state: 'pending', error: null })
  })

  it('prepends an older page without duplicates', () => {
    const latest = mergeMessages([], [sent(51), sent(52), sent(53)])
    const withOlder = mergeMessages(latest, [sent(49), sent(50), sent(51)])
    expect(withOlder.map((message) => message.seq)).toEqual([49, 50, 51, 52, 53])
  })

  it('handles duplicates inside one batch', () => {
    expect(keys(mergeMessages([], [sent(1), sent(1), sent(2)]))).toEqual(['bob:c1', 'bob:c2'])
  })

  it('stays fast on 10,000 messages', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => sent(i + 1))
    const list = mergeMessages([], many)
    const started = performance.now()
    for (let i = 0; i < 50; i++) mergeMessages(list, [sent(10_001 + i)])
    expect(performance.now() - started).toBeLessThan(1_000)
  })
})

describe('removeMessages', () => {
  it('removes by key, and returns the same array when nothing matched', () => {
    const list = mergeMessages([], [sent(1), pending('p', 5)])
    expect(keys(removeMessages(list, ['me:p']))).toEqual(['bob:c1'])
    expect(removeMessages(list, ['nope'])).toBe(list)
    expect(removeMessages(list, [])).toBe(list)
  })
})

describe('compareMessages and lowestSeq', () => {
  it('breaks ties between unsent messages of the same time by key', () => {
    expect(compareMessages(pending('a', 1), pending('b', 1))).toBeLessThan(0)
  })

  it('finds the lowest seq held', () => {
    expect(lowestSeq(mergeMessages([], [sent(7), sent(5), pending('p', 1)]))).toBe(5)
    expect(lowestSeq([pending('p', 1)])).toBeNull()
  })
})

describe('mergeMessages with whole pages', () => {
  it('merges a large unordered batch, replacing pending messages by key', () => {
    const base = mergeMessages([], [sent(1), pending('p', 5)])
    const page = Array.from({ length: 100 }, (_, i) => sent(100 - i)).concat([{ ...sent(101, 'me'), key: 'me:p', clientId: 'p' }])
    const merged = mergeMessages(base, page)
    expect(merged.map((message) => message.seq)).toEqual(Array.from({ length: 101 }, (_, i) => i + 1))
    expect(merged.at(-1)?.key).toBe('me:p')
    expect(mergeMessages(merged, page)).toBe(merged)
  })
})
