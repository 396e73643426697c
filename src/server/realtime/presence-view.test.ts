import { pino } from 'pino'
import { describe, expect, test } from 'vitest'
import { Channel } from './channels'
import type { Connection } from './connection'
import { LocalCluster } from './local-cluster'
import { hideMember, presenceSnapshot, revealMember, type ViewContext } from './presence-view'

const NAME = 'presence-conversation-c1'
const log = pino({ level: 'silent' })

/** A subscriber (as `userId` in NAME) that keeps what it is sent, as parsed frames. */
function socket(id: string, userId = id) {
  const frames: { event: string; data: unknown }[] = []
  const connection = {
    id,
    subscriptions: new Map([[NAME, { userId }]]),
    sendRaw(frame: string) {
      const parsed = JSON.parse(frame) as { event: string; data: string }
      frames.push({ event: parsed.event, data: JSON.parse(parsed.data) })
    },
  }
  return { connection: connection as unknown as Connection, frames }
}

/** A presence channel on this node with `users` in it (one socket each, id = user id). */
function channelWith(users: string[]) {
  const channel = new Channel(NAME, 'presence')
  const sockets = new Map<string, ReturnType<typeof socket>>()
  for (const user of users) {
    const s = socket(user)
    sockets.set(user, s)
    channel.subscribers.set(user, s.connection)
    channel.members?.set(user, { info: { displayName: user }, sockets: new Set([user]) })
  }
  return { channel, frames: (user: string) => sockets.get(user)?.frames ?? [] }
}

describe('presenceSnapshot', () => {
  const members = new Map<string, unknown>([
    ['alice', { displayName: 'Alice' }],
    ['bob', undefined],
    ['carol', { displayName: 'Carol' }],
  ])

  test('everyone when nobody is hidden; a missing user_info is null', () => {
    expect(presenceSnapshot(members)).toEqual({
      presence: { ids: ['alice', 'bob', 'carol'], hash: { alice: { displayName: 'Alice' }, bob: null, carol: { displayName: 'Carol' } }, count: 3 },
    })
  })

  test('without those who blocked the viewer: ids, hash and count agree; the viewer is never left out', () => {
    expect(presenceSnapshot(members, new Set(['alice', 'bob', 'nobody']), 'bob')).toEqual({
      presence: { ids: ['bob', 'carol'], hash: { bob: null, carol: { displayName: 'Carol' } }, count: 2 },
    })
  })

  test('hostile ids are keys like any other', () => {
    const odd = new Map<string, unknown>([['__proto__', { x: 1 }], ['constructor', null]])
    const { presence } = presenceSnapshot(odd, new Set(['constructor']), 'viewer')
    expect(presence.ids).toEqual(['__proto__'])
    expect(presence.count).toBe(1)
    expect(Object.keys(presence.hash)).toEqual(['__proto__'])
  })
})

describe('Channel.broadcastRaw', () => {
  const frame = JSON.stringify({ event: 'client-typing', channel: NAME, data: '{"typing":true}' })

  test('skips the users in hiddenFrom and the sender; everyone without it', () => {
    const { channel, frames } = channelWith(['alice', 'bob', 'carol'])
    expect(channel.broadcastRaw(frame, 'alice', new Set(['bob']))).toBe(1)
    expect(frames('bob')).toEqual([])
    expect(frames('carol')).toHaveLength(1)
    expect(channel.broadcastRaw(frame, 'alice')).toBe(2)
    expect(frames('bob')).toHaveLength(1)
  })

  test('a user with two sockets is skipped on both; a private channel ignores hiddenFrom', () => {
    const { channel, frames } = channelWith(['alice', 'bob'])
    const second = socket('bob-2', 'bob')
    channel.subscribers.set('bob-2', second.connection)
    channel.members?.get('bob')?.sockets.add('bob-2')
    expect(channel.broadcastRaw(frame, undefined, new Set(['bob']))).toBe(1)
    expect(frames('bob')).toEqual([])
    expect(second.frames).toEqual([])

    const inbox = new Channel('private-user-bob', 'private')
    const s = socket('x')
    inbox.subscribers.set('x', s.connection)
    expect(inbox.broadcastRaw(frame, undefined, new Set(['bob']))).toBe(1)
  })
})

describe('telling a viewer at once', () => {
  /** A context over one channel, with a cluster whose presence the test sets. */
  async function setUp(users: string[], remote: Record<string, unknown> = {}) {
    const view = channelWith(users)
    const cluster = new LocalCluster()
    for (const user of users) await cluster.presence(NAME, user, { displayName: user }, 1)
    for (const [user, info] of Object.entries(remote)) await cluster.presence(NAME, user, info, 1)
    const context: ViewContext = { channels: { get: (name) => (name === NAME ? view.channel : undefined) }, cluster, log }
    return { ...view, cluster, context }
  }
  const change = { channel: NAME, memberId: 'alice', viewerId: 'bob' }

  test('hide: member_removed to the viewer’s sockets only, when the member is here or elsewhere in the cluster', async () => {
    const here = await setUp(['alice', 'bob', 'carol'])
    await hideMember(here.context, change)
    expect(here.frames('bob')).toEqual([{ event: 'pusher_internal:member_removed', data: { user_id: 'alice' } }])
    expect(here.frames('carol')).toEqual([])
    expect(here.frames('alice')).toEqual([])

    const elsewhere = await setUp(['bob'], { alice: { displayName: 'Alice' } })
    await hideMember(elsewhere.context, change)
    expect(elsewhere.frames('bob')).toEqual([{ event: 'pusher_internal:member_removed', data: { user_id: 'alice' } }])
  })

  test('hide: nothing when the member is absent, or the viewer is not in the channel here', async () => {
    const absent = await setUp(['bob', 'carol'])
    await hideMember(absent.context, change)
    expect(absent.frames('bob')).toEqual([])
    await hideMember(absent.context, { ...change, viewerId: 'nobody' })
    await hideMember(absent.context, { ...change, channel: 'presence-other' })
    expect(absent.frames('carol')).toEqual([])
  })

  test('hide: removed anyway when a transition arrived while the cluster was asked, or the cluster failed', async () => {
    const racing = await setUp(['bob'])
    racing.cluster.hasMember = async () => {
      racing.channel.memberTransitions++
      return false
    }
    await hideMember(racing.context, change)
    expect(racing.frames('bob')).toHaveLength(1)

    const failing = await setUp(['bob'])
    failing.cluster.hasMember = () => Promise.reject(new Error('redis down'))
    await hideMember(failing.context, change)
    expect(failing.frames('bob')).toEqual([{ event: 'pusher_internal:member_removed', data: { user_id: 'alice' } }])
  })

  test('reveal: member_added with the member’s user_info, from here or the cluster; nothing when absent', async () => {
    const here = await setUp(['alice', 'bob'])
    await revealMember(here.context, change)
    expect(here.frames('bob')).toEqual([{ event: 'pusher_internal:member_added', data: { user_id: 'alice', user_info: { displayName: 'alice' } } }])
    expect(here.frames('alice')).toEqual([])

    const elsewhere = await setUp(['bob'], { alice: { displayName: 'Alice' } })
    await revealMember(elsewhere.context, change)
    expect(elsewhere.frames('bob')).toEqual([{ event: 'pusher_internal:member_added', data: { user_id: 'alice', user_info: { displayName: 'Alice' } } }])

    const absent = await setUp(['bob'])
    await revealMember(absent.context, change)
    expect(absent.frames('bob')).toEqual([])
  })

  test('reveal: asked again after a transition arrived meanwhile, so a member who just left is not shown', async () => {
    const racing = await setUp(['bob'], { alice: { displayName: 'Alice' } })
    let asked = 0
    const members = racing.cluster.presenceMembers.bind(racing.cluster)
    racing.cluster.presenceMembers = async (name) => {
      asked++
      const answer = await members(name)
      if (asked === 1) {
        // Alice leaves after the cluster answered, before the answer is used.
        await racing.cluster.presence(NAME, 'alice', undefined, -1)
        racing.channel.memberTransitions++
      }
      return answer
    }
    await revealMember(racing.context, change)
    expect(asked).toBe(2)
    expect(racing.frames('bob')).toEqual([])
  })

  test('reveal: a channel that keeps changing is left to the next subscribe', async () => {
    const busy = await setUp(['bob'], { alice: { displayName: 'Alice' } })
    let asked = 0
    const members = busy.cluster.presenceMembers.bind(busy.cluster)
    busy.cluster.presenceMembers = async (name) => {
      asked++
      busy.channel.memberTransitions++
      return members(name)
    }
    await revealMember(busy.context, change)
    expect(asked).toBe(3)
    expect(busy.frames('bob')).toEqual([])
  })
})
