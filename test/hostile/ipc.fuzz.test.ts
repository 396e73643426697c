/**
 * Property-based fuzzing of the IPC handlers (issue 6, "Hostile input"): every
 * call of the contract (src/shared/ipc.ts) against the REAL desktop core,
 * signed in to a real `npm run server` child process as a user with two
 * conversations (and messages) with other users — plus two conversations of
 * other users that the core's user is not a member of.
 *
 * Arguments are valid ones (ids resolved at run time: the user's conversations,
 * foreign ones, missing ones, user ids in conversation fields, own messages,
 * others' clientIds), valid ones with one part mutated (replaced by any JSON
 * value, retyped, deleted, a character flipped, a `__proto__` key added),
 * valid ones with one field of the wrong type or with extra keys, and wholly
 * random values (fc.anything, NaN/±Infinity/-0, deep nesting, a 1 MB string,
 * prototype-pollution objects, functions and symbols). Call names are the
 * contract's, and sometimes not (`__proto__`, `dispose`, `on`, non-strings).
 *
 * Properties, per call:
 * - dispatchCall resolves (never rejects) a structured-clone-safe envelope;
 * - arguments the contract's schema refuses are `bad_request` naming the call;
 *   otherwise an error carries one of the core's domain codes for that call
 *   (never `internal`), and signed out, every call that needs an account is
 *   `unauthorized`;
 * - what an accepted call returns is what it may return (a message only in an
 *   own conversation, hits only from own conversations, a delete only of an
 *   own unsent message, a link only http(s)…);
 * - Object.prototype and friends are untouched.
 * And after each property, the state nobody was entitled to change is
 * unchanged: the foreign conversations (history and each member's view, over
 * REST), the other members' markers, the profile; the user's conversations
 * load and equal the server's history; the outbox is drained; every message
 * the user has on the server passed the body rules (1–4,000 characters after
 * trimming) and was an accepted sendMessage; settings.json parses and equals
 * getSettings. The server process is still running and nothing was thrown
 * into the void.
 *
 * The properties:
 * - every call but login/register/logout, one at a time, signed in;
 * - login, register and logout (they change who is signed in): a failed one
 *   leaves the session as it was, a successful one switches it; signed out, a
 *   random call follows; then the core signs in as the user again;
 * - the Electron trust boundary (src/main/ipc.ts with the fake electron module,
 *   as src/main/ipc.test.ts uses it): a call from any frame but the window's
 *   top document is `forbidden` before the core is touched; the window's calls
 *   get the same lawful replies as dispatchCall;
 * - batches of calls fired at once, as the renderer may.
 * Two races the fuzzing found are pinned at the end as `test.fails`.
 *
 * The core may reach only its own server: a global fetch guard refuses every
 * other origin (as a failed DNS lookup would), so a mutated server URL never
 * leaves the machine. Seeds, FUZZ_SEED, FUZZ_RUNS and FUZZ_STATS: support.ts.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { inspect } from 'node:util'
import fc from 'fast-check'
import { afterAll, beforeAll, expect, test, vi } from 'vitest'
import { z } from 'zod'
import { BrowserWindow, FakeWebFrame, ipcMain } from '../shell/fake-electron'
import { Account as CoreAccount } from '../../src/main/core/account/account'
import { dispatchCall, isCallName } from '../../src/main/core/dispatch'
import { registerIpcHandlers, windowSenderCheck } from '../../src/main/ipc'
import { LIMITS, MUTE_FOREVER, sendMessageRequestSchema, type Conversation, type Message, type User } from '../../src/shared/api'
import {
  defaultSettings,
  ipcCallNames,
  ipcChannel,
  type ChatConversation,
  type ChatMessage,
  type IpcCallName,
  type IpcEnvelope,
  type SearchHit,
} from '../../src/shared/ipc'
import { ipcArgs } from '../../src/shared/ipc-schema'
import { cleanupCoreDirs, expectCacheEqualsServer, startCore, waitConnected, type TestCore } from '../helpers/core'
import { freePort } from '../kit/ports'
import { PASSWORD, Rest, type Account } from '../helpers/rest'
import { hostileJson, hostileString, mutate, mutation, nested, setOwn, type Mutation } from './arbitraries'
import { checkProperty, sleep, startChildServer, until, type ChildServer } from './support'

// The shell logs every refused sender at warn level: keep the test output quiet.
vi.hoisted(() => {
  process.env.PARLEY_LOG_LEVEL ??= 'silent'
})
vi.mock('electron', () => import('../shell/fake-electron'))

let server: ChildServer
let rest: Rest
let me: Account
let other: Account
let outsider: Account
/** A user in none of the conversations above: the session property may sign in as them without moving anyone's markers. */
let spare: Account
let closedPort: number
let tc: TestCore
/** The user's conversations (from setup, and any createConversation accepted). */
const mine: string[] = []
/** Conversations of other users only. */
const foreign: string[] = []
/** Before the fuzzing: the foreign conversations as each member sees them, and their histories. */
let foreignBefore: unknown
/** Before the fuzzing: other members' markers in the user's setup conversations. */
let markersBefore: unknown
let profileBefore: unknown
let othersClientIds: string[] = []
let foreignClientIds: string[] = []

/** Display names of accepted updateProfile calls. */
const acceptedNames = new Set<string>()
/** Every sendMessage the core accepted: clientId → its conversation and trimmed body. */
const accepted = new Map<string, { conversationId: string; body: string }>()
/** clientIds of accepted discardMessage and cancelSend calls (discarding a pending message races its send: either outcome is fine). */
const deleted = new Set<string>()
/** clientIds of accepted sends with files: their uploads may be refused for good (an empty file…), so either outcome is fine. */
const withFiles = new Set<string>()
/** Staged ids the core handed out (beginAttachment, pickAttachments), for the calls that name one. */
const stagedIds: string[] = []
/** Files the property sent whole (begin, append, finish, send), for cancelling every other one. */
let filesSent = 0
/** Bodies of accepted editMessage calls, by clientId: the server may hold any of them (the last one, unless refused). */
const edits = new Map<string, string[]>()
/** Messages the setup sent as the user over REST: clientId → conversation. */
const setupSends = new Map<string, string>()
/** Requests the fetch guard refused: [call that was running, URL]. */
const refusedFetches: [string, string][] = []
/** Errors thrown into the void while the fuzzer ran. */
const escaped: unknown[] = []
const stats = new Map<string, number>()
let running = 'setup'

const onEscape = (err: unknown): void => void escaped.push(err)

/**
 * For the race tests: the response to matching requests is held back until
 * released (the request itself reaches the server and is answered at once).
 */
let heldResponses: { method: string; /** Matched against path and query. */ path: RegExp; onHeld: () => void; release: Promise<void> } | null = null

function holdResponses(method: string, path: RegExp): { held: Promise<void>; release: () => void } {
  let onHeld = (): void => undefined
  let release = (): void => undefined
  const held = new Promise<void>((resolve) => (onHeld = resolve))
  heldResponses = { method, path, onHeld, release: new Promise<void>((resolve) => (release = resolve)) }
  return { held, release }
}

const realFetch = globalThis.fetch
async function guardedFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const href = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
  let origin = ''
  try {
    origin = new URL(href).origin
  } catch {
    // Not a URL: fetch refuses it itself.
  }
  if (server !== undefined && origin !== '' && origin !== new URL(server.url).origin) {
    refusedFetches.push([running, href])
    throw new TypeError('fetch failed', { cause: { code: 'ENOTFOUND' } })
  }
  const response = await realFetch(input, init)
  const hold = heldResponses
  const { pathname, search } = new URL(href)
  if (hold !== null && (init?.method ?? 'GET') === hold.method && hold.path.test(pathname + search)) {
    hold.onHeld()
    await hold.release
  }
  return response
}

// ---------------------------------------------------------------------------
// Prototype pollution

const PROTOTYPES = { Object: Object.prototype, Array: Array.prototype, Function: Function.prototype, String: String.prototype }

/** Every own property (and its value) of the built-in prototypes a payload could reach. */
function prototypeSnapshot(): Map<string, unknown> {
  const snapshot = new Map<string, unknown>()
  for (const [name, proto] of Object.entries(PROTOTYPES)) {
    for (const key of Reflect.ownKeys(proto)) {
      const descriptor = Reflect.getOwnPropertyDescriptor(proto, key)
      snapshot.set(`${name}.${String(key)}`, descriptor?.value ?? descriptor?.get)
    }
  }
  return snapshot
}
const pristinePrototypes = prototypeSnapshot()

function expectNoPollution(label: string): void {
  expect(prototypeSnapshot(), `a built-in prototype changed after ${label}`).toEqual(pristinePrototypes)
  const probe: Record<string, unknown> = {}
  for (const key of ['polluted', 'isAdmin', 'admin', 'user_id']) expect(probe[key], `({}).${key} after ${label}`).toBeUndefined()
}

// ---------------------------------------------------------------------------
// Setup

beforeAll(async () => {
  process.on('unhandledRejection', onEscape)
  process.on('uncaughtException', onEscape)
  vi.stubGlobal('fetch', guardedFetch)
  server = await startChildServer()
  closedPort = await freePort()
  rest = new Rest(server.url)
  ;[me, other, outsider, spare] = (await Promise.all(['ipcme', 'ipcother', 'ipcout', 'ipcspare'].map((name) => rest.newUser(name)))) as [
    Account,
    Account,
    Account,
    Account,
  ]
  const direct = await rest.conversation(me, [other])
  const group = await rest.conversation(me, [other, outsider], 'Fuzz group')
  const foreignDirect = await rest.conversation(other, [outsider])
  const foreignGroup = await rest.conversation(outsider, [other], 'Not for ipcme')
  mine.push(direct.id, group.id)
  foreign.push(foreignDirect.id, foreignGroup.id)
  for (const text of ['one', 'two', 'three']) await rest.send(other, direct.id, text)
  for (const [id, text] of [[direct.id, 'hi from me'], [group.id, 'hi group']] as const) setupSends.set((await rest.send(me, id, text)).clientId, id)
  await rest.send(outsider, group.id, 'group hello')
  for (const text of ['secret one', 'secret two', 'secret three']) await rest.send(other, foreignDirect.id, text)
  await rest.send(outsider, foreignGroup.id, 'group secret')

  othersClientIds = (await rest.allMessages(me, direct.id)).filter((m) => m.senderId !== me.user.id).map((m) => m.clientId)
  foreignClientIds = (await rest.allMessages(other, foreignDirect.id)).map((m) => m.clientId)
  foreignBefore = await foreignState()
  markersBefore = await othersMarkers()
  profileBefore = await profile()

  tc = await startCore(server.url)
  await signInAsMe()
  await until(async () => (await core().listConversations()).length === mine.length, 'the core synced the conversations', 15_000)
  for (const id of mine) await until(() => core().currentAccount?.cache.highestSeq(id) === conversationLastSeq(id), `history of ${id}`, 15_000)
}, 60_000)

afterAll(async () => {
  await tc?.stop()
  await server?.stop()
  cleanupCoreDirs()
  vi.unstubAllGlobals()
  process.off('unhandledRejection', onEscape)
  process.off('uncaughtException', onEscape)
})

const core = (): TestCore['core'] => tc.core

function conversationLastSeq(id: string): number {
  return core().currentAccount?.cache.conversation(id)?.lastSeq ?? -1
}

async function signInAsMe(): Promise<void> {
  const session = await core().login({ serverUrl: server.url, username: me.username, password: PASSWORD })
  expect(session.user?.id).toBe(me.user.id)
  await waitConnected(core())
}

/** Who the user is on the server (presence aside). */
async function profile(): Promise<unknown> {
  const { id, username, displayName } = (await rest.get<User>('/api/me', me.token)).json
  return { id, username, displayName }
}

/** Who the core is signed in as, and where (presence aside). */
async function who(): Promise<{ serverUrl: string; user: string | null }> {
  const session = await core().getSession()
  return { serverUrl: session.serverUrl, user: session.user && `${session.user.id} ${session.user.username}` }
}

/** The foreign conversations as each of their members sees them, and their whole histories. */
async function foreignState(): Promise<unknown> {
  const state: Record<string, unknown> = {}
  for (const id of foreign) {
    state[id] = {
      byOther: await rest.conversationById(other, id),
      byOutsider: await rest.conversationById(outsider, id),
      history: await rest.allMessages(other, id),
    }
  }
  return state
}

/** The markers of everyone but the user in the setup conversations (only they can move them). */
async function othersMarkers(): Promise<unknown> {
  const state: Record<string, unknown> = {}
  for (const id of mine.slice(0, 2)) {
    const { [me.user.id]: _mine, ...theirs } = (await rest.conversationById(me, id)).markers
    state[id] = theirs
  }
  return state
}

// ---------------------------------------------------------------------------
// Arguments

/** A placeholder in a valid argument, resolved when the case runs (the ids exist only then). */
type Ref =
  | { $ref: 'conversation'; pool: 'mine' | 'foreign' | 'missing' | 'user'; pick: number }
  | { $ref: 'clientId'; pool: 'sent' | 'others' | 'foreign' | 'fresh'; pick: number }
  | { $ref: 'user'; pool: 'me' | 'other' | 'outsider' | 'missing'; pick: number }
  | { $ref: 'serverUrl'; pool: 'ours' | 'slash' | 'path' | 'closed'; pick: number }
  /** `{conversationId, clientId}` of a message the user sent (pending or sent), for retryMessage and discardMessage. */
  | { $ref: 'ownMessage'; pool: 'any'; pick: number }
  /** A message key (`senderId:clientId`): the user's, another member's, one in a foreign conversation, or none. */
  | { $ref: 'messageKey'; pool: 'own' | 'others' | 'foreign' | 'fresh'; pick: number }
  /** A staged attachment id: one the core handed out (being received, staged, sent or discarded), or one it never made. */
  | { $ref: 'staged'; pool: 'known' | 'fresh'; pick: number }

const ref = <R extends Ref['$ref']>(kind: R, pools: Extract<Ref, { $ref: R }>['pool'][]): fc.Arbitrary<Ref> =>
  fc.record({ $ref: fc.constant(kind), pool: fc.constantFrom(...pools), pick: fc.nat() }) as fc.Arbitrary<Ref>

const conversationRef = ref('conversation', ['mine', 'mine', 'mine', 'mine', 'foreign', 'foreign', 'missing', 'user'])
/**
 * For the calls that change who is in a conversation and how it is called (rename, members, roles,
 * leaving): only conversations the user is not in, so that the server refuses them (the user's own
 * conversations and their members must stay as the state checks know them; the integration tests
 * cover these calls where they are allowed).
 */
const notMineRef = ref('conversation', ['foreign', 'foreign', 'missing', 'user'])
const clientIdRef = ref('clientId', ['sent', 'sent', 'others', 'foreign', 'fresh'])
const userRef = ref('user', ['other', 'other', 'outsider', 'me', 'missing'])
/** Whom the user may block: not the other member of the setup conversations (they must stay able to post to the user). */
const blockableRef = ref('user', ['outsider', 'me', 'missing'])
const serverUrlRef = ref('serverUrl', ['ours', 'ours', 'ours', 'slash', 'path', 'closed'])
const ownMessageRef = ref('ownMessage', ['any'])
const messageKeyRef = ref('messageKey', ['own', 'own', 'others', 'others', 'foreign', 'fresh'])
const stagedRef = ref('staged', ['known', 'known', 'known', 'fresh'])
/** Attachment ids: none of them is in the user's cache (the fuzzing sends no file the server keeps). */
const attachmentIdArb = fc.oneof(fc.constantFrom('a_AAAAAAAAAAAAAAAAAAAAAAAA', '..', '../x', 'thumbnail'), fc.string({ minLength: 1, maxLength: 64 }))
const pickFrom = <T>(list: readonly T[], pick: number, fallback: T): T => (list.length === 0 ? fallback : (list[pick % list.length] as T))
const MISSING_CONVERSATION = 'c_AAAAAAAAAAAAAAAAAAAAAAAA'
const MISSING_USER = 'u_AAAAAAAAAAAAAAAAAAAAAAAA'

function resolveRef(r: Ref): unknown {
  switch (r.$ref) {
    case 'conversation':
      if (r.pool === 'mine') return pickFrom(mine, r.pick, MISSING_CONVERSATION)
      if (r.pool === 'foreign') return pickFrom(foreign, r.pick, MISSING_CONVERSATION)
      if (r.pool === 'user') return pickFrom([me.user.id, other.user.id], r.pick, MISSING_USER)
      return MISSING_CONVERSATION
    case 'clientId':
      if (r.pool === 'sent') return pickFrom([...accepted.keys(), ...setupSends.keys()], r.pick, 'none-sent')
      if (r.pool === 'others') return pickFrom(othersClientIds, r.pick, 'none')
      if (r.pool === 'foreign') return pickFrom(foreignClientIds, r.pick, 'none')
      return `fresh-${r.pick}`
    case 'user':
      if (r.pool === 'me') return me.user.id
      if (r.pool === 'other') return other.user.id
      if (r.pool === 'outsider') return outsider.user.id
      return MISSING_USER
    case 'serverUrl':
      if (r.pool === 'ours') return server.url
      if (r.pool === 'slash') return `${server.url}/`
      if (r.pool === 'path') return `${server.url}/nope`
      return `http://127.0.0.1:${closedPort}`
    case 'messageKey':
      if (r.pool === 'own') return `${me.user.id}:${pickFrom([...accepted.keys(), ...setupSends.keys()], r.pick, 'none-sent')}`
      if (r.pool === 'others') return `${other.user.id}:${pickFrom(othersClientIds, r.pick, 'none')}`
      if (r.pool === 'foreign') return `${outsider.user.id}:${pickFrom(foreignClientIds, r.pick, 'none')}`
      return `${me.user.id}:fresh-${r.pick}`
    case 'staged':
      return r.pool === 'known' ? pickFrom(stagedIds, r.pick, 'staged-none-yet') : `staged-fresh-${r.pick}`
    case 'ownMessage': {
      const own = [...[...accepted].map(([clientId, { conversationId }]) => ({ conversationId, clientId })), ...[...setupSends].map(([clientId, conversationId]) => ({ conversationId, clientId }))]
      return pickFrom(own, r.pick, { conversationId: MISSING_CONVERSATION, clientId: 'none-sent' })
    }
  }
}

function isRef(value: unknown): value is Ref {
  return value !== null && typeof value === 'object' && Object.hasOwn(value, '$ref')
}

/** The template with its placeholders replaced (a new value; the template is reused by shrinking). */
function resolve(template: unknown): unknown {
  if (isRef(template)) return resolveRef(template)
  if (Array.isArray(template)) return template.map(resolve)
  if (template !== null && typeof template === 'object') {
    const out: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(template)) setOwn(out, key, resolve(value))
    return out
  }
  return template
}

/** Message bodies around the rules: 1–4,000 code points after trimming, no lone surrogates. */
const bodyArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }) },
  { weight: 2, arbitrary: hostileString },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'a'.repeat(LIMITS.bodyMax),
      'b'.repeat(LIMITS.bodyMax + 1),
      `  ${'c'.repeat(LIMITS.bodyMax)}  `,
      '😀'.repeat(LIMITS.bodyMax),
      '😀'.repeat(LIMITS.bodyMax + 1),
      'd'.repeat(LIMITS.bodyMax * 4),
      ' ',
      ' \t\r\n ',
      '\u3000\u00a0\ufeff',
      '\u200b',
      '\ud800',
      'tail\udc00',
      '\u0000',
      ' padded ',
    ),
  },
)

const seqArb = fc.oneof(fc.nat({ max: 12 }), fc.constantFrom(0, Number.MAX_SAFE_INTEGER))
const searchArb = fc.oneof(
  hostileString,
  fc.constantFrom('secret', 'one', 'hi', '"', '""', 'a OR b', 'NEAR(a b)', '*', 'body:one', 'one*', '%', '_', '\\', '^one', '-one', "'"),
)
/** A key may be missing or present as `undefined` (structured clone keeps it): neither may change that setting. */
const orUndefined = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.oneof({ weight: 4, arbitrary: arb }, fc.constant(undefined))
const settingsPatchArb = fc.record(
  {
    notifications: orUndefined(fc.boolean()),
    showMessagePreview: orUndefined(fc.boolean()),
    sendReadReceipts: orUndefined(fc.boolean()),
    language: orUndefined(fc.constantFrom('system', 'en', 'zh-CN')),
    theme: orUndefined(fc.constantFrom('system', 'light', 'dark')),
    downloadCacheMiB: orUndefined(fc.oneof(fc.integer({ min: 100, max: 1_000_000 }), fc.constantFrom(100, 1_024, 1_000_000))),
    quietHours: orUndefined(fc.record({ enabled: fc.boolean(), start: fc.integer({ min: 0, max: 1_439 }), end: fc.integer({ min: 0, max: 1_439 }) })),
    autoUpdate: orUndefined(fc.boolean()),
    updateUrl: orUndefined(fc.constantFrom(null, 'https://updates.example.org/parley/', 'http://127.0.0.1:9/updates/')),
    launchAtLogin: orUndefined(fc.boolean()),
    startMinimized: orUndefined(fc.boolean()),
    closeToTray: orUndefined(fc.boolean()),
    historyBudget: orUndefined(
      fc.oneof(
        fc.constant({ kind: 'all' as const }),
        fc.record({ kind: fc.constant('days' as const), days: fc.integer({ min: 1, max: 36_500 }) }),
        fc.record({ kind: fc.constant('messages' as const), count: fc.integer({ min: 50, max: 10_000_000 }) }),
      ),
    ),
    cacheMessageCap: orUndefined(fc.oneof(fc.constant(null), fc.integer({ min: 1_000, max: 100_000_000 }), fc.constantFrom(1_000, 500_000, 100_000_000))),
    spellcheck: orUndefined(fc.boolean()),
    spellcheckLanguages: orUndefined(fc.array(fc.constantFrom('en-US', 'de', 'pt-BR', 'zh-CN', 'sr-Latn'), { maxLength: 10 })),
  },
  { requiredKeys: [] },
)
const urlArb = fc.oneof(
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.constantFrom('https://example.com/a?b=c#d', 'http://[::1]:8080/', 'HTTP://EXAMPLE.COM', `https://example.com/${'x'.repeat(1_900)}`, 'https://user:pw@example.com/'),
)

/** A valid argument (with placeholders) for each call; the mapped type makes a new call a compile error here. */
const validTemplates: { [K in IpcCallName]: fc.Arbitrary<unknown> } = {
  getAppInfo: fc.constant(undefined),
  getSession: fc.constant(undefined),
  login: fc.record({
    serverUrl: serverUrlRef,
    username: fc.oneof({ weight: 3, arbitrary: fc.constantFrom('$me', '$spare') }, fc.stringMatching(/^[A-Za-z0-9_.-]{1,32}$/)),
    password: fc.oneof({ weight: 3, arbitrary: fc.constant(PASSWORD) }, fc.string({ minLength: 1, maxLength: 40 })),
  }),
  register: fc.record(
    {
      serverUrl: serverUrlRef,
      username: fc.oneof(fc.constant('$me'), { weight: 3, arbitrary: fc.stringMatching(/^[A-Za-z0-9_.-]{1,32}$/) }),
      password: fc.oneof(fc.constant(PASSWORD), fc.string({ minLength: 1, maxLength: 40 })),
      displayName: fc.string({ maxLength: LIMITS.displayNameMax }),
    },
    { requiredKeys: ['serverUrl', 'username', 'password'] },
  ),
  logout: fc.constant(undefined),
  getConnection: fc.constant(undefined),
  retryNow: fc.constant(undefined),
  listConversations: fc.constant(undefined),
  createConversation: fc.record(
    { memberIds: fc.array(userRef, { minLength: 1, maxLength: 3 }), title: fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom(' ', '\ud800', 't'.repeat(LIMITS.titleMax))) },
    { requiredKeys: ['memberIds'] },
  ),
  setMuted: fc.record({
    conversationId: conversationRef,
    mutedUntil: fc.oneof(fc.constant(null), fc.constant(MUTE_FOREVER), fc.integer({ min: 0, max: MUTE_FOREVER }), fc.constantFrom(0, 1, Date.now() + 60_000)),
  }),
  renameConversation: fc.record({ conversationId: notMineRef, title: fc.oneof(fc.string({ minLength: 1, maxLength: 30 }), fc.constantFrom(' ', '\ud800', 't'.repeat(LIMITS.titleMax + 1))) }),
  addMembers: fc.record({ conversationId: notMineRef, userIds: fc.array(userRef, { minLength: 1, maxLength: 3 }) }),
  removeMember: fc.record({ conversationId: notMineRef, userId: userRef }),
  setMemberRole: fc.record({ conversationId: notMineRef, userId: userRef, role: fc.constantFrom('admin', 'member') }),
  leaveConversation: fc.record({ conversationId: notMineRef }),
  blockUser: fc.record({ userId: blockableRef }),
  unblockUser: fc.record({ userId: blockableRef }),
  listBlocked: fc.constant(undefined),
  // The user's own name (changing nothing), or names the rules refuse.
  updateProfile: fc.record({ displayName: fc.constantFrom('$myName', '$myName', ' ', '\u202eevil', 'x'.repeat(LIMITS.displayNameMax + 1), '\u0000', '\u200b') }),
  // Never the right current password: the password must stay as the setup made it.
  changePassword: fc.record({
    current: fc.string({ minLength: 1, maxLength: 40 }).filter((current) => current !== PASSWORD),
    next: fc.string({ minLength: LIMITS.passwordMin, maxLength: 40 }),
  }),
  listSessions: fc.constant(undefined),
  revokeSession: fc.record({ sessionId: fc.oneof(fc.string({ minLength: 1, maxLength: 64 }), fc.constantFrom('s_AAAAAAAAAAAAAAAAAAAAAAAA', '..', 'current')) }),
  createInvite: fc.record({ expiresInHours: fc.integer({ min: 1, max: LIMITS.inviteHoursMax }) }, { requiredKeys: [] }),
  getDraft: fc.record({ conversationId: conversationRef }),
  setDraft: fc.record({ conversationId: conversationRef, text: fc.oneof(fc.string({ maxLength: 60 }), fc.constant('')) }),
  setActiveConversation: fc.record({ conversationId: fc.option(conversationRef, { nil: null }) }),
  listUsers: fc.record({ query: fc.oneof(fc.string({ maxLength: 100 }), fc.constantFrom('ipc', '%', '_', ',')) }, { requiredKeys: [] }),
  getUsers: fc.record({ ids: fc.array(userRef, { maxLength: 5 }) }),
  releaseMessages: fc.record({ conversationIds: fc.array(conversationRef, { maxLength: 5 }) }),
  listConversationPage: fc.record(
    {
      after: fc.option(fc.record({ lastActivityAt: fc.oneof(fc.nat(), fc.constant(Date.now())), id: fc.oneof(conversationRef, fc.string({ minLength: 1, maxLength: 64 })) }), { nil: null }),
      limit: fc.integer({ min: 1, max: 500 }),
      include: fc.array(conversationRef, { maxLength: 3 }),
    },
    { requiredKeys: ['after', 'limit'] },
  ),
  loadMessages: fc.record(
    { conversationId: conversationRef, beforeSeq: seqArb, limit: fc.integer({ min: 1, max: LIMITS.pageMax }) },
    { requiredKeys: ['conversationId'] },
  ),
  sendMessage: fc.oneof(
    { weight: 3, arbitrary: fc.record({ conversationId: conversationRef, body: bodyArb }) },
    { weight: 1, arbitrary: fc.record({ conversationId: conversationRef, body: bodyArb, replyToKey: messageKeyRef }) },
    { weight: 1, arbitrary: fc.record({ conversationId: conversationRef, body: fc.oneof(bodyArb, fc.constant('')), attachments: fc.array(stagedRef, { maxLength: 3 }) }) },
  ),
  pickAttachments: fc.record({ conversationId: conversationRef }),
  beginAttachment: fc.record({
    conversationId: conversationRef,
    name: fc.oneof(fc.string({ minLength: 1, maxLength: 40 }), fc.constantFrom('../../etc/passwd', 'a\u202egpj.exe', 'CON.txt', '.', '/')),
    size: fc.oneof(fc.nat({ max: 64 }), fc.constantFrom(0, LIMITS.uploadBytesDefault, LIMITS.uploadBytesDefault + 1, 4 * 1024 ** 3)),
  }),
  appendAttachment: fc.record({ stagedId: stagedRef, bytes: fc.uint8Array({ minLength: 1, maxLength: 48 }) }),
  finishAttachment: fc.record({ stagedId: stagedRef }),
  discardStaged: fc.record({ stagedId: stagedRef }),
  cancelSend: fc.oneof(ownMessageRef, fc.record({ conversationId: conversationRef, clientId: clientIdRef })),
  downloadAttachment: fc.record({ attachmentId: attachmentIdArb }),
  cancelDownload: fc.record({ attachmentId: attachmentIdArb }),
  openAttachment: fc.record({ attachmentId: attachmentIdArb }),
  saveAttachmentAs: fc.record({ attachmentId: attachmentIdArb }),
  showAttachmentInFolder: fc.record({ attachmentId: attachmentIdArb }),
  retryMessage: fc.oneof(ownMessageRef, fc.record({ conversationId: conversationRef, clientId: clientIdRef })),
  discardMessage: fc.oneof(ownMessageRef, fc.record({ conversationId: conversationRef, clientId: clientIdRef })),
  editMessage: fc.record({ conversationId: conversationRef, messageKey: messageKeyRef, body: bodyArb }),
  deleteForEveryone: fc.record({ conversationId: conversationRef, messageKey: messageKeyRef }),
  setReaction: fc.record({
    conversationId: conversationRef,
    messageKey: messageKeyRef,
    emoji: fc.oneof(fc.constantFrom('👍', '❤', '❤️', '🇫🇷', '👍🏽', '1️⃣', 'a', '👍👍', ' ', '\u200d'), fc.string({ minLength: 1, maxLength: 8 })),
    on: fc.boolean(),
  }),
  markRead: fc.record({ conversationId: conversationRef, seq: seqArb }),
  setTyping: fc.record({ conversationId: conversationRef, typing: fc.boolean() }),
  search: fc.record({ query: searchArb, limit: fc.integer({ min: 1, max: 200 }) }, { requiredKeys: ['query'] }),
  searchServer: fc.record({ query: searchArb, limit: fc.integer({ min: 1, max: 50 }) }, { requiredKeys: ['query'] }),
  getSettings: fc.constant(undefined),
  updateSettings: settingsPatchArb,
  getWindowState: fc.constant(undefined),
  firstScreenPainted: fc.constant(undefined),
  openExternal: fc.record({ url: urlArb }),
  getUpdateStatus: fc.constant(undefined),
  checkForUpdates: fc.constant(undefined),
  installUpdate: fc.constant(undefined),
  takeDeepLink: fc.constant(undefined),
  getSpellcheckLanguages: fc.constant(undefined),
}

/** `$me`/`$spare` in login and register: the accounts' usernames. */
function resolveUsernames(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value
  const record = value as Record<string, unknown>
  if (record.username === '$me') setOwn(record, 'username', me.username)
  if (record.username === '$spare') setOwn(record, 'username', spare.username)
  if (record.displayName === '$myName') setOwn(record, 'displayName', me.user.displayName)
  return value
}

/** Values no schema should take: odd numbers, odd objects, huge and deep ones, prototype bait. */
const exotic: fc.Arbitrary<unknown> = fc.constantFrom<unknown>(
  undefined,
  null,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  -0,
  2 ** 53 + 2,
  '',
  'x'.repeat(1_000_000),
  [],
  [undefined],
  // A sparse array: [<hole>, 1].
  Object.assign(new Array<unknown>(2), { 1: 1 }),
  {},
  Object.create(null),
  new Date(Number.NaN),
  new Map([['conversationId', 'c']]),
  new Set(['c']),
  new Uint8Array(8),
  10n,
  JSON.parse('{"__proto__":{"polluted":true,"isAdmin":true}}'),
  { constructor: { prototype: { polluted: true } } },
  JSON.parse('{"conversationId":"c","__proto__":{"conversationId":"x","body":"polluted"}}'),
  nested(1_000, 'object'),
  nested(1_000, 'array'),
  () => 'a function',
  Symbol('a symbol'),
)

const anything = fc.anything({
  maxDepth: 3,
  maxKeys: 5,
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withSparseArray: true,
  withTypedArray: true,
  key: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'prototype', 'conversationId', 'body', 'seq', 'polluted')),
})

const wrongValue: fc.Arbitrary<unknown> = fc.oneof(exotic, anything, hostileJson)

/** How a case builds its argument from a valid template. */
type Shape =
  | { kind: 'valid' }
  | { kind: 'mutated'; mutation: Mutation }
  | { kind: 'wrongField'; field: number; value: unknown }
  | { kind: 'extraKeys'; keys: [string, unknown][] }
  | { kind: 'random'; value: unknown }

const shapeArb = (validWeight: number): fc.Arbitrary<Shape> => fc.oneof(
  { weight: validWeight, arbitrary: fc.constant({ kind: 'valid' as const }) },
  { weight: 4, arbitrary: mutation.map((m): Shape => ({ kind: 'mutated', mutation: m })) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('wrongField' as const), field: fc.nat(), value: wrongValue }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('extraKeys' as const),
      keys: fc.array(fc.tuple(fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'senderId', 'id', 'seq'), hostileString), wrongValue), {
        minLength: 1,
        maxLength: 3,
      }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('random' as const), value: wrongValue }) },
)

interface Case {
  name: unknown
  template: unknown
  shape: Shape
}

/** Names that are not calls: prototype keys, core methods outside the contract, non-strings. */
const notCallNames = fc.oneof(
  fc.constantFrom<unknown>('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'dispose', 'on', 'emit', 'windowFocusChanged', 'currentAccount', 'requireAccount', '', 'sendmessage', ' sendMessage'),
  hostileString,
  fc.constantFrom<unknown>(null, undefined, 42, ['sendMessage'], { toString: () => 'sendMessage' }),
)

/**
 * The calls on messages, drawn three times as often as the others: their accepting paths need an
 * accepted send first (edits, deletes and reactions of it), and the contract has grown around them.
 */
const MESSAGE_CALLS = new Set<unknown>(['sendMessage', 'editMessage', 'deleteForEveryone', 'setReaction', 'discardMessage', 'cancelSend', 'retryMessage'])

/** Cases for `names` (and now and then a name that is not a call); `validWeight` against 13 for the broken shapes. */
function caseFor(names: readonly IpcCallName[], options: { unknownNames: boolean; validWeight: number }): fc.Arbitrary<Case> {
  const shape = shapeArb(options.validWeight)
  const known = fc.oneof(
    ...names.map((name) => ({
      weight: MESSAGE_CALLS.has(name) ? 3 : 1,
      arbitrary: fc.record({ name: fc.constant<unknown>(name), template: validTemplates[name], shape }),
    })),
  )
  if (!options.unknownNames) return known
  return fc.oneof(
    { weight: 20, arbitrary: known },
    { weight: 1, arbitrary: fc.record({ name: notCallNames, template: fc.constant(undefined), shape }) },
  )
}

/** The argument a case sends: its template resolved, then reshaped. */
function argsOf(c: Case): unknown {
  const valid = resolveUsernames(resolve(c.template))
  switch (c.shape.kind) {
    case 'valid':
      return valid
    case 'mutated':
      return mutate(valid, c.shape.mutation)
    case 'random':
      return c.shape.value
    case 'wrongField': {
      const schema: z.ZodType = isCallName(c.name) ? ipcArgs[c.name] : z.undefined()
      if (!(schema instanceof z.ZodObject) || valid === null || typeof valid !== 'object') return c.shape.value
      const fields = Object.keys(schema.shape)
      const copy = { ...(valid as Record<string, unknown>) }
      setOwn(copy, fields[c.shape.field % fields.length] as string, c.shape.value)
      return copy
    }
    case 'extraKeys': {
      if (valid === null || typeof valid !== 'object') return c.shape.keys.length > 0 ? Object.fromEntries(c.shape.keys) : valid
      const copy = { ...(valid as Record<string, unknown>) }
      for (const [key, value] of c.shape.keys) setOwn(copy, key, value)
      return copy
    }
  }
}

// ---------------------------------------------------------------------------
// What a reply may be

/** Codes an accepted (schema-valid) argument may still get from the core, by call. */
const domainCodes: { [K in IpcCallName]: readonly string[] } = {
  getAppInfo: [],
  getSession: [],
  // The server refuses what its own schema refuses; a URL with a path finds no api; a closed port is unreachable.
  login: ['bad_request', 'unauthorized', 'not_found', 'unreachable'],
  register: ['bad_request', 'conflict', 'not_found', 'unreachable'],
  logout: [],
  getConnection: [],
  retryNow: [],
  listConversations: [],
  listConversationPage: [],
  // Unknown members, or only the user: refused by the server.
  createConversation: ['bad_request'],
  // Online calls: `offline` while the connection is down (a logout/login of the session property).
  setMuted: ['not_found', 'offline'],
  renameConversation: ['bad_request', 'not_found', 'offline'],
  addMembers: ['bad_request', 'not_found', 'offline'],
  removeMember: ['bad_request', 'not_found', 'offline'],
  setMemberRole: ['bad_request', 'not_found', 'offline'],
  leaveConversation: ['bad_request', 'not_found', 'offline'],
  // Myself (bad_request), someone unknown (not_found).
  blockUser: ['bad_request', 'not_found', 'offline'],
  unblockUser: ['bad_request', 'not_found', 'offline'],
  listBlocked: ['offline'],
  updateProfile: ['bad_request', 'offline'],
  // A wrong current password is forbidden (never a sign-out); tries are rate limited.
  changePassword: ['bad_request', 'forbidden', 'rate_limited', 'offline'],
  listSessions: ['offline'],
  revokeSession: ['not_found', 'offline'],
  // Only a server admin creates invites.
  createInvite: ['forbidden', 'offline'],
  getDraft: [],
  setDraft: ['not_found'],
  setActiveConversation: [],
  listUsers: [],
  getUsers: [],
  loadMessages: ['not_found'],
  releaseMessages: [],
  // The body rules (trimmed, 1–4,000 code points, no lone surrogate) are checked by the core.
  sendMessage: ['bad_request', 'not_found', 'conflict'],
  // A conversation that is not the user's; a staged id unknown, still being received, or already sent or discarded;
  // more bytes than declared, or fewer at finish; a size over the server's limit.
  pickAttachments: ['not_found'],
  beginAttachment: ['not_found', 'too_large', 'too_many'],
  appendAttachment: ['not_found', 'bad_request'],
  finishAttachment: ['not_found', 'bad_request'],
  discardStaged: ['not_found'],
  // Not an unsent message of the user's; its post already on its way.
  cancelSend: ['not_found', 'conflict'],
  // No attachment of the user's cache has any of the fuzzer's ids.
  downloadAttachment: ['not_found'],
  cancelDownload: [],
  openAttachment: ['not_found'],
  saveAttachmentAs: ['not_found'],
  showAttachmentInFolder: ['not_found'],
  retryMessage: ['not_found'],
  discardMessage: ['not_found'],
  // Someone else's message (forbidden), a failed or deleted one (conflict), an emoji that is not one (bad_request).
  editMessage: ['bad_request', 'not_found', 'forbidden', 'conflict'],
  deleteForEveryone: ['not_found', 'forbidden', 'conflict'],
  setReaction: ['bad_request', 'not_found', 'conflict'],
  markRead: ['not_found'],
  // A conversation that is not the user's.
  setTyping: ['not_found'],
  search: [],
  // Needs the server (offline while the connection is down, unreachable when a request finds none); rate limited.
  searchServer: ['offline', 'unreachable', 'rate_limited'],
  getSettings: [],
  updateSettings: [],
  getWindowState: [],
  firstScreenPainted: [],
  // The schema's URL check and the core's differ slightly: what `new URL` refuses is bad_request.
  openExternal: ['bad_request'],
  getUpdateStatus: [],
  checkForUpdates: [],
  // Nothing is ever downloaded here (no updater): there is no update to install.
  installUpdate: ['conflict'],
  takeDeepLink: [],
  getSpellcheckLanguages: [],
}

/** Calls that need a signed-in account: signed out, they are `unauthorized` (and nothing else). */
const needsAccount = new Set<IpcCallName>([
  'retryNow',
  'listConversations',
  'listConversationPage',
  'createConversation',
  'setMuted',
  'renameConversation',
  'addMembers',
  'removeMember',
  'setMemberRole',
  'leaveConversation',
  'blockUser',
  'unblockUser',
  'listBlocked',
  'updateProfile',
  'changePassword',
  'listSessions',
  'revokeSession',
  'createInvite',
  'getDraft',
  'setDraft',
  'listUsers',
  'getUsers',
  'loadMessages',
  'sendMessage',
  'pickAttachments',
  'beginAttachment',
  'appendAttachment',
  'finishAttachment',
  'discardStaged',
  'cancelSend',
  'downloadAttachment',
  'cancelDownload',
  'openAttachment',
  'saveAttachmentAs',
  'showAttachmentInFolder',
  'retryMessage',
  'discardMessage',
  'editMessage',
  'deleteForEveryone',
  'setReaction',
  'markRead',
  'setTyping',
  'search',
  'searchServer',
])

const SESSION_CALLS: IpcCallName[] = ['login', 'register', 'logout']
const ACCOUNT_CALLS = ipcCallNames.filter((name) => !SESSION_CALLS.includes(name))

/** For failure messages: util.inspect survives what fc.stringify does not (an array whose own `constructor` is null). */
function describe(value: unknown): string {
  const text = inspect(value, { depth: 4, maxArrayLength: 10, maxStringLength: 200, breakLength: Number.POSITIVE_INFINITY })
  return text.length > 400 ? `${text.slice(0, 400)}…` : text
}

function count(key: string): void {
  stats.set(key, (stats.get(key) ?? 0) + 1)
}

/** Everything a reply to `name(args)` must satisfy on its own, signed in or not. */
function expectLawfulReply(name: unknown, args: unknown, reply: IpcEnvelope<unknown>, signedIn: boolean, call: string): void {
  const label = `${call} → ${describe(reply)}`
  expect(reply !== null && typeof reply === 'object' && typeof reply.ok === 'boolean', `not an envelope\n${label}`).toBe(true)
  expect(() => structuredClone(reply), `the reply cannot cross IPC\n${label}`).not.toThrow()
  if (!reply.ok) {
    expect(typeof reply.error.code === 'string' && typeof reply.error.message === 'string' && reply.error.message !== '', label).toBe(true)
    expect(reply.error.code, `an unexpected failure\n${label}`).not.toBe('internal')
  }
  if (!isCallName(name)) {
    expect(reply, label).toEqual({ ok: false, error: { code: 'bad_request', message: 'Unknown call' } })
    count('(not a call) bad_request')
    return
  }
  count(`${name} ${reply.ok ? 'ok' : reply.error.code}`)
  if (!ipcArgs[name].safeParse(args).success) {
    expect(reply.ok, `the schema refuses this, the call accepted it\n${label}`).toBe(false)
    if (!reply.ok) {
      expect(reply.error.code, label).toBe('bad_request')
      expect(reply.error.message.startsWith(`${name}: `), `the message names the call\n${label}`).toBe(true)
    }
    return
  }
  if (reply.ok) return
  if (!signedIn && needsAccount.has(name)) expect(reply.error.code, label).toBe('unauthorized')
  else expect(domainCodes[name], `not one of ${name}'s codes\n${label}`).toContain(reply.error.code)
}

/** What an accepted call returned must be what it may return, and the bookkeeping for the final checks. */
function expectLawfulValue(name: IpcCallName, raw: unknown, value: unknown, call: string, before: ChatMessage | null): void {
  const label = `${call} → ${describe(value)}`
  const args = ipcArgs[name].parse(raw) as Record<string, unknown>
  const conversationId = args?.conversationId as string | undefined
  const own = conversationId !== undefined && core().currentAccount?.cache.conversation(conversationId) != null
  switch (name) {
    case 'sendMessage': {
      const message = value as ChatMessage
      expect(own && mine.includes(message.conversationId), `sent into a conversation that is not the user's\n${label}`).toBe(true)
      const body = sendMessageRequestSchema.shape.body.safeParse(args.body)
      expect(body.success, `accepted a body the rules refuse\n${label}`).toBe(true)
      expect(message, label).toMatchObject({ state: 'pending', seq: null, senderId: me.user.id, body: body.data })
      expect(message.attachments.map((a) => a.key), `sent with other files than staged\n${label}`).toEqual(args.attachments ?? [])
      accepted.set(message.clientId, { conversationId: message.conversationId, body: message.body })
      if (message.attachments.length > 0) withFiles.add(message.clientId)
      break
    }
    case 'beginAttachment':
      expect(own, `a file staged for a conversation that is not the user's\n${label}`).toBe(true)
      stagedIds.push((value as { stagedId: string }).stagedId)
      break
    case 'finishAttachment':
      expect(value, label).toMatchObject({ stagedId: args.stagedId, size: expect.any(Number), mime: expect.any(String) })
      break
    case 'cancelSend':
      expect(own && accepted.get(args.clientId as string)?.conversationId === conversationId, `cancelled a message the user did not send there\n${label}`).toBe(true)
      expect(before !== null && before.state !== 'sent', `cancelled a message that was not unsent\n${label}`).toBe(true)
      deleted.add(args.clientId as string)
      break
    case 'pickAttachments':
      // The recording shell's picker is cancelled (no files queued): nothing is staged.
      expect(own && Array.isArray(value) && value.length === 0, label).toBe(true)
      break
    case 'saveAttachmentAs':
    case 'openAttachment':
    case 'downloadAttachment':
    case 'showAttachmentInFolder':
      throw new Error(`an attachment that is not in the user's cache was served\n${label}`)
    case 'listConversationPage': {
      // Never a conversation that is not the user's, whatever `include` and `after` name.
      const { conversations } = value as { conversations: ChatConversation[] }
      const cache = core().currentAccount?.cache
      expect(conversations.every((c) => cache?.conversation(c.id) != null), `listed a conversation that is not the user's\n${label}`).toBe(true)
      expect(conversations.length, label).toBeLessThanOrEqual((args.limit as number) + (args.include as string[]).length)
      break
    }
    case 'loadMessages': {
      const page = value as { messages: ChatMessage[] }
      expect(own, `loaded a conversation that is not the user's\n${label}`).toBe(true)
      expect(page.messages.length, label).toBeLessThanOrEqual(args.limit as number)
      expect(page.messages.every((m) => m.conversationId === conversationId), label).toBe(true)
      break
    }
    case 'setMuted': {
      expect(own, label).toBe(true)
      const view = value as ChatConversation
      expect(view.muted, label).toBe(view.mutedUntil !== null)
      if (args.mutedUntil === null) expect(view.mutedUntil, label).toBeNull()
      if (args.mutedUntil === MUTE_FOREVER) expect(view.mutedUntil, label).toBe(MUTE_FOREVER)
      break
    }
    case 'renameConversation':
    case 'addMembers':
    case 'removeMember':
    case 'setMemberRole':
    case 'leaveConversation':
      throw new Error(`managed a conversation the user is not in\n${label}`)
    case 'updateProfile':
      expect((value as { id: string; displayName: string }).id, label).toBe(me.user.id)
      acceptedNames.add((value as { displayName: string }).displayName)
      break
    case 'setDraft':
      expect(own, `a draft for a conversation that is not the user's\n${label}`).toBe(true)
      break
    case 'markRead':
      expect(own, label).toBe(true)
      break
    case 'retryMessage':
      expect(own && before?.state === 'failed', `retried a message that had not failed\n${label}`).toBe(true)
      break
    case 'editMessage':
    case 'deleteForEveryone': {
      const message = value as ChatMessage
      expect(own && message.senderId === me.user.id && message.conversationId === conversationId, `changed a message that is not the user's\n${label}`).toBe(true)
      if (name === 'deleteForEveryone') expect(message, label).toMatchObject({ body: '', deletedAt: expect.any(Number) })
      else edits.set(message.clientId, [...(edits.get(message.clientId) ?? []), message.body])
      break
    }
    case 'setReaction':
      expect(own && (value as ChatMessage).conversationId === conversationId, `reacted outside the user's conversations\n${label}`).toBe(true)
      break
    case 'discardMessage':
      expect(own && accepted.get(args.clientId as string)?.conversationId === conversationId, `deleted a message the user did not send there\n${label}`).toBe(true)
      expect(before !== null && before.state !== 'sent', `deleted a message that was not unsent\n${label}`).toBe(true)
      deleted.add(args.clientId as string)
      break
    case 'createConversation': {
      const conversation = value as ChatConversation
      const wanted = new Set([me.user.id, ...(args.memberIds as string[])])
      expect(new Set(conversation.memberIds), label).toEqual(wanted)
      if (!mine.includes(conversation.id)) mine.push(conversation.id)
      break
    }
    case 'search':
    case 'searchServer':
      expect((value as SearchHit[]).every((hit) => mine.includes(hit.conversationId)), `a hit outside the user's conversations\n${label}`).toBe(true)
      expect((value as SearchHit[]).length, label).toBeLessThanOrEqual(args.limit as number)
      break
    case 'getUsers':
      expect((value as { id: string }[]).every((user) => (args.ids as string[]).includes(user.id)), label).toBe(true)
      break
    case 'openExternal': {
      // The shell got the normalised link (calls in a batch may open theirs in any order).
      const href = new URL(args.url as string).href
      expect(tc.services.opened, label).toContain(href)
      expect(['http:', 'https:'], label).toContain(new URL(href).protocol)
      break
    }
    case 'updateSettings':
      expect(value, label).toEqual(expect.objectContaining(Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined))))
      break
    default:
      break
  }
}

/** The user's own message that `args` names, as the cache holds it before the call (for retryMessage and discardMessage). */
function ownMessageBefore(args: unknown): ChatMessage | null {
  const { conversationId, clientId } = (args ?? {}) as { conversationId?: unknown; clientId?: unknown }
  if (typeof conversationId !== 'string' || typeof clientId !== 'string') return null
  return core().currentAccount?.cache.ownMessage(conversationId, clientId) ?? null
}

/** One call through dispatchCall, with every per-call check. */
async function call(name: unknown, args: unknown, signedIn: boolean): Promise<IpcEnvelope<unknown>> {
  running = isCallName(name) ? name : '(not a call)'
  const label = `${describe(name)}(${describe(args)})`
  const before = ownMessageBefore(args)
  let reply: IpcEnvelope<unknown>
  try {
    reply = await dispatchCall(core(), name, args)
  } catch (err) {
    throw new Error(`dispatchCall rejected: ${label}: ${String(err)}`, { cause: err })
  }
  expectLawfulReply(name, args, reply, signedIn, label)
  if (reply.ok && isCallName(name) && signedIn) expectLawfulValue(name, args, reply.value, label, before)
  expectNoPollution(label)
  return reply
}

// ---------------------------------------------------------------------------
// What nobody was entitled to change

async function expectStateIntact(): Promise<void> {
  running = 'state check'
  expect(server.child.exitCode, 'the server process died').toBeNull()
  expect(escaped, 'errors thrown into the void').toEqual([])
  expectNoPollution('the run')
  const account = core().currentAccount
  expect(account?.me, 'the core is signed in as the user').toBe(me.user.id)
  if (!account) return

  // The outbox drains: everything the fuzzer queued went out or was dropped. (Asserted after the
  // foreign state, which says more when something went where it must not.)
  const drained = await until(async () => {
    await Promise.race([account.outbox.whenEmpty(), sleep(200)])
    return account.cache.outbox().length === 0
  }, 'the outbox drained', 15_000).then(
    () => null,
    (err: unknown) => err,
  )

  // The foreign conversations, the other members' markers and the profile are as they were.
  expect(await foreignState(), 'a foreign conversation changed').toEqual(foreignBefore)
  expect(await othersMarkers(), "another member's markers moved").toEqual(markersBefore)
  // updateProfile may have set the user's name again (the same, or one a mutation made of it): only to one it accepted.
  const { displayName, ...identity } = (await profile()) as { displayName: string }
  const { displayName: nameBefore, ...identityBefore } = profileBefore as { displayName: string }
  expect(identity, 'the profile changed').toEqual(identityBefore)
  expect([nameBefore, ...acceptedNames], 'the name changed to one no accepted call gave').toContain(displayName)
  for (const id of foreign) {
    expect((await rest.get(`/api/conversations/${id}`, me.token)).status, 'the user became a member of a foreign conversation').toBe(404)
    expect(account.cache.conversation(id), 'a foreign conversation in the cache').toBeNull()
  }
  if (drained !== null) throw drained

  // The user's conversations: the same set as on the server, each cache equal to its history.
  const onServer = await rest.conversations(me)
  await until(async () => {
    const listed = await core().listConversations()
    return listed.length === onServer.length
  }, 'the core lists every conversation of the server', 10_000)
  expect(new Set((await core().listConversations()).map((c) => c.id))).toEqual(new Set(onServer.map((c) => c.id)))
  const token = account.api.token ?? ''
  for (const conversation of onServer) {
    await until(() => account.cache.highestSeq(conversation.id) >= conversation.lastSeq, `the cache of ${conversation.id} caught up`, 10_000)
    await expectCacheEqualsServer(core(), server.url, token, conversation.id)
    expectMarkersSane(conversation)
    const history = await rest.allMessages(me, conversation.id)
    const page = await dispatchCall(core(), 'loadMessages', { conversationId: conversation.id, limit: LIMITS.pageMax })
    expect(page.ok && (page.value as { messages: ChatMessage[] }).messages.map((m) => m.id)).toEqual(
      history.slice(-LIMITS.pageMax).map((m) => m.id),
    )
    for (const message of history.filter((m) => m.senderId === me.user.id)) expectLawfulSend(message)
  }
  // Every accepted send reached the server (unless it was deleted while pending).
  const sentIds = new Set((await Promise.all(onServer.map((c) => rest.allMessages(me, c.id)))).flat().map((m) => m.clientId))
  for (const clientId of accepted.keys()) {
    if (!deleted.has(clientId) && !withFiles.has(clientId)) expect(sentIds.has(clientId), `an accepted message never reached the server: ${clientId}`).toBe(true)
  }

  // Settings: the file parses and is what getSettings says.
  const settings = await core().getSettings()
  const strict = z.object({
    notifications: z.boolean(),
    showMessagePreview: z.boolean(),
    sendReadReceipts: z.boolean(),
    language: z.enum(['system', 'en', 'zh-CN']),
    theme: z.enum(['system', 'light', 'dark']),
    downloadCacheMiB: z.number().int().min(100).max(1_000_000),
    quietHours: z.object({ enabled: z.boolean(), start: z.number().int().min(0).max(1_439), end: z.number().int().min(0).max(1_439) }).strict(),
    autoUpdate: z.boolean(),
    updateUrl: z.url({ protocol: /^https?$/ }).max(500).nullable(),
    launchAtLogin: z.boolean(),
    startMinimized: z.boolean(),
    closeToTray: z.boolean(),
    historyBudget: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('all') }).strict(),
      z.object({ kind: z.literal('days'), days: z.number().int().min(1).max(36_500) }).strict(),
      z.object({ kind: z.literal('messages'), count: z.number().int().min(50).max(10_000_000) }).strict(),
    ]),
    cacheMessageCap: z.number().int().min(1_000).max(100_000_000).nullable(),
    spellcheck: z.boolean(),
    spellcheckLanguages: z.array(z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/)).max(10),
  })
  expect(strict.strict().safeParse(settings), `getSettings: ${describe(settings)}`).toEqual({ success: true, data: settings })
  let file: unknown = defaultSettings
  try {
    file = JSON.parse(readFileSync(join(tc.userDataDir, 'settings.json'), 'utf8'))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  expect(strict.strict().safeParse(file), `settings.json: ${describe(file)}`).toEqual({ success: true, data: settings })

  for (const url of tc.services.opened) expect(['http:', 'https:']).toContain(new URL(url).protocol)
}

function expectMarkersSane(conversation: Conversation): void {
  const own = conversation.markers[me.user.id]
  expect(own?.readSeq ?? 0).toBeLessThanOrEqual(conversation.lastSeq)
  expect(own?.deliveredSeq ?? 0).toBeLessThanOrEqual(conversation.lastSeq)
}

/** A message of the user on the server: a body within the rules, sent by an accepted call (or the setup). */
function expectLawfulSend(message: Message): void {
  const label = `${message.clientId}: ${describe(message.body)}`
  // A tombstone (deleted for everyone: only ever the user's own messages, by an accepted call) has no body left.
  if (message.deletedAt !== null) return expect(message.body, label).toBe('')
  const body = sendMessageRequestSchema.shape.body.safeParse(message.body)
  expect(body.success && body.data === message.body, `an invalid body reached the server\n${label}`).toBe(true)
  expect([...message.body].length, label).toBeLessThanOrEqual(LIMITS.bodyMax)
  if (setupSends.has(message.clientId)) return
  const sent = accepted.get(message.clientId)
  expect(sent?.conversationId, `a message nobody sent\n${label}`).toBe(message.conversationId)
  expect([sent?.body, ...(edits.get(message.clientId) ?? [])], `a body nobody wrote\n${label}`).toContain(message.body)
}

// ---------------------------------------------------------------------------
// Properties

function printStats(title: string): void {
  if (process.env.FUZZ_STATS) console.log(`[fuzz] ${title}: ${JSON.stringify(Object.fromEntries([...stats].sort()))}`)
  stats.clear()
}

test('every call, signed in: random and mutated arguments always get a lawful envelope; nothing outside the user’s reach changes', async () => {
  await checkProperty(
    'ipc calls',
    fc.asyncProperty(caseFor(ACCOUNT_CALLS, { unknownNames: true, validWeight: 4 }), async (c) => {
      const args = argsOf(c)
      const reply = await call(c.name, args, true)
      // After an accepted beginAttachment, a file arrives whole (its declared bytes, then finish) and is sent:
      // random appends seldom add up, and sends with files, their uploads and their cancel are to be reached too.
      if (c.name === 'beginAttachment' && reply.ok) {
        const { conversationId, size } = args as { conversationId: string; size: number }
        let { stagedId } = reply.value as { stagedId: string }
        let length = size
        if (size < 1 || size > 64) {
          length = 8
          const begun = await call('beginAttachment', { conversationId, name: 'fuzz.bin', size: length }, true)
          stagedId = begun.ok ? (begun.value as { stagedId: string }).stagedId : stagedId
        }
        await call('appendAttachment', { stagedId, bytes: new Uint8Array(length).fill(7) }, true)
        await call('finishAttachment', { stagedId }, true)
        const sent = await call('sendMessage', { conversationId, body: '', attachments: [stagedId] }, true)
        // Every other one is cancelled at once, while its upload runs (or, rarely, once its post is on its way: refused).
        filesSent++
        if (sent.ok && filesSent % 2 === 0) await call('cancelSend', { conversationId, clientId: (sent.value as ChatMessage).clientId }, true)
      }
      // Now and then, discard what was just sent while it is still pending (it races the outbox's POST, so until
      // one discard has won that race, after every send: whether a given one wins is the machine's timing).
      if (c.name === 'sendMessage' && c.shape.kind === 'valid') {
        const last = [...accepted.keys()].at(-1)
        const conversationId = (args as { conversationId: string }).conversationId
        if (last !== undefined && (accepted.size % 6 === 0 || !stats.has('discardMessage ok'))) {
          await call('discardMessage', { conversationId, clientId: last }, true)
        }
        // Or delete it for everyone (queued until it is sent).
        if (last !== undefined && accepted.size % 6 === 3) await call('deleteForEveryone', { conversationId, messageKey: `${me.user.id}:${last}` }, true)
        // And now and then edit it (pending or sent: the edit waits for its send), or react to it.
        if (last !== undefined && accepted.size % 3 === 1) {
          await call('editMessage', { conversationId, messageKey: `${me.user.id}:${last}`, body: `edited ${accepted.size}` }, true)
        }
        if (last !== undefined && accepted.size % 3 === 2) {
          await call('setReaction', { conversationId, messageKey: `${me.user.id}:${last}`, emoji: '👍', on: accepted.size % 2 === 0 }, true)
        }
      }
    }),
    // About 60 runs per call of the contract (57 of them): enough for the paths that need an accepted send first.
    4_000,
  )
  // The fuzzer reached the accepting path of every call that can accept without a fault.
  const reached = new Set([...stats.keys()].filter((key) => key.endsWith(' ok')).map((key) => key.split(' ')[0]))
  const unreachable = [
    // Needs a message the server refused for good; src/main/core/outbox tests cover it.
    'retryMessage',
    // Need an attachment in the user's cache (the fuzzer's ids are none): test/integration/core/attachments.test.ts covers them.
    'downloadAttachment',
    'openAttachment',
    'saveAttachmentAs',
    'showAttachmentInFolder',
    // Named only with conversations the user is not in (notMineRef): test/integration/core/groups-and-people.test.ts covers them.
    'renameConversation',
    'addMembers',
    'removeMember',
    'setMemberRole',
    'leaveConversation',
    // Never given the right password, nor a real session id (the user's sessions must stay): the same integration test covers them.
    'changePassword',
    'revokeSession',
    // Only the server's admin (its first account) creates invites, and the setup registers its users at once, in any order.
    'createInvite',
    // No updater here, so never an update to install: src/main/core/updates/ and test/integration/core/updates.test.ts cover it.
    'installUpdate',
  ]
  expect(ACCOUNT_CALLS.filter((name) => !reached.has(name) && !unreachable.includes(name))).toEqual([])
  printStats('calls')
  expect(refusedFetches, 'a signed-in call tried to leave the machine').toEqual([])
  await expectStateIntact()
}, 120_000)

test('login, register and logout: a failed one keeps the session; signed out, every call that needs an account is unauthorized', async () => {
  await checkProperty(
    'ipc session calls',
    fc.asyncProperty(caseFor(SESSION_CALLS, { unknownNames: false, validWeight: 8 }), caseFor(ACCOUNT_CALLS, { unknownNames: false, validWeight: 4 }), async (c, probe) => {
      const before = await who()
      const args = argsOf(c)
      const reply = await call(c.name, args, true)
      const after = await core().getSession()
      const label = `${describe(c.name)}(${describe(args)}) → ${describe(reply)}`
      if (!reply.ok) {
        expect(await who(), `a failed ${String(c.name)} changed the session\n${label}`).toEqual(before)
        expect(core().currentAccount?.me, label).toBe(me.user.id)
      } else if (c.name === 'logout') {
        expect(after.user, label).toBeNull()
        expect(core().currentAccount, label).toBeNull()
      } else {
        const { username } = args as { username: string }
        expect(after.user?.username.toLowerCase(), label).toBe(username.toLowerCase())
        expect(core().currentAccount?.me, label).toBe(after.user?.id)
      }
      if (after.user === null) await call(probe.name, argsOf(probe), false)
      if (core().currentAccount?.me !== me.user.id || (await core().getSession()).serverUrl !== server.url) await signInAsMe()
    }),
    60,
  )
  const reached = new Set([...stats.keys()].filter((key) => key.endsWith(' ok')).map((key) => key.split(' ')[0]))
  expect(SESSION_CALLS.filter((name) => !reached.has(name))).toEqual([])
  expect([...stats.keys()].some((key) => key.endsWith(' unauthorized'))).toBe(true)
  printStats('session calls')
  // Only login and register may name another server, and none of them got through the guard.
  expect(refusedFetches.filter(([name]) => name !== 'login' && name !== 'register')).toEqual([])
  await expectStateIntact()
}, 120_000)

test('the Electron trust boundary: a frame that is not the Parley window is refused before the core; the window gets lawful replies', async () => {
  const indexHtml = '/opt/parley/out/renderer/index.html'
  const ours = 'app://parley/index.html'
  const window = new BrowserWindow({})
  await window.loadURL(ours)
  const stranger = new BrowserWindow({})
  // Which contract methods of the core were looked up (dispatchCall reads `core[name]` only for a call it makes).
  const touched: string[] = []
  const watched = new Proxy(core(), {
    get(target, key, receiver) {
      if (typeof key === 'string' && isCallName(key)) touched.push(key)
      return Reflect.get(target, key, receiver)
    },
  })
  const dispose = registerIpcHandlers(watched, windowSenderCheck(() => window as unknown as Electron.BrowserWindow, { kind: 'app', directory: '/opt/parley/out/renderer' }))

  // The renderer is one origin, app://parley: any document on it is ours, nothing else is (the built file opened as file:// included).
  const ourUrl = fc.constantFrom(ours, `${ours}?x=1#/conversation/c1`, `${ours}#`, 'app://parley/')
  const otherUrl = fc.oneof(
    fc.constantFrom(
      'file:///tmp/evil.html',
      'https://evil.example/',
      'about:blank',
      'null',
      pathToFileURL(indexHtml).href,
      'app://parley.evil/index.html',
      'app://evil/index.html',
      'app://parley:1/index.html',
      'app://u:p@parley/index.html',
    ),
    hostileString,
  )
  const frameArb = fc.oneof(
    // The window's own document: trusted.
    fc.record({ sender: fc.constant('window' as const), frame: fc.constant('top' as const), url: ourUrl }),
    // Everything else, one part off at least once.
    fc.record({
      sender: fc.constantFrom('window' as const, 'stranger' as const),
      frame: fc.constantFrom('top' as const, 'null' as const, 'iframe' as const),
      url: fc.oneof(ourUrl, otherUrl),
    }),
  )
  try {
    await checkProperty(
      'ipc trust boundary',
      fc.asyncProperty(frameArb, caseFor(ipcCallNames, { unknownNames: false, validWeight: 4 }), async (from, c) => {
        const name = c.name as IpcCallName
        const frame =
          from.frame === 'null' ? null : from.frame === 'iframe' ? new FakeWebFrame(from.url, window.webContents.mainFrame) : new FakeWebFrame(from.url)
        const event = { sender: from.sender === 'window' ? window.webContents : stranger.webContents, senderFrame: frame }
        const urlIsOurs = from.url.startsWith('app://parley/')
        const trusted = from.sender === 'window' && from.frame === 'top' && urlIsOurs
        // Login, register and logout from the window are the session property's business.
        if (trusted && SESSION_CALLS.includes(name)) return
        const args = argsOf(c)
        const handler = ipcMain.handlers.get(ipcChannel(name))
        if (handler === undefined) throw new Error(`no handler for ${name}`)
        running = name
        touched.length = 0
        const before = ownMessageBefore(args)
        let reply: IpcEnvelope<unknown>
        try {
          reply = (await handler(event, args)) as IpcEnvelope<unknown>
        } catch (err) {
          throw new Error(`the ${name} handler rejected: ${String(err)}`, { cause: err })
        }
        const call = `${name}(${describe(args)}) from ${describe(from)}`
        const label = `${call} → ${describe(reply)}`
        if (!trusted) {
          expect(reply, label).toEqual({ ok: false, error: { code: 'forbidden', message: 'Only the Parley window may call this.' } })
          expect(touched, `a refused frame reached the core\n${label}`).toEqual([])
          count(`forbidden ${name}`)
        } else {
          expectLawfulReply(name, args, reply, true, call)
          if (reply.ok) expectLawfulValue(name, args, reply.value, call, before)
          expect(touched.length > 0, label).toBe(ipcArgs[name].safeParse(args).success)
        }
        expectNoPollution(label)
      }),
      300,
    )
  } finally {
    dispose()
  }
  expect([...stats.keys()].some((key) => key.startsWith('forbidden '))).toBe(true)
  expect([...stats.keys()].some((key) => key.endsWith(' ok'))).toBe(true)
  printStats('trust boundary')
  expect(core().currentAccount?.me, 'a refused logout signed the user out').toBe(me.user.id)
  await expectStateIntact()
}, 120_000)

test('concurrent calls, signed in: a batch fired at once (as the renderer may) gets lawful replies; nothing outside the user’s reach changes', async () => {
  await checkProperty(
    'ipc concurrent calls',
    fc.asyncProperty(fc.array(caseFor(ACCOUNT_CALLS, { unknownNames: false, validWeight: 8 }), { minLength: 2, maxLength: 6 }), async (batch) => {
      const calls = batch.map((c) => ({ name: c.name as IpcCallName, args: argsOf(c) }))
      running = 'concurrent batch'
      const before = calls.map(({ args }) => ownMessageBefore(args))
      const replies = await Promise.all(
        calls.map(({ name, args }) =>
          dispatchCall(core(), name, args).catch((err: unknown) => {
            throw new Error(`dispatchCall rejected: ${name}(${describe(args)}): ${String(err)}`)
          }),
        ),
      )
      // Sends first, so a delete in the same batch finds its message among the accepted ones.
      const order = calls.map((_, i) => i).sort((a, b) => Number(calls[b]?.name === 'sendMessage') - Number(calls[a]?.name === 'sendMessage'))
      for (const i of order) {
        const { name, args } = calls[i] as { name: IpcCallName; args: unknown }
        const reply = replies[i] as IpcEnvelope<unknown>
        const label = `${name}(${describe(args)}) in a batch of ${calls.map((c) => c.name).join(', ')}`
        expectLawfulReply(name, args, reply, true, label)
        if (reply.ok) expectLawfulValue(name, args, reply.value, label, before[i] ?? null)
      }
      expectNoPollution('a concurrent batch')
    }),
    100,
  )
  printStats('concurrent calls')
  await expectStateIntact()
}, 120_000)

// ---------------------------------------------------------------------------
// Known bugs (found by this fuzzing; not fixed here). Each is reproduced
// deterministically by holding back one response until the race has happened;
// `test.fails` passes while the bug is there — when it is fixed, turn it into a
// plain `test`. (A fix that serialises the calls must not make them hang: no
// step below waits on the held response without a time limit.)

/** A second core for a race, signed in as the user; every Account it opens is disposed afterwards, leaked or not. */
async function withRaceCore(run: (raceCore: TestCore['core']) => Promise<void>): Promise<void> {
  const started = vi.spyOn(CoreAccount.prototype, 'start')
  const race = await startCore(server.url)
  try {
    await race.core.login({ serverUrl: server.url, username: me.username, password: PASSWORD })
    await waitConnected(race.core)
    await run(race.core)
  } finally {
    heldResponses = null
    await race.stop()
    for (const account of started.mock.contexts) await (account as CoreAccount).dispose()
    started.mockRestore()
  }
}

test('a call racing logout (listUsers, createConversation) answers unauthorized or its result, never internal', async () => {
  await withRaceCore(async (raceCore) => {
    // The server has answered listUsers; the answer arrives after the user signed out.
    const { held, release } = holdResponses('GET', /^\/api\/users\?q=ipc$/)
    const listing = dispatchCall(raceCore, 'listUsers', { query: 'ipc' })
    await held
    const logout = await dispatchCall(raceCore, 'logout', undefined)
    release()
    const users = await listing
    expect(logout.ok).toBe(true)
    // Signed out meanwhile: `unauthorized` (or the users) would be lawful; `internal` is the bug.
    expect(users.ok || users.error.code).not.toBe('internal')
  })
}, 60_000)

test('two logins at once open one account: logout closes it, and the old user’s messages stop reaching the window', async () => {
  await withRaceCore(async (raceCore) => {
    const conversationId = mine[0] as string
    // A send in flight makes the first login's sign-out of the old account wait; the second login completes meanwhile.
    const { held, release } = holdResponses('POST', /^\/api\/conversations\/[^/]+\/messages$/)
    await dispatchCall(raceCore, 'sendMessage', { conversationId, body: 'just before signing in twice' })
    await held
    const logins = [1, 2].map(() => dispatchCall(raceCore, 'login', { serverUrl: server.url, username: me.username, password: PASSWORD }))
    await Promise.race([...logins, sleep(5_000)])
    release()
    expect((await Promise.all(logins)).map((reply) => reply.ok)).toEqual([true, true])
    heldResponses = null
    expect((await dispatchCall(raceCore, 'logout', undefined)).ok).toBe(true)
    await raceCore.login({ serverUrl: server.url, username: spare.username, password: PASSWORD })
    const seen: string[] = []
    raceCore.on('messages', (event) => seen.push(...event.messages.map((message) => message.body)))
    await rest.send(other, conversationId, `for ${me.username} only`)
    await sleep(1_500)
    // Signed in as someone else now: the old user's messages must not reach this window.
    expect(seen).toEqual([])
  })
}, 60_000)
