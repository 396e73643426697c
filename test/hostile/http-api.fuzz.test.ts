/**
 * Property-based fuzzing of the Pusher HTTP API (`/apps/{appId}/…`) of the
 * embedded realtime server (issue 6, "Hostile input"). Requests are made with
 * node:http (so nothing normalises them): random methods, paths (real routes,
 * `..`, `//`, bad escapes, Unicode, other app ids), query strings, content
 * types and bodies — valid events and batches (some mutated), any JSON, any
 * text — signed correctly over whatever is sent, or signed wrongly in one way
 * (flipped signature, other secret, key, method or path, stale or future
 * timestamp, wrong body_md5, no signature, duplicated parameter).
 *
 * Properties, checked against a raw observer socket on a public, a private
 * and a presence channel, and a socket signed in as user `victim`:
 * - never a 5xx;
 * - a request that is not correctly signed changes nothing: it is 4xx, nothing
 *   is published, no connection is terminated;
 * - a correctly signed request publishes only when it answers 200, and then
 *   exactly what it describes (the channels, name and data of each event,
 *   less the socket it excludes) — nothing else arrives;
 * - a request to an unknown app id is refused as a wrong signature is;
 * - a correctly signed POST sent again (a replay) changes nothing;
 * - the unmutated valid requests (the control group) are accepted.
 * "Nothing arrived" is proven by a marker published after each request: the
 * observer receives frames in order.
 */
import { createHash, createHmac } from 'node:crypto'
import { request } from 'node:http'
import fc from 'fast-check'
import { afterAll, beforeAll, expect, test } from 'vitest'
import WebSocket from 'ws'
import { startTestServer, type TestServer } from '../helpers/server'
import { hostileJson, hostileString, mutate, mutation, type Mutation } from './arbitraries'
import { checkProperty, until } from './support'

let server: TestServer

/** A socket that keeps every frame it receives, with `data` exactly as sent. */
class Observer {
  readonly frames: { event: string; channel?: string; data?: unknown }[] = []
  closeCode: number | null = null
  socketId = ''
  constructor(readonly ws: WebSocket) {
    ws.on('error', () => undefined)
    ws.on('message', (raw) => {
      const frame = JSON.parse(raw.toString()) as Observer['frames'][number]
      this.frames.push(frame)
      // Answer the server's heartbeat, or it drops a socket that is only listening.
      if (frame.event === 'pusher:ping') this.send({ event: 'pusher:pong', data: {} })
    })
    ws.on('close', (code) => (this.closeCode = code))
  }

  static async open(): Promise<Observer> {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/app/${server.realtime.app.key}?protocol=7&client=js&version=8.6.0`)
    const observer = new Observer(ws)
    await until(() => observer.frames.length > 0, 'connection_established')
    observer.socketId = (JSON.parse(observer.frames[0]?.data as string) as { socket_id: string }).socket_id
    return observer
  }

  send(frame: unknown): void {
    this.ws.send(JSON.stringify(frame))
  }
}

const CHANNELS = ['fuzz-a', 'private-fuzz-b', 'presence-fuzz-c'] as const
let observer: Observer
let victim: Observer

function sign(payload: string, secret = server.realtime.app.secret): string {
  return createHmac('sha256', secret).update(payload).digest('hex')
}

async function signedInVictim(): Promise<Observer> {
  const socket = await Observer.open()
  const userData = JSON.stringify({ id: 'victim' })
  socket.send({
    event: 'pusher:signin',
    data: { auth: `${server.realtime.app.key}:${sign(`${socket.socketId}::user::${userData}`)}`, user_data: userData },
  })
  await until(() => socket.frames.some((frame) => frame.event === 'pusher:signin_success'), 'victim signed in')
  return socket
}

beforeAll(async () => {
  server = await startTestServer()
  observer = await Observer.open()
  const key = server.realtime.app.key
  const presenceData = JSON.stringify({ user_id: 'observer' })
  observer.send({ event: 'pusher:subscribe', data: { channel: 'fuzz-a' } })
  observer.send({ event: 'pusher:subscribe', data: { channel: 'private-fuzz-b', auth: `${key}:${sign(`${observer.socketId}:private-fuzz-b`)}` } })
  observer.send({
    event: 'pusher:subscribe',
    data: {
      channel: 'presence-fuzz-c',
      auth: `${key}:${sign(`${observer.socketId}:presence-fuzz-c:${presenceData}`)}`,
      channel_data: presenceData,
    },
  })
  await until(
    () => observer.frames.filter((frame) => frame.event === 'pusher_internal:subscription_succeeded').length === 3,
    'observer subscribed',
  )
  victim = await signedInVictim()
})
afterAll(async () => {
  observer?.ws.close()
  victim?.ws.close()
  await server?.stop()
})

// ---------------------------------------------------------------------------
// Requests

type Signing =
  | 'valid'
  | 'flipped'
  | 'otherSecret'
  | 'otherKey'
  | 'stale'
  | 'future'
  | 'badMd5'
  | 'none'
  | 'empty'
  | 'otherMethod'
  | 'otherPath'
  | 'duplicated'
  | 'version'

interface RequestSpec {
  method: string
  appId: 'real' | string
  route: string[]
  extraParams: [string, string][]
  contentType: string | null
  body:
    | { kind: 'none' }
    | { kind: 'event'; value: Record<string, unknown>; mutation: Mutation | null }
    | { kind: 'batch'; value: Record<string, unknown>; mutation: Mutation | null }
    | { kind: 'json'; value: unknown }
    | { kind: 'text'; text: string }
  signing: Signing
  timestampOffset: number
}

const channelName = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...CHANNELS) },
  { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z0-9_\-=@,.;]{1,30}$/) },
  { weight: 1, arbitrary: fc.constantFrom('presence-other', 'private-other', '#server-to-user-victim', '', 'a'.repeat(201)) },
  { weight: 1, arbitrary: hostileString },
)

/** Lone surrogates replaced by U+FFFD (what URLs and headers can carry). */
function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
}

/** Stands for `count` copies of `unit`, expanded when the body is built (keeps counterexamples short). */
const BIG = '\u0000big:'
const eventData = fc.oneof(
  fc.jsonValue().map((value) => JSON.stringify(value)),
  hostileString,
  fc.constantFrom(`${BIG}10240:x`, `${BIG}10241:x`, `${BIG}5121:é`),
)

function expandBig(value: string): string {
  if (!value.startsWith(BIG)) return value
  const [count, unit] = value.slice(BIG.length).split(':')
  return (unit ?? 'x').repeat(Number(count))
}

const socketIdArb = (): fc.Arbitrary<string> =>
  fc.oneof(fc.constant('observer'), fc.constantFrom('1.1', '123.456', 'abc', ''), hostileString)

const eventBody = fc.record(
  {
    name: fc.oneof(fc.constantFrom('fuzz-event', 'client-x', 'pusher:subscribe', 'pusher_internal:member_added'), hostileString),
    data: eventData,
    channels: fc.array(channelName, { minLength: 1, maxLength: 4 }),
    socket_id: socketIdArb(),
    info: fc.constantFrom('subscription_count', 'user_count', 'subscription_count,user_count', 'bogus', ''),
  },
  { requiredKeys: ['name', 'data', 'channels'] },
)

const batchBody = fc
  .array(
    fc.record(
      { channel: channelName, name: fc.oneof(fc.constant('fuzz-batch'), hostileString), data: eventData, socket_id: socketIdArb() },
      { requiredKeys: ['channel', 'name', 'data'] },
    ),
    { minLength: 1, maxLength: 11 },
  )
  .map((batch) => ({ batch }))

const segment = fc.oneof(
  fc.constantFrom('..', '.', '', '%2e%2e', '%zz', '%', 'events', 'batch_events', 'channels', 'users', '%00'),
  hostileString.map((text) => encodeURIComponent(wellFormed(text))),
)

/** A route and the method it is served with (the fuzzer mostly uses that one). */
interface Target {
  route: string[]
  method: string
}
const target = (route: string[], method: string): Target => ({ route, method })
const route: fc.Arbitrary<Target> = fc.oneof(
  { weight: 6, arbitrary: fc.constant(target(['events'], 'POST')) },
  { weight: 4, arbitrary: fc.constant(target(['batch_events'], 'POST')) },
  { weight: 2, arbitrary: fc.constant(target(['channels'], 'GET')) },
  { weight: 2, arbitrary: channelName.map((name) => ({ route: ['channels', encodeURIComponent(wellFormed(name))], method: 'GET' })) },
  {
    weight: 1,
    arbitrary: channelName.map((name) => ({ route: ['channels', encodeURIComponent(wellFormed(name)), 'users'], method: 'GET' })),
  },
  {
    weight: 2,
    arbitrary: fc
      .oneof(fc.constant('victim'), hostileString)
      .map((id) => ({ route: ['users', encodeURIComponent(wellFormed(id)), 'terminate_connections'], method: 'POST' })),
  },
  { weight: 2, arbitrary: fc.array(segment, { minLength: 0, maxLength: 4 }).map((route) => ({ route, method: 'POST' })) },
)

const requestSpec: fc.Arbitrary<RequestSpec> = fc.record({
  target: route,
  otherMethod: fc.oneof(
    { weight: 8, arbitrary: fc.constant(null) },
    { weight: 2, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS') },
  ),
  appId: fc.oneof({ weight: 9, arbitrary: fc.constant('real') }, { weight: 1, arbitrary: fc.constantFrom('', '0', 'other-app', '%2e%2e') }),
  extraParams: fc.array(
    fc.tuple(
      fc.oneof(fc.constantFrom('info', 'filter_by_prefix', 'socket_id', '__proto__', 'constructor', 'x'), hostileString),
      fc.oneof(fc.constantFrom('user_count', 'subscription_count', 'presence-', 'private-', ''), hostileString),
    ),
    { maxLength: 3 },
  ),
  contentType: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'a/b; c=d', null),
  body: fc.oneof(
    { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('event' as const), value: eventBody, mutation: fc.option(mutation, { freq: 2, nil: null }) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('batch' as const), value: batchBody, mutation: fc.option(mutation, { freq: 2, nil: null }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('json' as const), value: hostileJson }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('text' as const), text: hostileString }) },
  ),
  signing: fc.oneof(
    { weight: 8, arbitrary: fc.constant('valid' as const) },
    {
      weight: 5,
      arbitrary: fc.constantFrom(
        'flipped' as const,
        'otherSecret' as const,
        'otherKey' as const,
        'stale' as const,
        'future' as const,
        'badMd5' as const,
        'none' as const,
        'empty' as const,
        'otherMethod' as const,
        'otherPath' as const,
        'duplicated' as const,
        'version' as const,
      ),
    },
  ),
  timestampOffset: fc.integer({ min: 601, max: 10 ** 7 }),
}).map(({ target, otherMethod, ...rest }) => ({ ...rest, route: target.route, method: otherMethod ?? target.method }))

const BODYLESS = new Set(['GET', 'HEAD'])

/** The body as sent, with the observer's real socket id where the generator said "observer". */
function bodyText(spec: RequestSpec): string | null {
  const withObserver = (value: unknown): unknown =>
    JSON.parse(JSON.stringify(value ?? null), (_key, v: unknown) =>
      v === 'observer' ? observer.socketId : typeof v === 'string' ? expandBig(v) : v,
    )
  switch (spec.body.kind) {
    case 'none':
      return null
    case 'event':
    case 'batch': {
      const valid = withObserver(spec.body.value)
      return JSON.stringify(spec.body.mutation === null ? valid : mutate(valid, spec.body.mutation)) ?? 'null'
    }
    case 'json':
      return JSON.stringify(spec.body.value) ?? 'null'
    case 'text':
      return spec.body.text
  }
}

interface Built {
  /** How it was signed in effect (a wrong body_md5 on a request without body_md5 is no fault). */
  signing: Signing
  method: string
  path: string
  query: string
  body: string | null
  headers: Record<string, string>
  /** The auth_signature sent ('' when none). */
  signature: string
  /** The app id is the real one. */
  knownApp: boolean
}

function build(spec: RequestSpec): Built {
  const { app } = server.realtime
  const appId = spec.appId === 'real' ? app.id : spec.appId
  const path = `/apps/${appId}/${spec.route.join('/')}`
  const body = bodyText(spec)
  const bodyParsed = body !== null && body !== '' && !BODYLESS.has(spec.method)
  const now = Math.floor(Date.now() / 1000)
  const params: [string, string][] = [
    ['auth_key', spec.signing === 'otherKey' ? `${app.key}x` : app.key],
    ['auth_timestamp', String(spec.signing === 'stale' ? now - spec.timestampOffset : spec.signing === 'future' ? now + spec.timestampOffset : now)],
    ['auth_version', spec.signing === 'version' ? '2.0' : '1.0'],
  ]
  if (bodyParsed) params.push(['body_md5', createHash('md5').update(spec.signing === 'badMd5' ? `${body}x` : body).digest('hex')])
  const signing = spec.signing === 'badMd5' && !bodyParsed ? 'valid' : spec.signing
  const reserved = new Set(['auth_key', 'auth_timestamp', 'auth_version', 'auth_signature', 'body_md5'])
  const extra = new Map(spec.extraParams.map(([key, value]) => [wellFormed(key), wellFormed(value)]).filter(([key]) => !reserved.has(key as string)) as [string, string][])
  params.push(...extra)
  const signedQuery = [...params]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&')
  const signedMethod = spec.signing === 'otherMethod' ? (spec.method === 'POST' ? 'GET' : 'POST') : spec.method
  const signedPath = spec.signing === 'otherPath' ? `${path}x` : path
  let signature = sign(`${signedMethod}\n${signedPath}\n${signedQuery}`, spec.signing === 'otherSecret' ? 'not-the-secret' : undefined)
  if (spec.signing === 'flipped') signature = signature.slice(0, 10) + (signature[10] === 'a' ? 'b' : 'a') + signature.slice(11)
  const sent = params.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
  if (spec.signing !== 'none') sent.push(`auth_signature=${spec.signing === 'empty' ? '' : signature}`)
  if (spec.signing === 'duplicated') sent.push(`auth_key=${app.key}`)
  return {
    signing,
    method: spec.method,
    path,
    query: sent.join('&'),
    body,
    headers: spec.contentType === null ? {} : { 'content-type': spec.contentType },
    signature: spec.signing === 'none' || spec.signing === 'empty' ? '' : signature,
    knownApp: appId === app.id,
  }
}

function send(built: Built): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    // Always framed by Content-Length: Node would send a GET or HEAD body unframed.
    const headers = built.body === null ? built.headers : { ...built.headers, 'content-length': String(Buffer.byteLength(built.body)) }
    const req = request(
      { host: '127.0.0.1', port: server.port, method: built.method, path: `${built.path}?${built.query}`, headers },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (text += chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }))
      },
    )
    req.on('error', reject)
    req.setTimeout(5_000, () => req.destroy(new Error('no answer within 5 s')))
    if (built.body !== null) req.write(built.body)
    req.end()
  })
}

// ---------------------------------------------------------------------------
// What a correctly signed request that answered 200 must have published

interface Published {
  channel: string
  event: string
  data: string
}

function described(built: Built): Published[] {
  const route = built.path.split('/').slice(3).join('/')
  if (built.method !== 'POST' || built.body === null || (route !== 'events' && route !== 'batch_events')) return []
  const body = JSON.parse(built.body) as Record<string, unknown>
  const observed = new Set<string>(CHANNELS)
  if (route === 'events') {
    const named = (body.channels as string[] | undefined) ?? [body.channel as string]
    if (body.socket_id === observer.socketId) return []
    return [...new Set(named)]
      .filter((channel) => observed.has(channel))
      .map((channel) => ({ channel, event: body.name as string, data: body.data as string }))
  }
  if (route === 'batch_events') {
    return (body.batch as Record<string, unknown>[])
      .filter((item) => observed.has(item.channel as string) && item.socket_id !== observer.socketId)
      .map((item) => ({ channel: item.channel as string, event: item.name as string, data: item.data as string }))
  }
  return []
}

let markers = 0
const stats = new Map<string, number>()
/** Signatures of correctly signed POSTs already sent: each may be accepted once (replays are refused). */
const sentSignatures = new Set<string>()
const REPLAY = 'This signed request was already received; sign every request anew'

async function oneRequest(spec: RequestSpec): Promise<void> {
  if (!server.realtime.isUserOnline('victim')) {
    victim.ws.terminate()
    victim = await signedInVictim()
  }
  const before = observer.frames.length
  const built = build(spec)
  const { status, text } = await send(built)
  const label = `${built.method} ${built.path}?${built.query.slice(0, 300)}\n  body ${JSON.stringify(built.body?.slice(0, 300))}\n  → ${status} ${text.slice(0, 300)}`
  const kind = `${built.signing === 'valid' ? 'signed' : 'forged'} ${status}`
  if (process.env.FUZZ_STATS) {
    stats.set(kind, (stats.get(kind) ?? 0) + 1)
  }

  expect(status, label).toBeGreaterThanOrEqual(200)
  expect(status, label).toBeLessThan(500)

  // Everything published by then reaches the observer before this marker.
  markers += 1
  const marker = `marker-${markers}`
  server.realtime.publish(['fuzz-a'], marker, '{}')
  await until(() => observer.frames.some((frame) => frame.event === marker), 'marker')
  const arrived = observer.frames
    .slice(before)
    .filter((frame) => frame.event !== marker && !frame.event.startsWith('pusher'))
    .map((frame) => ({ channel: frame.channel, event: frame.event, data: frame.data }))

  // terminate_connections drops the server's state at once (the close frame follows).
  const terminated = !server.realtime.isUserOnline('victim')

  if (built.signing !== 'valid') {
    expect(status, `a request signed wrongly (${built.signing}) is refused\n${label}`).toBeGreaterThanOrEqual(400)
    expect(arrived, label).toEqual([])
    expect(terminated, `a wrongly signed request terminated connections\n${label}`).toBe(false)
    return
  }
  const replay = built.method === 'POST' && built.knownApp && sentSignatures.has(built.signature)
  if (built.method === 'POST' && built.knownApp) sentSignatures.add(built.signature)
  if (!built.knownApp) {
    // An unknown app id answers as a wrong signature would: nobody learns which app ids exist.
    expect(status, `an unknown app id is refused like a wrong signature\n${label}`).toBeGreaterThanOrEqual(400)
    if (status === 401) expect(JSON.parse(text), label).toEqual({ error: 'Invalid auth_signature' })
    expect(arrived, label).toEqual([])
    expect(terminated, `a request to an unknown app terminated connections\n${label}`).toBe(false)
    return
  }
  if (replay) {
    // The same signed POST again changes nothing, whatever it carries.
    expect(status, `a replayed request was accepted\n${label}`).toBeGreaterThanOrEqual(400)
    if (status === 401) expect(JSON.parse(text), label).toEqual({ error: REPLAY })
    expect(arrived, label).toEqual([])
    expect(terminated, `a replayed request terminated connections\n${label}`).toBe(false)
    return
  }
  // A correctly signed request is never refused for its signature, whatever its parameters.
  expect(status, `a correctly signed request answered 401\n${label}`).not.toBe(401)
  if (status === 200) {
    expect(arrived, label).toEqual(described(built))
  } else {
    expect(arrived, label).toEqual([])
  }
  if (terminated) {
    expect(built.method, label).toBe('POST')
    expect(built.path, label).toBe(`/apps/${server.realtime.app.id}/users/victim/terminate_connections`)
    expect(status, label).toBe(200)
  }
  // The control group: valid requests as the SDK makes them must be accepted.
  const control =
    built.signing === 'valid' &&
    spec.method === 'POST' &&
    spec.appId === 'real' &&
    (spec.body.kind === 'event' || spec.body.kind === 'batch') &&
    spec.body.mutation === null &&
    spec.route.join('/') === (spec.body.kind === 'event' ? 'events' : 'batch_events') &&
    validForSdk(JSON.parse(built.body ?? 'null') as Record<string, unknown>)
  if (control) expect(status, `a valid request is accepted\n${label}`).toBe(200)
}

/** A body the SDK could send that the protocol accepts (so the server must). */
function validForSdk(body: Record<string, unknown>): boolean {
  const validName = (name: unknown) =>
    typeof name === 'string' && name.length >= 1 && name.length <= 200 && !name.startsWith('pusher:') && !name.startsWith('pusher_internal:')
  const validChannel = (name: unknown) =>
    typeof name === 'string' && name.length >= 1 && name.length <= 200 && /^[A-Za-z0-9_\-=@,.;]+$/.test(name)
  const validData = (data: unknown) => typeof data === 'string' && Buffer.byteLength(data) <= 10 * 1024
  const validSocket = (id: unknown) => id === undefined || (typeof id === 'string' && /^\d+\.\d+$/.test(id))
  if (Array.isArray(body.batch)) {
    return (
      body.batch.length <= 10 &&
      body.batch.every((item: Record<string, unknown>) => validName(item.name) && validChannel(item.channel) && validData(item.data) && validSocket(item.socket_id))
    )
  }
  const channels = body.channels as unknown[]
  const info = body.info
  const infoOk =
    info === undefined ||
    info === '' ||
    info === 'subscription_count' ||
    ((info === 'user_count' || info === 'subscription_count,user_count') && channels.every((name) => String(name).startsWith('presence-')))
  return validName(body.name) && validData(body.data) && channels.length <= 100 && channels.every(validChannel) && validSocket(body.socket_id) && infoOk
}

test('random and mutated HTTP API requests: never a 5xx; only correctly signed, valid requests publish, exactly what they describe', async () => {
  await checkProperty('pusher http api', fc.asyncProperty(requestSpec, oneRequest), 400)
  if (stats.size > 0) console.log(`[fuzz] http api statuses: ${JSON.stringify(Object.fromEntries([...stats].sort()))}`)
}, 120_000)
