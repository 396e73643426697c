import { describe, expect, test } from 'vitest'
import { MUTE_FOREVER } from '../../../../shared/api'
import { conversationDto, serverMessage, serverMessages, tempCache } from '../../../../../test/support/cache/temp-cache'

describe('upsertConversations', () => {
  test('stores what the server reports and reads it back', () => {
    const { cache } = tempCache()
    cache.upsertConversations([
      conversationDto('c1', {
        kind: 'group',
        title: 'Hikers',
        memberIds: ['me', 'bob', 'carol'],
        lastSeq: 7,
        lastRev: 9,
        markers: { me: { readSeq: 5, deliveredSeq: 7 }, bob: { readSeq: 7, deliveredSeq: 7 } },
        createdAt: 100,
        lastActivityAt: 2_000,
      }),
    ])
    expect(cache.conversation('c1')).toEqual({
      id: 'c1',
      kind: 'group',
      title: 'Hikers',
      memberIds: ['me', 'bob', 'carol'],
      // A server before issue 19 sends no roles: everyone is a member.
      members: [
        { userId: 'me', role: 'member' },
        { userId: 'bob', role: 'member' },
        { userId: 'carol', role: 'member' },
      ],
      lastSeq: 7,
      // Nothing fetched yet: the cache is up to date after changedAfter=0; the server reported 9.
      lastRev: 0,
      serverLastRev: 9,
      markers: { me: { readSeq: 5, deliveredSeq: 7 }, bob: { readSeq: 7, deliveredSeq: 7 } },
      createdAt: 100,
      lastActivityAt: 2_000,
      mutedUntil: null,
      leftAt: null,
    })
    expect(cache.conversation('nope')).toBeNull()
  })

  test('replaces members with their roles and my mute, max-merges markers and lastSeq', () => {
    const { cache } = tempCache()
    cache.upsertConversations([
      conversationDto('c1', {
        memberIds: ['me', 'bob', 'carol'],
        lastSeq: 9,
        markers: { me: { readSeq: 8, deliveredSeq: 9 } },
        mutedUntil: 50_000,
      }),
    ])
    expect(cache.conversation('c1')?.mutedUntil).toBe(50_000)
    cache.upsertConversations([
      conversationDto('c1', {
        kind: 'group',
        title: 'Renamed',
        memberIds: ['carol', 'me'],
        members: [
          { userId: 'carol', role: 'owner' },
          { userId: 'me', role: 'admin' },
        ],
        lastSeq: 4,
        markers: { me: { readSeq: 3, deliveredSeq: 12 }, carol: { readSeq: 2, deliveredSeq: 2 } },
      }),
    ])
    const conversation = cache.conversation('c1')
    expect(conversation?.title).toBe('Renamed')
    expect(conversation?.memberIds).toEqual(['carol', 'me'])
    expect(conversation?.members).toEqual([
      { userId: 'carol', role: 'owner' },
      { userId: 'me', role: 'admin' },
    ])
    expect(conversation?.lastSeq).toBe(9)
    expect(conversation?.markers).toEqual({ me: { readSeq: 8, deliveredSeq: 12 }, carol: { readSeq: 2, deliveredSeq: 2 } })
    // My mute is the server's word: its answer without one unmutes.
    expect(conversation?.mutedUntil).toBeNull()
    expect(cache.conversations()[0]?.members).toEqual(conversation?.members)
  })

  test('left: set once (the first time counts), cleared by a listing that names me again, not by one that does not', () => {
    const { cache } = tempCache()
    cache.upsertConversations([conversationDto('c1', { kind: 'group', memberIds: ['me', 'bob'] })])
    cache.setLeft('c1', 5_000)
    cache.setLeft('c1', 6_000)
    expect(cache.conversation('c1')?.leftAt).toBe(5_000)
    cache.upsertConversations([conversationDto('c1', { kind: 'group', memberIds: ['bob', 'carol'] })])
    expect(cache.conversation('c1')?.leftAt).toBe(5_000)
    cache.upsertConversations([conversationDto('c1', { kind: 'group', memberIds: ['bob', 'me'] })])
    expect(cache.conversation('c1')?.leftAt).toBeNull()
    cache.setLeft('c1', 7_000)
    cache.setLeft('c1', null)
    expect(cache.conversation('c1')?.leftAt).toBeNull()
  })

  test('returns the ids whose state changed: a report that repeats the cache changes none', () => {
    const { cache } = tempCache()
    const base = conversationDto('c1', {
      kind: 'group',
      title: 'Hikers',
      memberIds: ['me', 'bob'],
      members: [
        { userId: 'me', role: 'owner' },
        { userId: 'bob', role: 'member' },
      ],
      lastSeq: 4,
      lastRev: 6,
      markers: { bob: { readSeq: 2, deliveredSeq: 4 } },
      lastActivityAt: 2_000,
    })
    expect(cache.upsertConversations([base, conversationDto('c2')])).toEqual(['c1', 'c2'])
    expect(cache.upsertConversations([base, conversationDto('c2')])).toEqual([])
    // Behind the cache (an older report): max-merged, so nothing changes either.
    expect(cache.upsertConversations([{ ...base, lastSeq: 3, lastRev: 5, lastActivityAt: 1_500, markers: { bob: { readSeq: 1, deliveredSeq: 1 } } }])).toEqual([])
    const changes: [string, Partial<typeof base>][] = [
      ['title', { title: 'Climbers' }],
      ['lastSeq', { lastSeq: 5 }],
      ['lastRev', { lastRev: 7 }],
      ['activity', { lastActivityAt: 2_500 }],
      ['mute', { mutedUntil: MUTE_FOREVER }],
      ['marker', { markers: { bob: { readSeq: 4, deliveredSeq: 4 } } }],
      ['a marker of someone new', { markers: { carol: { readSeq: 1, deliveredSeq: 1 } } }],
      ['role', { members: [{ userId: 'me', role: 'owner' }, { userId: 'bob', role: 'admin' }] }],
      ['members', { memberIds: ['me', 'bob', 'carol'], members: [{ userId: 'me', role: 'owner' }, { userId: 'bob', role: 'admin' }, { userId: 'carol', role: 'member' }] }],
    ]
    let current = base
    for (const [what, change] of changes) {
      current = { ...current, ...change }
      expect(cache.upsertConversations([current]), what).toEqual(['c1'])
      expect(cache.upsertConversations([current]), `${what}, again`).toEqual([])
    }
    expect(cache.conversation('c1')).toMatchObject({ title: 'Climbers', lastSeq: 5, serverLastRev: 7, lastActivityAt: 2_500, mutedUntil: MUTE_FOREVER })
    // Left, then listed again: it changed (the view stops saying left).
    cache.setLeft('c1', 3_000)
    expect(cache.upsertConversations([current])).toEqual(['c1'])
    expect(cache.conversation('c1')?.leftAt).toBeNull()
  })

  test('pendingMutes: mutes still to pass, not forever ones nor those of groups I left', () => {
    const { cache } = tempCache()
    cache.upsertConversations([
      conversationDto('soon', { mutedUntil: 5_000 }),
      conversationDto('passed', { mutedUntil: 500 }),
      conversationDto('forever', { mutedUntil: MUTE_FOREVER }),
      conversationDto('left', { kind: 'group', mutedUntil: 6_000 }),
      conversationDto('plain'),
    ])
    cache.setLeft('left', 900)
    expect(cache.pendingMutes(1_000)).toEqual(new Map([['soon', 5_000]]))
  })

  test('never deletes a conversation the server no longer lists', () => {
    const { cache } = tempCache()
    cache.upsertConversations([conversationDto('c1'), conversationDto('c2')])
    cache.upsertConversations([conversationDto('c2')])
    expect(cache.conversations().map((c) => c.id).sort()).toEqual(['c1', 'c2'])
  })
})

describe('activity and order', () => {
  test('conversationPage: pages in the order of conversations(), ties by id, pending activity counted, each with its members and markers', () => {
    const { cache } = tempCache()
    // 23 conversations, some on the same activity, one raised by a pending message.
    cache.upsertConversations(
      Array.from({ length: 23 }, (_, i) =>
        conversationDto(`c${String(i).padStart(2, '0')}`, {
          lastActivityAt: 1_000 * Math.floor(i / 3),
          memberIds: ['me', `u${i}`],
          markers: { [`u${i}`]: { readSeq: i, deliveredSeq: i } },
        }),
      ),
    )
    cache.addPending({ conversationId: 'c04', senderId: 'me', clientId: 'p1', body: 'hi', createdAt: 50_000 })
    const all = cache.conversations()
    for (const limit of [1, 5, 7, 23, 100]) {
      const paged = []
      let page = cache.conversationPage(null, limit)
      for (;;) {
        paged.push(...page)
        const last = page.at(-1)
        if (page.length < limit || last === undefined) break
        page = cache.conversationPage({ lastActivityAt: last.lastActivityAt, id: last.id }, limit)
      }
      expect(paged, `pages of ${limit}`).toEqual(all)
    }
    expect(cache.conversationPage(null, 2).map((c) => c.id)).toEqual(['c04', 'c21'])
    expect(cache.conversationPage(null, 1)[0]).toMatchObject({ memberIds: ['me', 'u4'], markers: { u4: { readSeq: 4, deliveredSeq: 4 } } })
    expect(cache.conversationPage({ lastActivityAt: 0, id: 'c02' }, 10)).toEqual([])
  })

  test('conversations() lists the newest activity first; stored messages raise it and lastSeq', () => {
    const { cache } = tempCache()
    cache.upsertConversations([
      conversationDto('old', { lastActivityAt: 1_000 }),
      conversationDto('mid', { lastActivityAt: 5_000 }),
      conversationDto('new', { lastActivityAt: 9_000 }),
    ])
    expect(cache.conversations().map((c) => c.id)).toEqual(['new', 'mid', 'old'])
    cache.storeMessages([serverMessage('old', 1, { createdAt: 20_000 }), serverMessage('old', 2, { createdAt: 20_500 })])
    expect(cache.conversations().map((c) => c.id)).toEqual(['old', 'new', 'mid'])
    expect(cache.conversation('old')).toMatchObject({ lastActivityAt: 20_500, lastSeq: 2 })
  })

  test("a pending message's createdAt counts as activity, and stops counting once it is deleted", () => {
    const { cache } = tempCache()
    cache.upsertConversations([conversationDto('a', { lastActivityAt: 1_000 }), conversationDto('b', { lastActivityAt: 5_000 })])
    cache.addPending({ conversationId: 'a', senderId: 'me', clientId: 'p1', body: 'hi', createdAt: 8_000 })
    expect(cache.conversations().map((c) => [c.id, c.lastActivityAt])).toEqual([
      ['a', 8_000],
      ['b', 5_000],
    ])
    expect(cache.conversation('a')?.lastActivityAt).toBe(8_000)
    cache.deleteUnsent('a', 'p1')
    expect(cache.conversations().map((c) => [c.id, c.lastActivityAt])).toEqual([
      ['b', 5_000],
      ['a', 1_000],
    ])
  })

  test('setLeft on an unknown conversation changes nothing', () => {
    const { cache } = tempCache()
    cache.setLeft('ghost', 1)
    expect(cache.conversation('ghost')).toBeNull()
  })
})

describe('applyMarker', () => {
  test('max-merges each value and says whether anything moved forward', () => {
    const { cache } = tempCache()
    cache.upsertConversations([conversationDto('c1')])
    expect(cache.applyMarker('c1', 'bob', { readSeq: 3, deliveredSeq: 5 })).toBe(true)
    expect(cache.applyMarker('c1', 'bob', { readSeq: 3, deliveredSeq: 5 })).toBe(false)
    expect(cache.applyMarker('c1', 'bob', { readSeq: 2, deliveredSeq: 4 })).toBe(false)
    expect(cache.applyMarker('c1', 'bob', { readSeq: 4, deliveredSeq: 1 })).toBe(true)
    expect(cache.conversation('c1')?.markers.bob).toEqual({ readSeq: 4, deliveredSeq: 5 })
    expect(cache.applyMarker('c1', 'carol', { readSeq: 0, deliveredSeq: 0 })).toBe(false)
  })

  test('a marker that arrives before its conversation is kept and merged later', () => {
    const { cache } = tempCache()
    expect(cache.applyMarker('c1', 'bob', { readSeq: 6, deliveredSeq: 6 })).toBe(true)
    cache.upsertConversations([conversationDto('c1', { markers: { bob: { readSeq: 2, deliveredSeq: 8 } } })])
    expect(cache.conversation('c1')?.markers.bob).toEqual({ readSeq: 6, deliveredSeq: 8 })
  })
})

describe('unread counts', () => {
  test('count cached messages from others above my readSeq', () => {
    const { cache } = tempCache()
    cache.upsertConversations([conversationDto('c1')])
    cache.storeMessages([
      ...serverMessages('c1', 1, 4),
      serverMessage('c1', 5, { senderId: 'me' }),
      serverMessage('c1', 6),
      serverMessage('c1', 7, { senderId: 'me' }),
    ])
    cache.addPending({ conversationId: 'c1', senderId: 'me', clientId: 'p', body: 'mine', createdAt: 1 })
    expect(cache.unreadCount('c1')).toBe(5)
    cache.applyMarker('c1', 'me', { readSeq: 3, deliveredSeq: 7 })
    expect(cache.unreadCount('c1')).toBe(2)
    cache.applyMarker('c1', 'me', { readSeq: 7, deliveredSeq: 7 })
    expect(cache.unreadCount('c1')).toBe(0)
    expect(cache.unreadCount('unknown')).toBe(0)
  })

  test("the same file opened for another account counts that account's messages as its own", () => {
    const temp = tempCache()
    temp.cache.upsertConversations([conversationDto('c1')])
    temp.cache.storeMessages([...serverMessages('c1', 1, 4), serverMessage('c1', 5, { senderId: 'me' })])
    expect(temp.cache.unreadCount('c1')).toBe(4)
    // bob's seqs are 1…4; nothing read yet: only my message (seq 5) is unread for bob.
    expect(temp.reopen({ me: 'bob' }).unreadCount('c1')).toBe(1)
    expect(temp.reopen({ me: 'me' }).unreadCount('c1')).toBe(4)
  })

  test('totalUnread sums the conversations that are neither muted now nor left', () => {
    const { cache } = tempCache()
    cache.upsertConversations([
      conversationDto('a', { markers: { me: { readSeq: 1, deliveredSeq: 1 } } }),
      conversationDto('b'),
      conversationDto('c'),
    ])
    cache.storeMessages([...serverMessages('a', 1, 3), ...serverMessages('b', 1, 4), ...serverMessages('c', 1, 10)])
    expect(cache.totalUnread(1_000)).toBe(2 + 4 + 10)
    cache.upsertConversations([conversationDto('c', { mutedUntil: 2_000 })])
    expect(cache.totalUnread(1_999)).toBe(2 + 4)
    // The mute has passed: counted again.
    expect(cache.totalUnread(2_000)).toBe(2 + 4 + 10)
    cache.upsertConversations([conversationDto('a', { mutedUntil: MUTE_FOREVER })])
    cache.setLeft('b', 1_500)
    expect(cache.totalUnread(1_500)).toBe(0)
  })

  describe("the server's counts until the cache holds what they counted", () => {
    const read = (seq: number) => ({ readSeq: seq, markers: { me: { readSeq: seq, deliveredSeq: seq } } })

    test('a listing ahead of the cache: its counts stand, and the larger of the two while pages come in', () => {
      const { cache } = tempCache()
      cache.upsertConversations([conversationDto('c1', { lastSeq: 2, ...read(2) })])
      cache.storeMessages(serverMessages('c1', 1, 2))
      expect(cache.unreadCount('c1')).toBe(0)
      // Back from a weekend: 100 more, 99 of them from others, 3 mention me.
      const changed = cache.upsertConversations([conversationDto('c1', { lastSeq: 102, unreadCount: 99, mentionCount: 3, ...read(2) })])
      expect(changed).toEqual(['c1'])
      expect([cache.unreadCount('c1'), cache.unreadMentions('c1'), cache.totalUnread(0)]).toEqual([99, 3, 99])
      // A first page of the catch-up: 50 of the 100 (the cache counts 50), the server's 99 still stands.
      cache.storeMessages(serverMessages('c1', 3, 52))
      expect([cache.unreadCount('c1'), cache.totalUnread(0)]).toEqual([99, 99])
      // The rest: the cache holds what was listed and counts for itself (100: the listing's count was one too many,
      // the cache is what it holds).
      cache.storeMessages(serverMessages('c1', 53, 102))
      expect([cache.unreadCount('c1'), cache.unreadMentions('c1'), cache.totalUnread(0)]).toEqual([100, 0, 100])
    })

    test('a first sign-in: the latest page alone does not hold the unread messages below it, the listed count stands until they are in', () => {
      const { cache } = tempCache()
      cache.upsertConversations([conversationDto('c1', { lastSeq: 500, unreadCount: 450, ...read(50) })])
      cache.storeMessages(serverMessages('c1', 301, 500))
      expect(cache.unreadCount('c1')).toBe(450)
      cache.storeMessages(serverMessages('c1', 101, 300))
      expect(cache.unreadCount('c1')).toBe(450)
      // Down to the first unread (51): the cache holds all of it and counts for itself.
      cache.storeMessages(serverMessages('c1', 51, 100))
      cache.storeMessages([serverMessage('c1', 500, { rev: 501, deletedAt: 2_000, body: '' })])
      expect(cache.unreadCount('c1')).toBe(449)
    })

    test('the unread messages below the cache are not in yet and more came after the listing: the larger count', () => {
      const { cache } = tempCache()
      cache.upsertConversations([conversationDto('c1', { lastSeq: 500, unreadCount: 450, ...read(50) })])
      cache.storeMessages(serverMessages('c1', 301, 500))
      expect(cache.unreadCount('c1')).toBe(450)
      // 300 new ones by realtime: the cache counts 500 from seq 301 up, more than the listing's 450.
      cache.storeMessages(serverMessages('c1', 501, 800))
      expect([cache.unreadCount('c1'), cache.totalUnread(0)]).toEqual([500, 500])
    })

    test('reading (here or on another device) leaves the listed count behind: it counted from the marker before', () => {
      const { cache } = tempCache()
      cache.upsertConversations([conversationDto('c1', { lastSeq: 40, unreadCount: 40, mentionCount: 2 })])
      cache.storeMessages(serverMessages('c1', 1, 10))
      expect([cache.unreadCount('c1'), cache.unreadMentions('c1')]).toEqual([40, 2])
      cache.applyMarker('c1', 'me', { readSeq: 10, deliveredSeq: 10 })
      expect([cache.unreadCount('c1'), cache.unreadMentions('c1'), cache.totalUnread(0)]).toEqual([0, 0, 0])
      // A later listing counts from the new marker: it stands again.
      cache.upsertConversations([conversationDto('c1', { lastSeq: 40, unreadCount: 30, ...read(10) })])
      expect(cache.unreadCount('c1')).toBe(30)
    })

    test('an older report arriving after a newer one changes nothing; a newer one with another count replaces it', () => {
      const { cache } = tempCache()
      cache.upsertConversations([conversationDto('c1', { lastSeq: 60, unreadCount: 60 })])
      expect(cache.upsertConversations([conversationDto('c1', { lastSeq: 50, unreadCount: 50 })])).toEqual([])
      expect(cache.unreadCount('c1')).toBe(60)
      // The same seq, one fewer: a message deleted meanwhile.
      expect(cache.upsertConversations([conversationDto('c1', { lastSeq: 60, unreadCount: 59 })])).toEqual(['c1'])
      expect(cache.unreadCount('c1')).toBe(59)
      expect(cache.upsertConversations([conversationDto('c1', { lastSeq: 60, unreadCount: 59 })])).toEqual([])
    })

    test('muted and left conversations stay out of the total; a left one counts nothing in its view', () => {
      const { cache } = tempCache()
      cache.upsertConversations([
        conversationDto('a', { lastSeq: 5, unreadCount: 5 }),
        conversationDto('b', { lastSeq: 7, unreadCount: 7, mutedUntil: MUTE_FOREVER }),
        conversationDto('c', { lastSeq: 9, unreadCount: 9 }),
      ])
      expect(cache.totalUnread(0)).toBe(5 + 9)
      cache.setLeft('c', 1)
      expect(cache.totalUnread(0)).toBe(5)
    })
  })

  test('system messages are never unread', () => {
    const { cache } = tempCache()
    cache.upsertConversations([conversationDto('c1', { kind: 'group' })])
    const system = { type: 'member_added' as const, actorId: 'bob', userIds: ['carol'] }
    cache.storeMessages([
      serverMessage('c1', 1),
      serverMessage('c1', 2, { kind: 'system', body: '', system }),
      serverMessage('c1', 3, { kind: 'system', body: '', senderId: 'me', system: { type: 'title_changed', actorId: 'me', title: 'New' } }),
      serverMessage('c1', 4),
    ])
    expect(cache.unreadCount('c1')).toBe(2)
    expect(cache.totalUnread(0)).toBe(2)
    expect(cache.messagesInRange('c1', 2, 2)[0]).toMatchObject({ kind: 'system', body: '', system })
    expect(cache.messagesInRange('c1', 1, 1)[0]).toMatchObject({ kind: 'text', system: null })
  })
})

describe('drafts and blocked users', () => {
  test('a draft is kept per conversation across a restart; an empty one is removed', () => {
    const temp = tempCache()
    temp.cache.setDraft('c1', 'half a thought', 1)
    temp.cache.setDraft('c2', 'other', 1)
    temp.cache.setDraft('c2', '', 2)
    const after = temp.reopen()
    expect(after.draft('c1')).toBe('half a thought')
    expect(after.draft('c2')).toBe('')
    expect(after.draft('never')).toBe('')
  })

  test('blocked flags follow setBlocked and the server list; users unknown to the cache may be blocked', () => {
    const { cache } = tempCache()
    cache.upsertUsers([
      { id: 'bob', username: 'bob', displayName: 'Bob', lastSeenAt: null },
      { id: 'carol', username: 'carol', displayName: 'Carol', lastSeenAt: null },
    ])
    cache.setBlocked('bob', true)
    expect(cache.users(['bob', 'carol']).map((u) => [u.id, u.blocked])).toEqual([
      ['bob', true],
      ['carol', false],
    ])
    expect(cache.replaceBlocked(['carol', 'stranger']).sort()).toEqual(['bob', 'carol', 'stranger'])
    expect(cache.blockedIds()).toEqual(new Set(['carol', 'stranger']))
    expect(cache.users().map((u) => [u.id, u.blocked])).toEqual([
      ['bob', false],
      ['carol', true],
    ])
    expect(cache.replaceBlocked(['carol', 'stranger'])).toEqual([])
  })
})
