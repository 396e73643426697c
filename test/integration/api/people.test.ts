/**
 * People and running a server (issue 19) over real HTTP and real pusher-js
 * clients, once with the SQLite store and once with PostgreSQL (a scratch
 * database per server): the first account is the admin, invites and
 * registration modes, profile and password changes, signed-in devices,
 * blocking (posting, presence, typing), disabled accounts — every answer and
 * every refusal. The encryption key's effect is the realtime server's alone:
 * checked once.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import type { PresenceChannel } from 'pusher-js'
import type PusherClient from 'pusher-js'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startServer, type ParleyServer } from '../../../src/server/app'
import { loadConfig } from '../../../src/server/config'
import type { AuthResponse, ConfigResponse, Conversation, DeviceSession, ErrorResponse, Invite, User } from '../../../src/shared/api'
import { conversationChannel, userChannel, type TypingEvent } from '../../../src/shared/channels'
import { parseInviteLink } from '../../../src/shared/invite-link'
import { nextEvent, RawSocket, subscribed } from '../../helpers/clients'
import { callApi, connectPusher } from '../../helpers/messenger'
import { serverStores, type ServerStore } from '../../helpers/server-stores'

const HOUR_MS = 60 * 60 * 1000
const PASSWORD = 'correct-horse'

const stores = await serverStores('people api')

interface Running {
  server: ParleyServer
  dataDir: string
  /** Move the api's clock. */
  advance(ms: number): void
  /** Remove the store's database (PostgreSQL), once the server has stopped. */
  drop(): Promise<void>
}
const running: Running[] = []
const clients: PusherClient[] = []

/** A server with an empty store of its own: each first account is the admin. No `store`: SQLite. */
async function start(env: Record<string, string> = {}, store?: ServerStore): Promise<Running> {
  const created = (await store?.create()) ?? { env: {}, drop: () => Promise.resolve() }
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-people-'))
  let offset = 0
  const config = { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent', AUTH_RATE_LIMIT: '100000', ...created.env, ...env }
  const server = await startServer(loadConfig(config), pino({ level: 'silent' }), { now: () => Date.now() + offset })
  const handle = { server, dataDir, advance: (ms: number) => (offset += ms), drop: created.drop }
  running.push(handle)
  return handle
}

afterAll(async () => {
  clients.forEach((client) => client.disconnect())
  for (const { server, dataDir, drop } of running) {
    await server.close()
    rmSync(dataDir, { recursive: true, force: true })
    await drop()
  }
})

let counter = 0
const uniqueName = (prefix: string) => `${prefix}${process.pid.toString(36)}x${++counter}`.slice(0, 32)

interface Person {
  token: string
  user: User
  username: string
  call<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>
}

function person(url: string, token: string, user: User, username = user.username): Person {
  return { token, user, username, call: (method, path, body) => callApi(url, method, path, { token, body }) }
}

function register(url: string, body: Record<string, unknown>) {
  return callApi<AuthResponse & ErrorResponse>(url, 'POST', '/api/auth/register', { body })
}

async function newPerson(url: string, prefix = 'p', extra: Record<string, unknown> = {}): Promise<Person> {
  const username = uniqueName(prefix)
  const reply = await register(url, { username, password: PASSWORD, ...extra })
  if (reply.status !== 201) throw new Error(`register ${username} → ${reply.status} ${JSON.stringify(reply.body)}`)
  return person(url, reply.body.token, reply.body.user, username)
}

async function login(url: string, username: string, password = PASSWORD, userAgent?: string) {
  const response = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(userAgent !== undefined ? { 'user-agent': userAgent } : {}) },
    body: JSON.stringify({ username, password }),
  })
  return { status: response.status, body: (await response.json()) as AuthResponse & ErrorResponse }
}

async function connect(url: string, token: string): Promise<PusherClient> {
  const client = await connectPusher(url, token)
  clients.push(client)
  return client
}

/** Resolves when pusher-js reports the server closed its connection. */
function dropped(client: PusherClient, timeoutMs = 5_000): Promise<string> {
  return new Promise((resolve, reject) => {
    if (client.connection.state !== 'connected') return resolve(client.connection.state)
    const timer = setTimeout(() => reject(new Error(`still ${client.connection.state} after ${timeoutMs} ms`)), timeoutMs)
    client.connection.bind('state_change', ({ current }: { current: string }) => {
      if (current === 'connected' || current === 'connecting') return
      clearTimeout(timer)
      resolve(current)
    })
  })
}

function subscriptionError(client: PusherClient, channelName: string): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    const channel = client.subscribe(channelName)
    const timer = setTimeout(() => reject(new Error(`no subscription error for ${channelName}`)), 5_000)
    channel.bind('pusher:subscription_succeeded', () => {
      clearTimeout(timer)
      reject(new Error(`subscribed to ${channelName}`))
    })
    channel.bind('pusher:subscription_error', (error: { status: number }) => {
      clearTimeout(timer)
      resolve(error)
    })
  })
}

const channelAuth = (url: string, token: string, channel: string) =>
  callApi<{ auth?: string } & ErrorResponse>(url, 'POST', '/api/pusher/auth', { token, body: { socket_id: '123.456', channel_name: channel } })

async function direct(a: Person, b: Person): Promise<Conversation> {
  const reply = await a.call<Conversation>('POST', '/api/conversations', { memberIds: [b.user.id] })
  expect([200, 201]).toContain(reply.status)
  return reply.body
}

const send = (from: Person, conversationId: string, body: string) =>
  from.call<ErrorResponse>('POST', `/api/conversations/${conversationId}/messages`, {
    clientId: `c${Date.now()}${Math.random().toString(36).slice(2)}`,
    body,
  })

for (const store of stores) {
  describe.skipIf(store.skipped !== null)(`on ${store.name}`, () => {
    describe('an open server', () => {
      let s: Running
      let url: string
      let admin: Person
      beforeAll(async () => {
        s = await start({}, store)
        url = s.server.url
        admin = await newPerson(url, 'admin')
      })

      describe('the first account administers the server', () => {
        test('register, login and GET /api/me say admin: true for it, false for everyone else; nobody sees it on others', async () => {
          expect(admin.user.admin).toBe(true)
          const other = await newPerson(url)
          expect(other.user).toEqual({ id: other.user.id, username: other.username, displayName: other.username, online: false, lastSeenAt: null, admin: false })
          expect((await login(url, admin.username)).body.user.admin).toBe(true)
          expect((await admin.call<User>('GET', '/api/me')).body.admin).toBe(true)
          expect((await other.call<User>('GET', '/api/me')).body.admin).toBe(false)
          const listed = await other.call<User[]>('GET', `/api/users?ids=${admin.user.id}`)
          expect(listed.body[0]).not.toHaveProperty('admin')
        })

        test('GET /api/config says registration is open and the user channel is not encrypted', async () => {
          const config = await callApi<ConfigResponse>(url, 'GET', '/api/config')
          expect(config.body.registration).toBe('open')
          expect(config.body).not.toHaveProperty('encryptedUserChannel')
        })
      })

      describe('POST /api/invites', () => {
        test('an admin gets 201 {code, url, expiresAt}: 24 base64url characters, a link to this server, a week by default', async () => {
          const before = Date.now()
          const reply = await admin.call<Invite>('POST', '/api/invites')
          expect(reply.status).toBe(201)
          expect(reply.body.code).toMatch(/^[A-Za-z0-9_-]{24}$/)
          expect(parseInviteLink(reply.body.url)).toEqual({ serverUrl: url, code: reply.body.code })
          expect(reply.body.expiresAt).toBeGreaterThanOrEqual(before + 168 * HOUR_MS)
          expect(reply.body.expiresAt).toBeLessThanOrEqual(Date.now() + 168 * HOUR_MS)

          const short = await admin.call<Invite>('POST', '/api/invites', { expiresInHours: 2 })
          expect(short.status).toBe(201)
          expect(short.body.expiresAt - Date.now()).toBeLessThanOrEqual(2 * HOUR_MS)
          expect(short.body.code).not.toBe(reply.body.code)
        })

        test('anyone else → 403', async () => {
          const other = await newPerson(url)
          const reply = await other.call<ErrorResponse>('POST', '/api/invites', {})
          expect(reply.status).toBe(403)
          expect(reply.body.error).toEqual({ code: 'forbidden', message: expect.stringContaining('administrator') })
        })

        test.each([
          ['zero hours', { expiresInHours: 0 }],
          ['more than 90 days', { expiresInHours: 90 * 24 + 1 }],
          ['a fraction', { expiresInHours: 1.5 }],
          ['a string', { expiresInHours: '5' }],
          ['null', { expiresInHours: null }],
          ['an array', []],
        ])('%s → 400', async (_label, body) => {
          const reply = await admin.call<ErrorResponse>('POST', '/api/invites', body)
          expect(reply.status).toBe(400)
          expect(reply.body.error.code).toBe('bad_request')
        })

        test('a promoted user may create invites', async () => {
          const other = await newPerson(url)
          await s.server.store?.setAdmin(other.user.id, true)
          expect((await other.call('POST', '/api/invites')).status).toBe(201)
        })
      })

      describe('PATCH /api/me', () => {
        test('changes the display name (trimmed, NFKC) and answers the new User', async () => {
          const me = await newPerson(url)
          const reply = await me.call<User>('PATCH', '/api/me', { displayName: '  Ａda Lovelace ' })
          expect(reply.status).toBe(200)
          expect(reply.body).toMatchObject({ id: me.user.id, displayName: 'Ada Lovelace', admin: false })
          expect((await me.call<User>('GET', '/api/me')).body.displayName).toBe('Ada Lovelace')
          const other = await newPerson(url)
          expect((await other.call<User[]>('GET', '/api/users?q=lovelace')).body.map((u) => u.id)).toContain(me.user.id)
        })

        test.each([
          ['nothing to change', {}],
          ['an empty name', { displayName: '   ' }],
          ['65 characters', { displayName: 'x'.repeat(65) }],
          ['a bidi override', { displayName: 'evil\u202Eman' }],
          ['a number', { displayName: 42 }],
          ['a string body', 'name'],
        ])('%s → 400, nothing changed', async (_label, body) => {
          const me = await newPerson(url)
          const reply = await me.call<ErrorResponse>('PATCH', '/api/me', body)
          expect(reply.status).toBe(400)
          expect((await me.call<User>('GET', '/api/me')).body.displayName).toBe(me.username)
        })
      })

      describe('POST /api/me/password', () => {
        test('a wrong current password → 403 with a clear message; nothing changes', async () => {
          const me = await newPerson(url)
          const reply = await me.call<ErrorResponse>('POST', '/api/me/password', { current: 'not-my-password', next: 'a-new-password' })
          expect(reply.status).toBe(403)
          expect(reply.body.error).toEqual({ code: 'forbidden', message: expect.stringContaining('current password is wrong') })
          expect((await login(url, me.username)).status).toBe(200)
          expect((await login(url, me.username, 'a-new-password')).status).toBe(401)
        })

        test.each([
          ['a short new password', { current: PASSWORD, next: 'short' }],
          ['no current', { next: 'long-enough-password' }],
          ['201 characters', { current: PASSWORD, next: 'x'.repeat(201) }],
          ['numbers', { current: 1, next: 2 }],
        ])('%s → 400', async (_label, body) => {
          const me = await newPerson(url)
          expect((await me.call('POST', '/api/me/password', body)).status).toBe(400)
        })

        test('204: every other session is revoked (401, sockets closed), this one stays; the new password signs in', async () => {
          const me = await newPerson(url)
          const laptop = await login(url, me.username)
          const phone = await login(url, me.username)
          const laptopClient = await connect(url, laptop.body.token)
          await subscribed(laptopClient, userChannel(me.user.id))
          const mineClient = await connect(url, me.token)
          const inbox = await subscribed(mineClient, userChannel(me.user.id))
          const laptopDropped = dropped(laptopClient)

          const reply = await me.call('POST', '/api/me/password', { current: PASSWORD, next: 'brand-new-password' })
          expect(reply.status).toBe(204)
          for (const token of [laptop.body.token, phone.body.token]) {
            expect((await callApi(url, 'GET', '/api/me', { token })).status).toBe(401)
          }
          expect(await laptopDropped).not.toBe('connected')
          expect((await me.call('GET', '/api/me')).status).toBe(200)
          expect(mineClient.connection.state).toBe('connected')
          expect((await login(url, me.username)).status).toBe(401)
          expect((await login(url, me.username, 'brand-new-password')).status).toBe(200)

          // The session that changed it still receives its events.
          const friend = await newPerson(url)
          const conversation = await direct(friend, me)
          const arrived = nextEvent(inbox, 'message.created')
          expect((await send(friend, conversation.id, 'still here?')).status).toBe(201)
          await arrived
        })
      })

      describe('signed-in devices', () => {
        test('GET /api/me/sessions lists mine with the current flag and the User-Agent they signed in with', async () => {
          const me = await newPerson(url)
          // A tab is the one control character a header may carry: it is dropped.
          const laptop = await login(url, me.username, PASSWORD, 'Parley/1.0\t(Linux)')
          const list = await me.call<DeviceSession[]>('GET', '/api/me/sessions')
          expect(list.status).toBe(200)
          expect(list.body).toHaveLength(2)
          expect(list.body.filter((session) => session.current)).toHaveLength(1)
          const other = list.body.find((session) => !session.current)
          expect(other).toMatchObject({ userAgent: 'Parley/1.0(Linux)', createdAt: expect.any(Number), lastUsedAt: expect.any(Number) })
          expect(other?.id).toMatch(/^[A-Za-z0-9_-]+$/)
          expect(JSON.stringify(list.body)).not.toContain(laptop.body.token)
          const fromLaptop = await callApi<DeviceSession[]>(url, 'GET', '/api/me/sessions', { token: laptop.body.token })
          expect(fromLaptop.body.find((session) => session.current)?.id).toBe(other?.id)
          // Someone else sees only theirs.
          const stranger = await newPerson(url)
          expect((await stranger.call<DeviceSession[]>('GET', '/api/me/sessions')).body).toHaveLength(1)
        })

        test('a very long User-Agent is kept to 200 characters', async () => {
          const me = await newPerson(url)
          await login(url, me.username, PASSWORD, 'A'.repeat(1_000))
          const list = await me.call<DeviceSession[]>('GET', '/api/me/sessions')
          expect(list.body.find((session) => !session.current)?.userAgent).toBe('A'.repeat(200))
        })

        test('DELETE /api/me/sessions/:id signs that device out: 204, its token 401, its sockets closed', async () => {
          const me = await newPerson(url)
          const laptop = await login(url, me.username)
          const client = await connect(url, laptop.body.token)
          await subscribed(client, userChannel(me.user.id))
          const closed = dropped(client)
          const list = await me.call<DeviceSession[]>('GET', '/api/me/sessions')
          const target = list.body.find((session) => !session.current)
          const reply = await me.call('DELETE', `/api/me/sessions/${target?.id}`)
          expect(reply.status).toBe(204)
          expect((await callApi(url, 'GET', '/api/me', { token: laptop.body.token })).status).toBe(401)
          expect(await closed).not.toBe('connected')
          expect((await me.call<DeviceSession[]>('GET', '/api/me/sessions')).body).toHaveLength(1)
          // Again: gone.
          expect((await me.call('DELETE', `/api/me/sessions/${target?.id}`)).status).toBe(404)
        })

        test('someone else’s session, an unknown id or a nonsense id → 404, and theirs is untouched', async () => {
          const me = await newPerson(url)
          const them = await newPerson(url)
          const theirs = (await them.call<DeviceSession[]>('GET', '/api/me/sessions')).body[0]
          for (const id of [theirs?.id, 's_unknown', '..%2F..', 'x'.repeat(100)]) {
            const reply = await me.call<ErrorResponse>('DELETE', `/api/me/sessions/${id}`)
            expect(reply.status, id).toBe(404)
            expect(reply.body.error.code).toBe('not_found')
          }
          expect((await them.call('GET', '/api/me')).status).toBe(200)
        })

        test('deleting the current session is signing out', async () => {
          const me = await newPerson(url)
          const current = (await me.call<DeviceSession[]>('GET', '/api/me/sessions')).body[0]
          expect((await me.call('DELETE', `/api/me/sessions/${current?.id}`)).status).toBe(204)
          expect((await me.call('GET', '/api/me')).status).toBe(401)
        })
      })

      describe('blocking', () => {
        test('PUT/DELETE /api/users/:id/block: 204 and idempotent; yourself 400; unknown 404; GET /api/blocks lists', async () => {
          const me = await newPerson(url)
          const them = await newPerson(url)
          const third = await newPerson(url)
          expect((await me.call<ErrorResponse>('PUT', `/api/users/${me.user.id}/block`)).status).toBe(400)
          expect((await me.call<ErrorResponse>('DELETE', `/api/users/${me.user.id}/block`)).status).toBe(400)
          for (const id of ['u_nobody', 'x'.repeat(80), 'a%20b']) {
            const reply = await me.call<ErrorResponse>('PUT', `/api/users/${id}/block`)
            expect(reply.status, id).toBe(404)
            expect(reply.body.error.code).toBe('not_found')
            expect((await me.call('DELETE', `/api/users/${id}/block`)).status).toBe(404)
          }
          for (let i = 0; i < 2; i++) expect((await me.call('PUT', `/api/users/${them.user.id}/block`)).status).toBe(204)
          expect((await me.call('PUT', `/api/users/${third.user.id}/block`)).status).toBe(204)
          const blocks = await me.call<User[]>('GET', '/api/blocks')
          expect(blocks.status).toBe(200)
          expect(blocks.body.map((u) => u.id)).toEqual([third.user.id, them.user.id])
          expect(blocks.body[0]).toEqual({ id: third.user.id, username: third.username, displayName: third.username })
          for (let i = 0; i < 2; i++) expect((await me.call('DELETE', `/api/users/${them.user.id}/block`)).status).toBe(204)
          expect((await me.call<User[]>('GET', '/api/blocks')).body.map((u) => u.id)).toEqual([third.user.id])
          expect((await them.call<User[]>('GET', '/api/blocks')).body).toEqual([])
        })

        test('the blocked cannot post or react into the direct conversation (403 blocked); the blocker can; unblocking restores', async () => {
          const blocker = await newPerson(url)
          const blocked = await newPerson(url)
          const conversation = await direct(blocker, blocked)
          const hello = await send(blocker, conversation.id, 'hello')
          expect(hello.status).toBe(201)
          const messageId = (hello.body as unknown as { id: string }).id
          const group = await blocked.call<Conversation>('POST', '/api/conversations', { memberIds: [blocker.user.id], title: 'both of us' })

          expect((await blocker.call('PUT', `/api/users/${blocked.user.id}/block`)).status).toBe(204)
          const refused = await send(blocked, conversation.id, 'let me in')
          expect(refused.status).toBe(403)
          expect(refused.body.error).toEqual({ code: 'blocked', message: expect.stringContaining('blocked') })
          const reaction = await blocked.call<ErrorResponse>('PUT', `/api/conversations/${conversation.id}/messages/${messageId}/reactions/${encodeURIComponent('👍')}`)
          expect(reaction.status).toBe(403)
          expect(reaction.body.error.code).toBe('blocked')
          // The blocker still may; a group they share is untouched; a non-member still gets 404.
          expect((await send(blocker, conversation.id, 'I can still write')).status).toBe(201)
          expect((await send(blocked, group.body.id, 'in our group')).status).toBe(201)
          const stranger = await newPerson(url)
          expect((await send(stranger, conversation.id, 'hi')).status).toBe(404)

          expect((await blocker.call('DELETE', `/api/users/${blocked.user.id}/block`)).status).toBe(204)
          expect((await send(blocked, conversation.id, 'thanks')).status).toBe(201)
          expect((await blocked.call('PUT', `/api/conversations/${conversation.id}/messages/${messageId}/reactions/${encodeURIComponent('👍')}`)).status).toBe(200)
        })

        test('the blocked user’s presence in the direct conversation ends at once and its channel auth is refused; unblocking restores', async () => {
          const blocker = await newPerson(url)
          const blocked = await newPerson(url)
          const conversation = await direct(blocker, blocked)
          const channel = conversationChannel(conversation.id)
          const blockerClient = await connect(url, blocker.token)
          const blockedClient = await connect(url, blocked.token)
          const room = (await subscribed(blockerClient, channel)) as PresenceChannel
          const joined = nextEvent(room, 'pusher:member_added')
          await subscribed(blockedClient, channel)
          await joined
          expect(room.members.count).toBe(2)

          const left = nextEvent<{ id: string }>(room, 'pusher:member_removed')
          expect((await blocker.call('PUT', `/api/users/${blocked.user.id}/block`)).status).toBe(204)
          expect((await left).id).toBe(blocked.user.id)

          const auth = await channelAuth(url, blocked.token, channel)
          expect(auth.status).toBe(403)
          expect(auth.body.error.code).toBe('blocked')
          const fresh = await connect(url, blocked.token)
          expect((await subscriptionError(fresh, channel)).status).toBe(403)
          // The blocker still may subscribe.
          expect((await channelAuth(url, blocker.token, channel)).status).toBe(200)

          expect((await blocker.call('DELETE', `/api/users/${blocked.user.id}/block`)).status).toBe(204)
          expect((await channelAuth(url, blocked.token, channel)).status).toBe(200)
        })

        test('the blocked user gets no client-typing from the blocker in their direct conversation, on the socket that was in it nor after subscribing again; unblocking restores it', async () => {
          const realtime = s.server.realtime
          if (realtime === null) throw new Error('these tests run the embedded realtime server')
          const blocker = await newPerson(url)
          const blocked = await newPerson(url)
          const conversation = await direct(blocker, blocked)
          const channel = conversationChannel(conversation.id)
          const [blockerClient, blockedClient] = await Promise.all([connect(url, blocker.token), connect(url, blocked.token)])
          const inbox = await subscribed(blockedClient, userChannel(blocked.user.id))
          const room = (await subscribed(blockerClient, channel)) as PresenceChannel
          const joined = nextEvent(room, 'pusher:member_added')
          const theirRoom = await subscribed(blockedClient, channel)
          await joined
          const typed: TypingEvent[] = []
          theirRoom.bind('client-typing', (event: TypingEvent) => typed.push(event))

          // The blocker types; once the server has handled that frame (its clientEvent hook fires right after
          // the fan-out), a marker goes to the blocked user's own channel. One socket's frames arrive in
          // order: had the typing been sent to the blocked user, it is in `typed` when the marker arrives.
          const blockerTypes = async (typing: boolean): Promise<void> => {
            const handled = new Promise<void>((resolve) => {
              const off = realtime.hooks.on('clientEvent', (event) => {
                if (event.channel !== channel || event.userId !== blocker.user.id) return
                off()
                resolve()
              })
            })
            expect(room.trigger('client-typing', { typing })).toBe(true)
            await handled
            const marker = nextEvent(inbox, 'test.marker')
            realtime.publish([userChannel(blocked.user.id)], 'test.marker', '{}')
            await marker
          }
          await blockerTypes(true)
          expect(typed).toEqual([{ typing: true }])

          const left = nextEvent<{ id: string }>(room, 'pusher:member_removed')
          expect((await blocker.call('PUT', `/api/users/${blocked.user.id}/block`)).status).toBe(204)
          expect((await left).id).toBe(blocked.user.id)
          expect(await realtime.presenceUserIds(channel)).toEqual([blocker.user.id])
          // The server told the blocked user's socket nothing: pusher-js still counts itself in, and hears no typing.
          expect(theirRoom.subscribed).toBe(true)
          await blockerTypes(false)
          expect(typed).toEqual([{ typing: true }])

          // Subscribing again is refused (403), and the channel it asked for hears no typing either.
          blockedClient.unsubscribe(channel)
          expect((await subscriptionError(blockedClient, channel)).status).toBe(403)
          blockedClient.channel(channel).bind('client-typing', (event: TypingEvent) => typed.push(event))
          await blockerTypes(true)
          expect(typed).toEqual([{ typing: true }])

          // Unblocked, the same socket subscribes again and hears the blocker type.
          expect((await blocker.call('DELETE', `/api/users/${blocked.user.id}/block`)).status).toBe(204)
          blockedClient.unsubscribe(channel)
          const back = nextEvent(room, 'pusher:member_added')
          const again = await subscribed(blockedClient, channel)
          await back
          again.bind('client-typing', (event: TypingEvent) => typed.push(event))
          await blockerTypes(false)
          expect(typed).toEqual([{ typing: true }, { typing: false }])
        })

        test('a presence signature the blocked user got before the block does not take them back in on the same socket', async () => {
          const blocker = await newPerson(url)
          const blocked = await newPerson(url)
          const conversation = await direct(blocker, blocked)
          const channel = conversationChannel(conversation.id)
          const { body: config } = await callApi<ConfigResponse>(url, 'GET', '/api/config')
          const socket = new RawSocket(`ws://127.0.0.1:${s.server.port}/app/${config.pusher.key}?protocol=7&client=js&version=8.6.0&flash=false`)
          try {
            const established = await socket.waitFor((f) => f.event === 'pusher:connection_established')
            const socketId = (established.data as { socket_id: string }).socket_id
            const signed = await callApi<{ auth: string; channel_data: string }>(url, 'POST', '/api/pusher/auth', {
              token: blocked.token,
              body: { socket_id: socketId, channel_name: channel },
            })
            expect(signed.status).toBe(200)
            const subscribe = { event: 'pusher:subscribe', data: { channel, auth: signed.body.auth, channel_data: signed.body.channel_data } }
            socket.send(subscribe)
            await socket.waitFor((f) => f.event === 'pusher_internal:subscription_succeeded' && f.channel === channel)
            expect((await blocker.call('PUT', `/api/users/${blocked.user.id}/block`)).status).toBe(204)
            expect(await s.server.realtime?.presenceUserIds(channel)).toEqual([])

            // The same frame again: the signature still checks out for this socket, the block does not let it in.
            const answer = socket.waitForNext((f) => f.channel === channel && /subscription_(error|succeeded)$/.test(f.event))
            socket.send(subscribe)
            expect(await answer).toMatchObject({ event: 'pusher:subscription_error', data: { type: 'AuthError', status: 403 } })
            expect(await s.server.realtime?.presenceUserIds(channel)).toEqual([])
          } finally {
            socket.close()
          }
        })

        test('the blocker’s presence (online, lastSeenAt) is hidden from the blocked wherever users are listed', async () => {
          const blocker = await newPerson(url)
          const blocked = await newPerson(url)
          await direct(blocker, blocked)
          const seen = async () => (await blocked.call<User[]>('GET', `/api/users?ids=${blocker.user.id}`)).body[0]
          const search = async () => (await blocked.call<User[]>('GET', `/api/users?q=${blocker.username}`)).body[0]
          expect(await seen()).toHaveProperty('online', false)
          expect((await blocker.call('PUT', `/api/users/${blocked.user.id}/block`)).status).toBe(204)
          for (const view of [await seen(), await search()]) {
            expect(view).toEqual({ id: blocker.user.id, username: blocker.username, displayName: blocker.username })
          }
          // One-way: the blocker still sees the blocked one's presence.
          expect((await blocker.call<User[]>('GET', `/api/users?ids=${blocked.user.id}`)).body[0]).toHaveProperty('online')
          expect((await blocker.call<User[]>('GET', '/api/blocks')).body[0]).toHaveProperty('online')
          expect((await blocker.call('DELETE', `/api/users/${blocked.user.id}/block`)).status).toBe(204)
          expect(await seen()).toHaveProperty('online', false)
        })
      })

      describe('disabled accounts', () => {
        test('login → 403 account_disabled (only with the right password); existing sessions already gone; enabling restores', async () => {
          const me = await newPerson(url)
          const client = await connect(url, me.token)
          await subscribed(client, userChannel(me.user.id))
          const ended = await s.server.store?.setDisabled(me.user.id, true, Date.now())
          await s.server.sessions?.ended(ended ?? [])
          expect((await me.call('GET', '/api/me')).status).toBe(401)
          expect(await dropped(client)).not.toBe('connected')
          const refused = await login(url, me.username)
          expect(refused.status).toBe(403)
          expect(refused.body.error).toEqual({ code: 'account_disabled', message: expect.stringContaining('disabled') })
          expect((await login(url, me.username, 'wrong-password')).status).toBe(401)
          await s.server.store?.setDisabled(me.user.id, false, Date.now())
          expect((await login(url, me.username)).status).toBe(200)
        })
      })
    })

    describe('REGISTRATION=invite', () => {
      let s: Running
      let url: string
      let admin: Person
      beforeAll(async () => {
        s = await start({ REGISTRATION: 'invite', PUBLIC_URL: 'https://chat.example.com' }, store)
        url = s.server.url
        // The first account needs no invite.
        admin = await newPerson(url, 'first')
      })

      const invite = async (body: unknown = {}) => {
        const reply = await admin.call<Invite>('POST', '/api/invites', body)
        expect(reply.status).toBe(201)
        return reply.body
      }

      test('the first account got in without an invite, as admin; /api/config says invite', async () => {
        expect(admin.user.admin).toBe(true)
        expect((await callApi<ConfigResponse>(url, 'GET', '/api/config')).body.registration).toBe('invite')
      })

      test('invite links name PUBLIC_URL', async () => {
        const created = await invite()
        expect(parseInviteLink(created.url)).toEqual({ serverUrl: 'https://chat.example.com', code: created.code })
      })

      test('no code, an unknown one, a used one, an expired one → 403 invite_required saying which; nothing registered', async () => {
        const cases: [string, Record<string, unknown>, string][] = [
          ['missing', {}, 'invite code only'],
          ['unknown', { invite: 'not-a-real-code-at-all' }, 'not valid'],
        ]
        const used = await invite()
        expect((await register(url, { username: uniqueName('ok'), password: PASSWORD, invite: used.code })).status).toBe(201)
        cases.push(['used', { invite: used.code }, 'already used'])
        const expiring = await invite({ expiresInHours: 1 })
        s.advance(HOUR_MS + 1)
        cases.push(['expired', { invite: expiring.code }, 'expired'])
        for (const [label, extra, message] of cases) {
          const username = uniqueName('no')
          const reply = await register(url, { username, password: PASSWORD, ...extra })
          expect(reply.status, label).toBe(403)
          expect(reply.body.error, label).toEqual({ code: 'invite_required', message: expect.stringContaining(message) })
          expect((await login(url, username)).status, label).toBe(401)
        }
      })

      test('a code registers one account, even when ten registrations race with it', async () => {
        const { code } = await invite()
        const replies = await Promise.all(
          Array.from({ length: 10 }, () => register(url, { username: uniqueName('race'), password: PASSWORD, invite: code })),
        )
        expect(replies.filter((reply) => reply.status === 201)).toHaveLength(1)
        for (const reply of replies.filter((r) => r.status !== 201)) {
          expect(reply.status).toBe(403)
          expect(reply.body.error.code).toBe('invite_required')
        }
        const winner = replies.find((reply) => reply.status === 201)
        expect(winner?.body.user.admin).toBe(false)
      })

      test('a bad invite field → 400, never 500', async () => {
        for (const value of ['', 'x'.repeat(101), 42, null, ['a'], { a: 1 }]) {
          const reply = await register(url, { username: uniqueName('bad'), password: PASSWORD, invite: value })
          expect(reply.status, JSON.stringify(value)).toBe(400)
        }
      })
    })

    describe('REGISTRATION=closed', () => {
      test('the first account still gets in (as admin); then 403 registration_closed, invite or not', async () => {
        const { server } = await start({ REGISTRATION: 'closed' }, store)
        const first = await newPerson(server.url, 'first')
        expect(first.user.admin).toBe(true)
        expect((await callApi<ConfigResponse>(server.url, 'GET', '/api/config')).body.registration).toBe('closed')
        const { code } = (await first.call<Invite>('POST', '/api/invites')).body
        for (const extra of [{}, { invite: code }]) {
          const reply = await register(server.url, { username: uniqueName('late'), password: PASSWORD, ...extra })
          expect(reply.status).toBe(403)
          expect(reply.body.error).toEqual({ code: 'registration_closed', message: expect.stringContaining('no new accounts') })
        }
      })

      test('two first registrations racing on a fresh server: one admin, and on a closed server only one account', async () => {
        const { server } = await start({ REGISTRATION: 'closed' }, store)
        const replies = await Promise.all(
          Array.from({ length: 6 }, () => register(server.url, { username: uniqueName('first'), password: PASSWORD })),
        )
        const created = replies.filter((reply) => reply.status === 201)
        expect(created).toHaveLength(1)
        expect(created[0]?.body.user.admin).toBe(true)
      })

      test('on an open server racing first registrations all get in, one of them as admin', async () => {
        const { server } = await start({}, store)
        const replies = await Promise.all(
          Array.from({ length: 6 }, () => register(server.url, { username: uniqueName('first'), password: PASSWORD })),
        )
        expect(replies.every((reply) => reply.status === 201)).toBe(true)
        expect(replies.filter((reply) => reply.body.user.admin)).toHaveLength(1)
      })
    })
  })
}

describe('PUSHER_ENCRYPTION_MASTER_KEY with the embedded realtime server', () => {
  test('is ignored: the per-user channel stays private-user-{id}, and /api/config does not say encrypted', async () => {
    const { server } = await start({ PUSHER_ENCRYPTION_MASTER_KEY: Buffer.alloc(32, 9).toString('base64') })
    const me = await newPerson(server.url)
    expect((await callApi<ConfigResponse>(server.url, 'GET', '/api/config')).body).not.toHaveProperty('encryptedUserChannel')
    expect((await channelAuth(server.url, me.token, userChannel(me.user.id))).status).toBe(200)
    expect((await channelAuth(server.url, me.token, userChannel(me.user.id, true))).status).toBe(403)
  })
})
