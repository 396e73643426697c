/**
 * Property-based fuzzing of the routes that change a message (issue 17):
 * PATCH and DELETE /api/conversations/:id/messages/:messageId and PUT/DELETE
 * …/reactions/:emoji, with arbitrary path segments (conversation ids, message
 * ids, emoji: any string percent-encoded, raw bytes, bad escapes), arbitrary
 * bodies, and callers who are the sender, another member or a stranger.
 *
 * Properties (state = every row of the SQLite database, read from the file):
 * - never a 5xx, and every 4xx is `{error:{code,message}}`;
 * - a refused request changes nothing;
 * - a stranger (in the conversation they are not in) never gets anything but
 *   400 or 404 — no 403 or 409 that would tell them the message exists;
 * - a 200 reaction is only for a segment that decodes to one emoji
 *   (reactionEmojiSchema), a 200 edit only for a body the contract accepts.
 */
import { join } from 'node:path'
import Database from 'better-sqlite3'
import fc from 'fast-check'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { editMessageRequestSchema, reactionEmojiSchema, type Conversation, type Message } from '../../src/shared/api'
import { Rest, type Account } from '../helpers/rest'
import { startTestServer, type TestServer } from '../helpers/server'
import { hostileJson, hostileString } from './arbitraries'
import { checkProperty } from './support'

let server: TestServer
let rest: Rest
let sender: Account
let member: Account
let stranger: Account
let conversation: Conversation
let elsewhere: Conversation
let messages: Message[]
let foreign: Message
let db: Database.Database

beforeAll(async () => {
  server = await startTestServer({
    AUTH_RATE_LIMIT: '1000000',
    SEND_RATE_LIMIT: '1000000',
    CHANGE_RATE_LIMIT: '1000000',
    CONVERSATION_RATE_LIMIT: '1000000',
  })
  rest = new Rest(server.url)
  ;[sender, member, stranger] = (await rest.newUsers(3, 'mc')) as [Account, Account, Account]
  conversation = await rest.conversation(sender, [member], 'Fuzz')
  elsewhere = await rest.conversation(stranger, [sender], 'Theirs')
  messages = []
  for (const text of ['one', 'two', 'three', 'four']) messages.push(await rest.send(sender, conversation.id, text))
  foreign = await rest.send(stranger, elsewhere.id, 'not yours')
  db = new Database(join(server.dataDir, 'parley.sqlite'), { readonly: true, fileMustExist: true })
})
afterAll(async () => {
  db?.close()
  await server?.stop()
})

const TABLES = ['conversations', 'messages', 'message_mentions', 'message_reactions'] as const

function snapshot(): Record<string, unknown> {
  const state: Record<string, unknown> = {}
  for (const table of TABLES) state[table] = db.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all()
  return state
}

type Who = 'sender' | 'member' | 'stranger'
type Route = 'edit' | 'delete' | 'react' | 'unreact'

interface Case {
  who: Who
  route: Route
  /** Path segments as sent (already encoded or deliberately not). */
  conversationSegment: string
  messageSegment: string
  emojiSegment: string
  body: unknown
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** A string as a path segment: percent-encoded (well-formed only), raw printable, or a hand-made escape. */
const segmentOf = (text: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.oneof(
    text.filter((s) => s.length > 0 && !LONE_SURROGATE.test(s)).map(encodeURIComponent),
    fc.stringMatching(/^[A-Za-z0-9_.~!$&'()*+,;=:@-]{1,40}$/),
    fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 12 }).map((bytes) =>
      bytes.map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join(''),
    ),
    fc.constantFrom('%', '%Z', '%ZZ', '%E0%A4', '%ED%A0%80', '%F4%90%80%80', '%C0%AF', '%00', '%20', '%2F', '..%2F'),
  )

const emojiText = fc.oneof(
  fc.constantFrom('👍', '❤', '❤️', '🇫🇷', '👩‍💻', '1️⃣', '👍🏽', '🏴󠁧󠁢󠁳󠁣󠁴󠁿', '😀', '🎉', '👀', '✅'),
  fc.constantFrom('👍👍', 'a', '1', '#', '\u200d', '\ufe0f', '👍\u0000', ' 👍', '🇫', '👍'.repeat(20)),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 3 }),
  hostileString,
)

const anyCase = (): fc.Arbitrary<Case> =>
  fc.record({
    who: fc.constantFrom<Who>('sender', 'member', 'stranger'),
    route: fc.constantFrom<Route>('edit', 'delete', 'react', 'unreact', 'react'),
    conversationSegment: fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(conversation.id) },
      { weight: 1, arbitrary: fc.constantFrom(elsewhere.id, 'c_unknown') },
      { weight: 1, arbitrary: segmentOf(hostileString) },
    ),
    messageSegment: fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...messages.map((m) => m.id)) },
      { weight: 1, arbitrary: fc.constantFrom(foreign.id, 'm_unknown') },
      { weight: 1, arbitrary: segmentOf(hostileString) },
    ),
    emojiSegment: segmentOf(emojiText),
    body: fc.oneof(
      { weight: 3, arbitrary: fc.record({ body: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }) }) },
      { weight: 1, arbitrary: fc.record({ body: hostileString }) },
      { weight: 1, arbitrary: hostileJson },
    ),
  })

const tokenOf = (who: Who): string => ({ sender, member, stranger })[who].token

/** The stranger in the conversation they are not in (their own, `elsewhere`, is theirs to change). */
const intruding = (c: Case): boolean => c.who === 'stranger' && c.conversationSegment === conversation.id

function decoded(segment: string): string | null {
  try {
    return decodeURIComponent(segment)
  } catch {
    return null
  }
}

async function oneCase(c: Case): Promise<void> {
  const base = `/api/conversations/${c.conversationSegment}/messages/${c.messageSegment}`
  const [method, path] =
    c.route === 'edit'
      ? ['PATCH', base]
      : c.route === 'delete'
        ? ['DELETE', base]
        : [c.route === 'react' ? 'PUT' : 'DELETE', `${base}/reactions/${c.emojiSegment}`]
  const before = snapshot()
  const reply = await rest.call(method, path, {
    token: tokenOf(c.who),
    ...(c.route === 'edit' ? { raw: JSON.stringify(c.body) ?? 'null' } : {}),
    timeoutMs: 10_000,
  })
  const after = snapshot()
  const label = `${c.who} ${method} ${path} ${c.route === 'edit' ? JSON.stringify(c.body)?.slice(0, 200) : ''}\n  → ${reply.status} ${reply.text.slice(0, 300)}`

  expect(reply.status, label).toBeLessThan(500)
  if (reply.status >= 400) {
    const error = (reply.json as { error?: { code?: unknown; message?: unknown } } | null)?.error
    expect(typeof error?.code === 'string' && typeof error.message === 'string' && error.message !== '', `error shape\n${label}`).toBe(true)
    expect(after, `a refused request changed state\n${label}`).toEqual(before)
    if (intruding(c)) expect([400, 404], label).toContain(reply.status)
    return
  }
  expect(reply.status, label).toBe(200)
  expect(intruding(c), `a stranger changed a message\n${label}`).toBe(false)
  if (c.route === 'react' || c.route === 'unreact') {
    const text = decoded(c.emojiSegment)
    expect(text !== null && reactionEmojiSchema.safeParse(text).success, `accepted an emoji the contract refuses\n${label}`).toBe(true)
  }
  if (c.route === 'edit') expect(editMessageRequestSchema.safeParse(c.body).success, `accepted a bad edit\n${label}`).toBe(true)
}

test('edit, delete and reaction routes, arbitrary segments and bodies: never a 5xx; refusals change nothing; strangers learn nothing', async () => {
  await checkProperty('message changes', fc.asyncProperty(anyCase(), oneCase), 400)
}, 120_000)
