/**
 * Property-based fuzzing of every POST endpoint of the REST api (issue 6,
 * "Hostile input"): register, login, logout, conversations, messages, read,
 * delivered, /api/pusher/auth, /api/pusher/user-auth and /api/pusher/webhooks,
 * with a valid token (webhooks: a valid signature over whatever is sent, or a
 * wrong one). Bodies are valid ones, valid ones with one part mutated (replaced
 * by any JSON value, retyped, deleted, a `__proto__` key added), any JSON
 * value, form-encoded variants, and raw text under random content types.
 *
 * Properties (state = every row of the SQLite database, read directly from the
 * file, plus who is online):
 * - never a 5xx, and every 4xx is `{error:{code,message}}`;
 * - a 2xx only for a body the endpoint's contract schema accepts (src/shared/api.ts);
 * - a refused request changes nothing; logout removes exactly its own session;
 * - the unmutated valid bodies (the control group) are accepted.
 * bad-input.test.ts has the hand-picked cases; this is the random search.
 */
import { createHmac } from 'node:crypto'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import fc from 'fast-check'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { z } from 'zod'
import {
  createConversationRequestSchema,
  deliveredBatchRequestSchema,
  loginRequestSchema,
  markerRequestSchema,
  registerRequestSchema,
  sendMessageRequestSchema,
  type Conversation,
} from '../../src/shared/api'
import { conversationChannel, userChannel } from '../../src/shared/channels'
import { PASSWORD, Rest, type Account, type Reply } from '../helpers/rest'
import { startTestServer, type TestServer } from '../helpers/server'
import { hostileJson, hostileString, mutate, mutation, oddJsonText, type Mutation } from './arbitraries'
import { checkProperty } from './support'

let server: TestServer
let rest: Rest
let me: Account
let other: Account
let outsider: Account
let conversation: Conversation
let db: Database.Database

beforeAll(async () => {
  server = await startTestServer({ AUTH_RATE_LIMIT: '1000000', SEND_RATE_LIMIT: '1000000', CONVERSATION_RATE_LIMIT: '1000000' })
  rest = new Rest(server.url)
  ;[me, other, outsider] = (await rest.newUsers(3, 'fz')) as [Account, Account, Account]
  conversation = await rest.conversation(me, [other])
  for (const text of ['one', 'two', 'three']) await rest.send(other, conversation.id, text)
  db = new Database(join(server.dataDir, 'parley.sqlite'), { readonly: true, fileMustExist: true })
})
afterAll(async () => {
  db?.close()
  await server?.stop()
})

// ---------------------------------------------------------------------------
// State

const TABLES = ['users', 'sessions', 'conversations', 'members', 'messages', 'message_mentions', 'message_reactions'] as const

/** Every row of every table, and who is online — everything a POST could change. */
function snapshot(): Record<string, unknown> {
  const state: Record<string, unknown> = {}
  for (const table of TABLES) state[table] = db.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all()
  const ids = (db.prepare('SELECT id FROM users ORDER BY id').all() as { id: string }[]).map((row) => row.id)
  state.online = ids.filter((id) => server.presence?.isOnline(id))
  return state
}

// ---------------------------------------------------------------------------
// Endpoints

const socketIdSchema = z.string().regex(/^\d+\.\d+$/)
/** As routes/pusher.ts validates them (not exported there). */
const channelAuthSchema = z.object({ socket_id: socketIdSchema, channel_name: z.string().min(1).max(200) })
const userAuthSchema = z.object({ socket_id: socketIdSchema })
const webhookSchema = z.object({
  time_ms: z.number(),
  events: z.array(z.object({ name: z.string(), channel: z.string().optional(), user_id: z.string().optional() })),
})

type EndpointName =
  | 'register'
  | 'login'
  | 'logout'
  | 'conversations'
  | 'messages'
  | 'read'
  | 'delivered'
  | 'deliveredBatch'
  | 'channelAuth'
  | 'userAuth'
  | 'webhooks'

interface Endpoint {
  path: () => string
  /** The contract; null: the endpoint reads no body (logout). */
  schema: z.ZodType | null
  valid: () => fc.Arbitrary<Record<string, unknown>>
  /** What an unmutated valid body must get. */
  accepted: number[]
  weight: number
}

const socketId = fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => `${a}.${b}`)
const text = (max: number) => fc.stringMatching(new RegExp(`^[A-Za-z][A-Za-z0-9 ]{0,${max - 1}}$`))

const endpoints: Record<EndpointName, Endpoint> = {
  register: {
    path: () => '/api/auth/register',
    schema: registerRequestSchema,
    valid: () =>
      fc.record(
        {
          username: fc.stringMatching(/^[A-Za-z0-9_.-]{3,32}$/),
          password: fc.string({ minLength: 8, maxLength: 40 }),
          displayName: text(20),
        },
        { requiredKeys: ['username', 'password'] },
      ),
    accepted: [201, 409],
    weight: 1,
  },
  login: {
    path: () => '/api/auth/login',
    schema: loginRequestSchema,
    valid: () => fc.constant({ username: me.username, password: PASSWORD }),
    accepted: [200],
    weight: 1,
  },
  logout: {
    path: () => '/api/auth/logout',
    schema: null,
    valid: () => fc.constant({}),
    accepted: [204],
    weight: 1,
  },
  conversations: {
    path: () => '/api/conversations',
    schema: createConversationRequestSchema,
    valid: () =>
      fc.record(
        { memberIds: fc.subarray([other.user.id, outsider.user.id], { minLength: 1 }), title: text(30) },
        { requiredKeys: ['memberIds'] },
      ),
    accepted: [200, 201],
    weight: 2,
  },
  messages: {
    path: () => `/api/conversations/${conversation.id}/messages`,
    schema: sendMessageRequestSchema,
    valid: () =>
      fc.record({
        clientId: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
        body: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }).filter((body) => body.trim().length > 0),
      }),
    accepted: [200, 201],
    weight: 3,
  },
  read: {
    path: () => `/api/conversations/${conversation.id}/read`,
    schema: markerRequestSchema,
    valid: () => fc.record({ seq: fc.nat({ max: 20 }) }),
    accepted: [200],
    weight: 2,
  },
  delivered: {
    path: () => `/api/conversations/${conversation.id}/delivered`,
    schema: markerRequestSchema,
    valid: () => fc.record({ seq: fc.nat({ max: 20 }) }),
    accepted: [200],
    weight: 2,
  },
  deliveredBatch: {
    path: () => '/api/conversations/delivered-batch',
    schema: deliveredBatchRequestSchema,
    valid: () =>
      fc.record({
        markers: fc.array(fc.record({ conversationId: fc.constantFrom(conversation.id, 'c_nosuchconversation0', '__proto__'), seq: fc.nat({ max: 20 }) }), {
          minLength: 1,
          maxLength: 5,
        }),
      }),
    accepted: [200],
    weight: 2,
  },
  channelAuth: {
    path: () => '/api/pusher/auth',
    schema: channelAuthSchema,
    valid: () =>
      fc.record({
        socket_id: socketId,
        channel_name: fc.constantFrom(userChannel(me.user.id), conversationChannel(conversation.id)),
      }),
    accepted: [200],
    weight: 2,
  },
  userAuth: {
    path: () => '/api/pusher/user-auth',
    schema: userAuthSchema,
    valid: () => fc.record({ socket_id: socketId }),
    accepted: [200],
    weight: 1,
  },
  webhooks: {
    path: () => '/api/pusher/webhooks',
    schema: webhookSchema,
    valid: () =>
      fc.record({
        time_ms: fc.constant(Date.now()),
        events: fc.array(
          fc.record({
            name: fc.constantFrom('member_added', 'member_removed', 'channel_occupied'),
            channel: fc.constantFrom(conversationChannel(conversation.id), 'presence-elsewhere', 'private-x'),
            user_id: fc.constantFrom(me.user.id, other.user.id, outsider.user.id),
          }),
          { maxLength: 4 },
        ),
      }),
    accepted: [200],
    weight: 2,
  },
}

type Encoding = 'json' | 'form' | 'raw'

interface Case {
  endpoint: EndpointName
  encoding: Encoding
  /** JSON value (json, form) or text (raw). */
  body: unknown
  /** The valid body before mutation (null: not derived from a valid body). */
  mutation: Mutation | null
  derived: boolean
  contentType: string
  /** Webhooks only: sign the body correctly? */
  signed: boolean
}

const jsonTypes = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/json') },
  { weight: 1, arbitrary: fc.constantFrom('application/json; charset=utf-8', 'Application/JSON') },
)
const rawTypes = fc.constantFrom(
  'application/json',
  'application/x-www-form-urlencoded',
  'text/plain',
  'application/xml',
  'multipart/form-data; boundary=zz',
  'application/octet-stream',
  ';;;',
)

function caseFor(name: EndpointName): fc.Arbitrary<Case> {
  const endpoint = endpoints[name]
  const base = { endpoint: fc.constant(name), signed: fc.boolean() }
  return fc.oneof(
    { weight: 2, arbitrary: fc.record({ ...base, encoding: fc.constant('json' as const), body: endpoint.valid(), mutation: fc.constant(null), derived: fc.constant(true), contentType: jsonTypes }) },
    { weight: 5, arbitrary: fc.record({ ...base, encoding: fc.constant('json' as const), body: endpoint.valid(), mutation: mutation.map((m): Mutation | null => m), derived: fc.constant(true), contentType: jsonTypes }) },
    { weight: 2, arbitrary: fc.record({ ...base, encoding: fc.constant('json' as const), body: hostileJson, mutation: fc.constant(null), derived: fc.constant(false), contentType: jsonTypes }) },
    {
      weight: 2,
      arbitrary: fc.record({
        ...base,
        encoding: fc.constant('form' as const),
        body: endpoint.valid(),
        mutation: fc.option(mutation, { freq: 2, nil: null }),
        derived: fc.constant(true),
        contentType: fc.constant('application/x-www-form-urlencoded'),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        ...base,
        encoding: fc.constant('raw' as const),
        body: fc.oneof(hostileString, oddJsonText),
        mutation: fc.constant(null),
        derived: fc.constant(false),
        contentType: rawTypes,
      }),
    },
  )
}

/** Built once the accounts exist (the valid bodies name them). */
const anyCase = (): fc.Arbitrary<Case> =>
  fc.oneof(...(Object.keys(endpoints) as EndpointName[]).map((name) => ({ weight: endpoints[name].weight, arbitrary: caseFor(name) })))

/** The body as the server parses it (json and form), for the contract check; undefined for raw text. */
function encode(c: Case): { text: string; parsed: { value: unknown } | undefined } {
  const value = c.mutation === null ? c.body : mutate(c.body, c.mutation)
  switch (c.encoding) {
    case 'json': {
      const text = JSON.stringify(value) ?? 'null'
      return { text, parsed: { value: JSON.parse(text) } }
    }
    case 'form': {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        const text = String(value)
        return { text, parsed: undefined }
      }
      const params = new URLSearchParams()
      const parsed: Record<string, string | string[]> = {}
      for (const [key, field] of Object.entries(value)) {
        const values = Array.isArray(field) ? field.map(formValue) : [formValue(field)]
        for (const item of values) params.append(wellFormed(key), item)
        parsed[wellFormed(key)] = values.length === 1 ? (values[0] as string) : values
      }
      // Keys the form carries more than once, or an empty array, parse differently: leave those unchecked.
      const checkable = Object.values(value).every((field) => !Array.isArray(field) || field.length === 1)
      return { text: params.toString(), parsed: checkable ? { value: parsed } : undefined }
    }
    case 'raw':
      return { text: c.body as string, parsed: undefined }
  }
}

function formValue(value: unknown): string {
  return wellFormed(typeof value === 'string' ? value : (JSON.stringify(value) ?? 'undefined'))
}

function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
}

async function login(): Promise<string> {
  const reply = await rest.login(me.username, PASSWORD)
  expect(reply.status).toBe(200)
  return reply.json.token
}

const stats = new Map<string, number>()

async function oneCase(c: Case): Promise<void> {
  const endpoint = endpoints[c.endpoint]
  const { text, parsed } = encode(c)
  // Logout ends the session it is called with: give it one of its own.
  const token = c.endpoint === 'webhooks' ? undefined : c.endpoint === 'logout' ? await login() : me.token
  const headers: Record<string, string> = {}
  if (c.endpoint === 'webhooks') {
    headers['x-pusher-key'] = server.credentials.key
    const signature = createHmac('sha256', server.credentials.secret).update(text).digest('hex')
    headers['x-pusher-signature'] = c.signed ? signature : signature.replace(/^./, (ch) => (ch === '0' ? '1' : '0'))
  }
  await server.presence?.flush()
  const before = snapshot()
  let reply: Reply<unknown>
  try {
    reply = await rest.call('POST', endpoint.path(), {
      ...(token ? { token } : {}),
      raw: text,
      contentType: c.contentType,
      headers,
      timeoutMs: 10_000,
    })
  } catch (err) {
    throw new Error(`${c.endpoint} ${c.contentType} ${JSON.stringify(text.slice(0, 300))}: ${(err as Error).message}`, { cause: err })
  }
  await server.presence?.flush()
  const after = snapshot()
  const label = `POST ${endpoint.path()} (${c.encoding}, ${c.contentType}) ${JSON.stringify(text.slice(0, 300))}\n  → ${reply.status} ${reply.text.slice(0, 300)}`
  if (process.env.FUZZ_STATS) stats.set(`${c.endpoint} ${reply.status}`, (stats.get(`${c.endpoint} ${reply.status}`) ?? 0) + 1)

  expect(reply.status, label).toBeLessThan(500)
  expect([200, 201, 204].includes(reply.status) || (reply.status >= 400 && reply.status < 500), label).toBe(true)
  if (reply.status >= 400) {
    const error = (reply.json as { error?: { code?: unknown; message?: unknown } } | null)?.error
    expect(typeof error?.code === 'string' && typeof error.message === 'string' && error.message !== '', `error shape\n${label}`).toBe(true)
    expect(after, `a refused request changed state\n${label}`).toEqual(before)
    return
  }
  // Accepted: only a body the contract accepts (and, for webhooks, only with the right signature).
  if (c.endpoint === 'webhooks') expect(c.signed, `an unsigned webhook was accepted\n${label}`).toBe(true)
  if (endpoint.schema !== null && parsed !== undefined) {
    const ok = endpoint.schema.safeParse(parsed.value).success
    expect(ok, `accepted a body the contract refuses\n${label}`).toBe(true)
  }
  if (c.endpoint === 'logout') {
    // Exactly one session (the one used) is gone; nothing else changed.
    const { sessions: sessionsBefore, ...restBefore } = before
    const { sessions: sessionsAfter, ...restAfter } = after
    expect(restAfter, label).toEqual(restBefore)
    expect((sessionsAfter as unknown[]).length, label).toBe((sessionsBefore as unknown[]).length - 1)
    expect((await rest.get('/api/me', token)).status).toBe(401)
  }
  if (c.endpoint === 'channelAuth' || c.endpoint === 'userAuth') expect(after, `auth changed state\n${label}`).toEqual(before)
}

function isControl(c: Case): boolean {
  if (c.encoding !== 'json' || !c.derived || c.mutation !== null) return false
  // Webhook signatures are checked by the pusher SDK, which takes exactly `application/json`
  // (what Pusher sends); with any other content type a webhook is refused (401).
  return c.endpoint !== 'webhooks' || (c.signed && c.contentType === 'application/json')
}

test('every POST endpoint, random and mutated bodies: never a 5xx; 4xx {error} for what the contract refuses; state changes only when accepted', async () => {
  await checkProperty(
    'rest bodies',
    fc.asyncProperty(anyCase(), oneCase),
    400,
  )
  if (stats.size > 0) console.log(`[fuzz] rest statuses: ${JSON.stringify(Object.fromEntries([...stats].sort()))}`)
}, 120_000)

test('the control group: each endpoint accepts its valid bodies (so the fuzzer reaches the accepting paths)', async () => {
  await checkProperty(
    'rest bodies: control',
    fc.asyncProperty(
      fc.oneof(...(Object.keys(endpoints) as EndpointName[]).map((name) => caseFor(name).filter(isControl))),
      async (c) => {
        const endpoint = endpoints[c.endpoint]
        const token = c.endpoint === 'webhooks' ? undefined : c.endpoint === 'logout' ? await login() : me.token
        const { text } = encode(c)
        const headers: Record<string, string> =
          c.endpoint === 'webhooks'
            ? {
                'x-pusher-key': server.credentials.key,
                'x-pusher-signature': createHmac('sha256', server.credentials.secret).update(text).digest('hex'),
              }
            : {}
        const reply = await rest.call('POST', endpoint.path(), { ...(token ? { token } : {}), raw: text, contentType: c.contentType, headers })
        expect(endpoint.accepted, `${c.endpoint} ${text.slice(0, 200)} → ${reply.status} ${reply.text.slice(0, 200)}`).toContain(reply.status)
      },
    ),
    60,
  )
}, 60_000)
