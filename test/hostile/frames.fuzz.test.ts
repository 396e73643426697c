/**
 * Property-based fuzzing of the realtime server's frame handling (issue 6,
 * "Hostile input"). Each run opens a raw socket and sends a random sequence of
 * frames — garbage (any text, JSON of any shape, odd JSON texts, binary,
 * invalid UTF-8, frames over the size limit) or valid frames with one part
 * mutated (fields replaced by any JSON value, retyped, deleted, a signature
 * flipped, `__proto__` keys added) and attacks that replay a bystander's
 * signatures — each frame followed by a `pusher:ping` so the replies to every
 * frame can be told apart.
 *
 * A small independent model of the protocol (PUSHER-PROTOCOL.md) predicts the
 * reply to each frame; the properties are:
 * - every frame gets exactly the predicted reply: a bad frame gets one
 *   `pusher:error` 4300 (or `subscription_error` for a refused subscription),
 *   and the socket stays — except frames over 100 KB (close 1009), text
 *   frames that are not UTF-8 (close 1007, RFC 6455) and a bad sign-in
 *   (4009 then close);
 * - the socket is subscribed on the server to exactly the channels it
 *   legitimately joined, as the member the signed channel_data names;
 * - a pusher-js bystander on a public, a private and a presence channel sees
 *   nothing of it (no client event, no member change, its channels' members
 *   unchanged) and keeps receiving what is published for it;
 * - once the socket closes, every channel it held is gone and the server is
 *   back to its baseline (connections, channels).
 * The server runs in this process, so a crash fails the suite.
 */
import { createHmac } from 'node:crypto'
import fc from 'fast-check'
import type Pusher from 'pusher'
import type PusherClient from 'pusher-js'
import type { Channel } from 'pusher-js'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { connected, nextEvent, pusherClient, RawSocket, sdkFor, subscribed } from '../helpers/clients'
import { startTestServer, type TestServer } from '../helpers/server'
import { hostileJson, hostileString, mutate, mutation, oddJsonText, type Mutation } from './arbitraries'
import { checkProperty, until } from './support'

const MAX_FRAME_BYTES = 100 * 1024
const MAX_EVENT_BYTES = 10 * 1024
const MAX_USER_DATA_BYTES = 4 * 1024

let server: TestServer
let sdk: Pusher
let bystander: PusherClient
let bystanderId: string
const bystanderChannels = ['bystander-public', 'private-bystander', 'presence-bystander'] as const
const bystanderRooms = new Map<string, Channel>()
/** Everything the bystander received that is not our own "still-here" marker. */
const bystanderSaw: string[] = []
let baseline: { connections: number; channels: string[] }

beforeAll(async () => {
  server = await startTestServer()
  sdk = sdkFor(server)
  bystander = pusherClient(server, { userId: 'bystander', userInfo: { name: 'By Stander' } })
  bystanderId = await connected(bystander)
  for (const name of bystanderChannels) {
    const room = await subscribed(bystander, name)
    bystanderRooms.set(name, room)
    room.bind_global((event: string) => {
      if (event !== 'still-here' && event !== 'pusher:subscription_succeeded') bystanderSaw.push(`${name} ${event}`)
    })
  }
  baseline = { connections: server.realtime.stats().connections, channels: channelNames() }
})
afterAll(async () => {
  bystander?.disconnect()
  await server?.stop()
})

function channelNames(): string[] {
  return [...server.realtime.allChannels()].map((channel) => channel.name).sort()
}

// ---------------------------------------------------------------------------
// Frames: what the generators produce, and how they become bytes on the wire

type Template =
  | 'ping'
  | 'pong'
  | 'subscribePublic'
  | 'subscribePrivate'
  | 'subscribeEncrypted'
  | 'subscribePresence'
  | 'subscribeServerToUser'
  | 'replayBystanderPrivate'
  | 'replayBystanderPresence'
  | 'unsubscribe'
  | 'clientEvent'
  | 'signin'
  | 'unknownEvent'

type FrameSpec =
  | { kind: 'text'; text: string }
  | { kind: 'json'; value: unknown }
  | { kind: 'binary'; bytes: Uint8Array }
  | { kind: 'invalidUtf8'; bytes: Uint8Array }
  | { kind: 'sized'; bytes: number }
  /** Built only when sent: fast-check could not print a value this deep in a counterexample. */
  | { kind: 'deep'; depth: number; shape: 'array' | 'object' | 'subscribe' | 'client' }
  | {
      kind: 'template'
      template: Template
      /** Which channel a template that names one uses. */
      channel: number
      presenceUser: string | number
      mutation: Mutation | null
      /** pusher-js sends `data` as an object; other clients send a JSON string. */
      dataAsString: boolean
    }

const templates: Template[] = [
  'ping',
  'pong',
  'subscribePublic',
  'subscribePrivate',
  'subscribeEncrypted',
  'subscribePresence',
  'subscribeServerToUser',
  'replayBystanderPrivate',
  'replayBystanderPresence',
  'unsubscribe',
  'clientEvent',
  'signin',
  'unknownEvent',
]

const FUZZ_CHANNELS = ['fuzz-public', 'private-fuzz', 'private-encrypted-fuzz', 'presence-fuzz', ...bystanderChannels] as const

const garbageFrame: fc.Arbitrary<FrameSpec> = fc.oneof(
  { weight: 3, arbitrary: hostileString.map((text) => ({ kind: 'text' as const, text })) },
  { weight: 4, arbitrary: hostileJson.map((value) => ({ kind: 'json' as const, value })) },
  {
    weight: 3,
    arbitrary: fc
      .record({ event: fc.oneof(hostileJson, hostileString), channel: fc.option(hostileJson), data: fc.option(hostileJson) })
      .map((value) => ({ kind: 'json' as const, value })),
  },
  { weight: 2, arbitrary: oddJsonText.map((text) => ({ kind: 'text' as const, text })) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('deep' as const),
      depth: fc.integer({ min: 100, max: 5_000 }),
      shape: fc.constantFrom('array' as const, 'object' as const, 'subscribe' as const, 'client' as const),
    }),
  },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => ({ kind: 'binary' as const, bytes })) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.uint8Array({ maxLength: 20 }), fc.constantFrom([0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]))
      .map(([prefix, bad]) => ({ kind: 'invalidUtf8' as const, bytes: Uint8Array.from([...prefix, ...bad]) })),
  },
  {
    weight: 1,
    arbitrary: fc
      .oneof(fc.integer({ min: MAX_FRAME_BYTES - 64, max: MAX_FRAME_BYTES + 64 }), fc.integer({ min: MAX_FRAME_BYTES, max: 1024 * 1024 }))
      .map((bytes) => ({ kind: 'sized' as const, bytes })),
  },
)

const templateFrame: fc.Arbitrary<FrameSpec> = fc.record({
  kind: fc.constant('template' as const),
  template: fc.constantFrom(...templates),
  channel: fc.nat({ max: FUZZ_CHANNELS.length - 1 }),
  presenceUser: fc.oneof(
    fc.constantFrom('fuzzer', 'bystander', '__proto__', 'constructor', 'toString', '0', 7, -1, 1.5, ''),
    hostileString,
  ),
  mutation: fc.option(mutation, { freq: 3, nil: null }),
  dataAsString: fc.boolean(),
})

/** Subscribes and unsubscribes on a few channels, rarely mutated: where ordering bugs live. */
const orderingFrame: fc.Arbitrary<FrameSpec> = fc.record({
  kind: fc.constant('template' as const),
  template: fc.constantFrom<Template>('subscribePublic', 'subscribePrivate', 'subscribePresence', 'unsubscribe', 'unsubscribe', 'clientEvent', 'ping'),
  channel: fc.nat({ max: 3 }),
  presenceUser: fc.constantFrom('fuzzer', 'other'),
  mutation: fc.option(mutation, { freq: 8, nil: null }),
  dataAsString: fc.boolean(),
})

function sign(payload: string): string {
  const { key, secret } = server.realtime.app
  return `${key}:${createHmac('sha256', secret).update(payload).digest('hex')}`
}

interface Wire {
  /** A text frame (sent as UTF-8). */
  text?: string
  /** Raw bytes, sent as a binary frame, or as a text frame when `asText`. */
  bytes?: Uint8Array
  asText?: boolean
}

/** The valid frame a template stands for, signed for this socket where it needs a signature. */
function templateValue(spec: Extract<FrameSpec, { kind: 'template' }>, socketId: string): Record<string, unknown> {
  const channel = FUZZ_CHANNELS[spec.channel] as string
  const presenceData = JSON.stringify({ user_id: spec.presenceUser, user_info: { name: 'fuzz' } })
  switch (spec.template) {
    case 'ping':
      return { event: 'pusher:ping', data: {} }
    case 'pong':
      return { event: 'pusher:pong', data: {} }
    case 'subscribePublic':
      return { event: 'pusher:subscribe', data: { channel: 'fuzz-public' } }
    case 'subscribePrivate':
      return { event: 'pusher:subscribe', data: { channel: 'private-fuzz', auth: sign(`${socketId}:private-fuzz`) } }
    case 'subscribeEncrypted':
      return { event: 'pusher:subscribe', data: { channel: 'private-encrypted-fuzz', auth: sign(`${socketId}:private-encrypted-fuzz`) } }
    case 'subscribePresence':
      return {
        event: 'pusher:subscribe',
        data: { channel: 'presence-fuzz', auth: sign(`${socketId}:presence-fuzz:${presenceData}`), channel_data: presenceData },
      }
    case 'subscribeServerToUser':
      return { event: 'pusher:subscribe', data: { channel: '#server-to-user-fuzzer' } }
    case 'replayBystanderPrivate':
      // pusher-js's own auth for the bystander's socket, presented by another socket.
      return { event: 'pusher:subscribe', data: { channel: 'private-bystander', auth: sign(`${bystanderId}:private-bystander`) } }
    case 'replayBystanderPresence': {
      const stolen = JSON.stringify({ user_id: 'bystander', user_info: { name: 'By Stander' } })
      return {
        event: 'pusher:subscribe',
        data: { channel: 'presence-bystander', auth: sign(`${bystanderId}:presence-bystander:${stolen}`), channel_data: stolen },
      }
    }
    case 'unsubscribe':
      return { event: 'pusher:unsubscribe', data: { channel } }
    case 'clientEvent':
      return { event: 'client-fuzz', channel, data: { typing: true, text: 'hi' } }
    case 'signin': {
      const userData = JSON.stringify({ id: 'fuzzer', user_info: { name: 'fuzz' }, watchlist: ['bystander'] })
      return { event: 'pusher:signin', data: { auth: sign(`${socketId}::user::${userData}`), user_data: userData } }
    }
    case 'unknownEvent':
      return { event: 'hello-server', data: {} }
  }
}

function toWire(spec: FrameSpec, socketId: string): Wire {
  switch (spec.kind) {
    case 'text':
      return { text: spec.text }
    case 'json':
      return { text: JSON.stringify(spec.value) ?? 'null' }
    case 'binary':
      return { bytes: spec.bytes }
    case 'invalidUtf8':
      return { bytes: spec.bytes, asText: true }
    case 'deep': {
      // As text: even serialising a value this deep can overflow the stack.
      const arrays = '['.repeat(spec.depth) + ']'.repeat(spec.depth)
      const objects = '{"a":'.repeat(spec.depth) + '1' + '}'.repeat(spec.depth)
      switch (spec.shape) {
        case 'array':
          return { text: arrays }
        case 'object':
          return { text: objects }
        case 'subscribe':
          return { text: `{"event":"pusher:subscribe","data":{"channel":"fuzz-public","extra":${objects}}}` }
        case 'client':
          return { text: `{"event":"client-deep","channel":"private-fuzz","data":${arrays}}` }
      }
      break
    }
    case 'sized': {
      // A frame that is valid JSON whatever its size, so only the size decides.
      const head = '{"event":"client-sized","channel":"private-fuzz","data":"'
      const tail = '"}'
      return { text: head + 'x'.repeat(Math.max(0, spec.bytes - head.length - tail.length)) + tail }
    }
    case 'template': {
      const valid = templateValue(spec, socketId)
      const value = spec.mutation === null ? valid : mutate(valid, spec.mutation)
      if (spec.dataAsString && value !== null && typeof value === 'object' && 'data' in value) {
        const withString = { ...(value as Record<string, unknown>) }
        Object.defineProperty(withString, 'data', {
          value: JSON.stringify((value as Record<string, unknown>).data) ?? 'null',
          enumerable: true,
        })
        return { text: JSON.stringify(withString) }
      }
      return { text: JSON.stringify(value) ?? 'null' }
    }
  }
}

// ---------------------------------------------------------------------------
// The model: what the server must answer to each frame

interface ModelState {
  socketId: string
  signedInAs: string | null
  /** Channel → presence user id (null for other channels), for channels legitimately joined. */
  subscribed: Map<string, string | null>
  /** Every `channel:user` this socket has been a presence member as. */
  memberships: Set<string>
}

/** Replies, normalized: `error:4300`, `pong`, `ok:<channel>`, `refused:<channel>`, `signin`, `watchlist`, or `other:…`. */
type Verdict =
  | { replies: string[][] } // any one of these (as multisets)
  | { close: number; before: string[] }

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value)

function frameData(data: unknown): unknown {
  if (typeof data !== 'string') return data
  try {
    return JSON.parse(data)
  } catch {
    return undefined
  }
}

function kindOf(name: string): 'public' | 'private' | 'encrypted' | 'presence' | 'server-to-user' | null {
  if (name.startsWith('#server-to-user-')) return name.length > 16 && name.length <= 216 ? 'server-to-user' : null
  if (name.length === 0 || name.length > 200 || !/^[A-Za-z0-9_\-=@,.;]+$/.test(name)) return null
  if (name.startsWith('private-encrypted-')) return 'encrypted'
  if (name.startsWith('private-')) return 'private'
  if (name.startsWith('presence-')) return 'presence'
  return 'public'
}

const bytes = (text: string): number => Buffer.byteLength(text)

/** Nesting depth of a JSON value, without recursion. */
function depthOf(value: unknown): number {
  let deepest = 0
  const stack: [unknown, number][] = [[value, 0]]
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number]
    deepest = Math.max(deepest, depth)
    if (current !== null && typeof current === 'object') {
      for (const child of Object.values(current)) stack.push([child, depth + 1])
    }
  }
  return deepest
}
const exactly = (...replies: string[]): Verdict => ({ replies: [replies] })
const BAD = exactly('error:4300')

function validUtf8(data: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(data)
    return true
  } catch {
    return false
  }
}

/** Predict the server's answer to one frame and update the model. */
function model(wire: Wire, state: ModelState): Verdict {
  if (wire.bytes !== undefined && !wire.asText) return wire.bytes.length > MAX_FRAME_BYTES ? { close: 1009, before: [] } : BAD
  if (wire.bytes !== undefined) {
    if (wire.bytes.length > MAX_FRAME_BYTES) return { close: 1009, before: [] }
    if (!validUtf8(wire.bytes)) return { close: 1007, before: [] }
  }
  const text = wire.text ?? Buffer.from(wire.bytes ?? []).toString('utf8')
  if (bytes(text) > MAX_FRAME_BYTES) return { close: 1009, before: [] }
  let frame: unknown
  try {
    frame = JSON.parse(text)
  } catch {
    return BAD
  }
  if (!isObject(frame)) return BAD
  const { event, channel } = frame
  if (typeof event !== 'string' || event.length < 1 || event.length > 200) return BAD
  if (channel !== undefined && typeof channel !== 'string') return BAD
  const data = frame.data

  switch (event) {
    case 'pusher:ping':
      return exactly('pong')
    case 'pusher:pong':
      return exactly()
    case 'pusher:subscribe':
      return subscribeVerdict(frameData(data), state)
    case 'pusher:unsubscribe': {
      const d = frameData(data)
      if (!isObject(d) || typeof d.channel !== 'string') return BAD
      state.subscribed.delete(d.channel)
      return exactly()
    }
    case 'pusher:signin':
      return signinVerdict(frameData(data), state)
  }
  if (event.startsWith('client-')) {
    if (typeof channel !== 'string') return BAD
    const kind = kindOf(channel)
    if (kind !== 'private' && kind !== 'presence') return BAD
    if (!state.subscribed.has(channel)) return BAD
    // Data nested deeper than a stack can serialise may be refused (4300) rather than relayed.
    const deep = depthOf(data) > 1_000
    let encoded: string
    try {
      encoded = typeof data === 'string' ? data : JSON.stringify(data ?? null)
    } catch {
      return BAD
    }
    if (bytes(encoded) > MAX_EVENT_BYTES) return BAD
    if (deep) return { replies: [[], ['error:4301'], ['error:4300']] }
    // Delivered to the other subscribers (there are none): no reply, unless the rate limit says 4301.
    return { replies: [[], ['error:4301']] }
  }
  return BAD
}

function subscribeVerdict(d: unknown, state: ModelState): Verdict {
  if (!isObject(d) || typeof d.channel !== 'string') return BAD
  if (d.auth !== undefined && typeof d.auth !== 'string') return BAD
  if (d.channel_data !== undefined && typeof d.channel_data !== 'string') return BAD
  const name = d.channel
  const refused = exactly(`refused:${name.slice(0, 300)}`)
  const kind = kindOf(name)
  let member: string | null = null
  switch (kind) {
    case null:
      return refused
    case 'public':
      break
    case 'private':
    case 'encrypted':
      if (d.auth !== sign(`${state.socketId}:${name}`)) return refused
      break
    case 'presence': {
      const channelData = d.channel_data
      if (channelData === undefined || bytes(channelData) > MAX_USER_DATA_BYTES) return refused
      if (d.auth !== sign(`${state.socketId}:${name}:${channelData}`)) return refused
      const parsed = frameData(channelData)
      if (!isObject(parsed)) return refused
      const userId = parsed.user_id
      const validId =
        (typeof userId === 'string' && userId.length >= 1 && userId.length <= 200) ||
        (typeof userId === 'number' && Number.isFinite(userId))
      if (!validId) return refused
      member = String(userId)
      break
    }
    case 'server-to-user':
      if (state.signedInAs === null || name !== `#server-to-user-${state.signedInAs}`) return refused
      break
  }
  state.subscribed.set(name, member)
  if (member !== null) state.memberships.add(`${name}:${member}`)
  return exactly(`ok:${name}`)
}

function signinVerdict(d: unknown, state: ModelState): Verdict {
  const refuse: Verdict = { close: 4009, before: ['error:4009'] }
  if (!isObject(d) || typeof d.auth !== 'string' || typeof d.user_data !== 'string') return refuse
  if (bytes(d.user_data) > MAX_USER_DATA_BYTES) return refuse
  if (d.auth !== sign(`${state.socketId}::user::${d.user_data}`)) return refuse
  const userData = frameData(d.user_data)
  if (!isObject(userData) || typeof userData.id !== 'string' || userData.id.length < 1 || userData.id.length > 200) return refuse
  const watchlist = userData.watchlist
  if (
    watchlist !== undefined &&
    !(Array.isArray(watchlist) && watchlist.length <= 100 && watchlist.every((id) => typeof id === 'string' && id.length >= 1 && id.length <= 200))
  ) {
    return refuse
  }
  if (state.signedInAs !== null && state.signedInAs !== userData.id) state.subscribed.delete(`#server-to-user-${state.signedInAs}`)
  state.signedInAs = userData.id
  return Array.isArray(watchlist) && watchlist.length > 0 ? exactly('signin', 'watchlist') : exactly('signin')
}

// ---------------------------------------------------------------------------
// Running one sequence against the server

function normalize(frame: RawSocket['frames'][number]): string {
  switch (frame.event) {
    case 'pusher:error':
      return `error:${(frame.data as { code?: unknown } | undefined)?.code}`
    case 'pusher:pong':
      return 'pong'
    case 'pusher_internal:subscription_succeeded':
      return `ok:${frame.channel}`
    case 'pusher:subscription_error':
      return `refused:${frame.channel}`
    case 'pusher:signin_success':
      return 'signin'
    case 'pusher_internal:watchlist_events':
      return 'watchlist'
    case 'pusher_internal:member_added':
    case 'pusher_internal:member_removed':
      return `member:${frame.channel}:${(frame.data as { user_id?: unknown } | undefined)?.user_id}`
    default:
      return `other:${frame.event}:${frame.channel ?? ''}`
  }
}

const sameMultiset = (a: string[], b: string[]): boolean => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort())

let marks = 0

/** FUZZ_STATS=1 prints how often each kind of reply was seen (to check the generators reach every path). */
const seen = new Map<string, number>()
function tally(kind: string): void {
  if (process.env.FUZZ_STATS) seen.set(kind, (seen.get(kind) ?? 0) + 1)
}
afterAll(() => {
  if (seen.size > 0) console.log(`[fuzz] replies seen: ${JSON.stringify(Object.fromEntries([...seen].sort((a, b) => b[1] - a[1])))}`)
})

const isAsyncReply = (reply: string): boolean => reply.startsWith('ok:') || reply.startsWith('refused:')

function sendWire(socket: RawSocket, wire: Wire): void {
  if (wire.bytes !== undefined) socket.ws.send(wire.bytes, { binary: !wire.asText })
  else socket.ws.send(wire.text ?? '')
}

/**
 * Send a sequence of frames on a fresh socket and hold the server to the model.
 *
 * Lockstep (a client that waits for each answer, as pusher-js does): every
 * frame is followed by a ping, and its replies — up to the sentinel pong and,
 * for a subscription, its answer, which the server gives once the cluster has
 * answered — must be exactly what the model predicts.
 *
 * Pipelined (everything sent at once): subscription answers may come after
 * later frames' replies, so only the outcome is compared — the multiset of
 * subscription answers, the channels held at the end (in-order semantics: a
 * later unsubscribe wins), the close code.
 */
async function runSequence(specs: FrameSpec[], pipelined = false): Promise<void> {
  const { socket, socketId } = await RawSocket.open(server)
  try {
    const state: ModelState = { socketId, signedInAs: null, subscribed: new Map(), memberships: new Set() }
    const wires = specs.map((spec) => toWire(spec, socketId))
    const verdicts: Verdict[] = []
    for (const wire of wires) {
      const verdict = model(wire, state)
      verdicts.push(verdict)
      if ('close' in verdict) break
    }
    const closing = verdicts.at(-1)
    const closeCode = closing !== undefined && 'close' in closing ? closing.close : null
    // Member events can only be about this socket's own former identities (it is alone in
    // the fuzz channels): re-subscribing as another user removes the old one in the
    // background, so they are checked apart from the per-frame replies.
    const memberEvents = (): string[] => socket.frames.map(normalize).filter((reply) => reply.startsWith('member:'))
    const replies = (from: number): string[] =>
      socket.frames
        .slice(from)
        .map(normalize)
        .filter((reply) => !reply.startsWith('member:'))
    const failure = (what: string, from: number) => (err: unknown) => {
      throw new Error(`${(err as Error).message}\n${what}: got ${JSON.stringify(replies(from)).slice(0, 500)}\nframes: ${describe(wires.slice(0, verdicts.length))}`)
    }
    const start = socket.frames.length

    if (!pipelined) {
      let at = start
      for (let i = 0; i < verdicts.length; i++) {
        const verdict = verdicts[i] as Verdict
        const label = `frame ${i}: ${describe([wires[i] as Wire])}`
        sendWire(socket, wires[i] as Wire)
        if ('close' in verdict) {
          tally(`close:${verdict.close}`)
          await until(() => socket.closeCode !== null && replies(at).length >= verdict.before.length, 'close').catch(failure(label, at))
          expect(replies(at), label).toEqual(verdict.before)
          break
        }
        socket.send({ event: 'pusher:ping', data: {} })
        const ownPongs = verdict.replies[0]?.filter((reply) => reply === 'pong').length ?? 0
        const answered = verdict.replies.every((option) => option.some(isAsyncReply))
        await until(
          () => {
            const got = replies(at)
            return got.filter((reply) => reply === 'pong').length > ownPongs && (!answered || got.some(isAsyncReply))
          },
          'replies',
        ).catch(failure(label, at))
        const got = replies(at)
        at = socket.frames.length
        // Drop the sentinel: one pong more than the frame's own.
        const share = [...got]
        share.splice(share.lastIndexOf('pong'), 1)
        tally(share.map((reply) => reply.replace(/:(?!\d)[\s\S]*/, '')).join('+') || 'none')
        const allowed = verdict.replies
        expect(
          allowed.some((option) => sameMultiset(option, share)),
          `${label}\n  replies ${JSON.stringify(share)}, expected one of ${JSON.stringify(allowed)}`,
        ).toBe(true)
      }
    } else {
      for (let i = 0; i < verdicts.length; i++) {
        sendWire(socket, wires[i] as Wire)
        if (!('close' in (verdicts[i] as Verdict))) socket.send({ event: 'pusher:ping', data: {} })
      }
      const sentinels = verdicts.filter((verdict) => !('close' in verdict)).length
      const ownPongs = verdicts.reduce((sum, v) => sum + ('close' in v ? 0 : (v.replies[0]?.filter((r) => r === 'pong').length ?? 0)), 0)
      const answers = verdicts.flatMap((v) => ('close' in v ? [] : (v.replies[0] ?? []).filter(isAsyncReply)))
      if (closeCode !== null) {
        tally(`pipelined close:${closeCode}`)
        await until(() => socket.closeCode !== null, 'close').catch(failure('pipelined', start))
      } else {
        await until(
          () => {
            const got = replies(start)
            return got.filter((r) => r === 'pong').length >= sentinels + ownPongs && got.filter(isAsyncReply).length >= answers.length
          },
          'replies',
        ).catch(failure('pipelined', start))
        tally('pipelined')
        expect(sameMultiset(replies(start).filter(isAsyncReply), answers), `subscription answers ${JSON.stringify(replies(start).filter(isAsyncReply))}, expected ${JSON.stringify(answers)}\nframes: ${describe(wires)}`).toBe(true)
      }
    }

    for (const event of memberEvents()) {
      expect(state.memberships.has(event.slice('member:'.length)), `${event}: about a member this socket never was`).toBe(true)
    }
    if (closeCode !== null) {
      expect(socket.closeCode).toBe(closeCode)
    } else {
      expect(socket.closeCode, 'the socket stays open').toBeNull()
      // Subscribed on the server to exactly what the model joined, as the member it signed for.
      const held = [...server.realtime.allChannels()].filter((channel) => channel.subscribers.has(socketId)).map((channel) => channel.name)
      expect(held.sort(), `channels held\nframes: ${describe(wires)}`).toEqual([...state.subscribed.keys()].sort())
      for (const [name, member] of state.subscribed) {
        if (member === null) continue
        const entry = server.realtime.channel(name)?.members?.get(member)
        expect(entry?.sockets.has(socketId), `${socketId} is ${member} in ${name}`).toBe(true)
      }
    }
    // The bystander's channels hold the bystander alone.
    for (const name of ['private-bystander', 'presence-bystander']) {
      expect([...(server.realtime.channel(name)?.subscribers.keys() ?? [])]).toEqual([bystanderId])
    }
    expect([...(server.realtime.channel('presence-bystander')?.members?.keys() ?? [])]).toEqual(['bystander'])
  } finally {
    socket.close()
  }
  await until(() => server.realtime.stats().connections === baseline.connections, 'the fuzzing socket is forgotten')
  await until(() => JSON.stringify(channelNames()) === JSON.stringify(baseline.channels), 'every channel of the closed socket vacated').catch(
    () => expect(channelNames(), 'every channel of the closed socket vacated').toEqual(baseline.channels),
  )

  // The bystander saw nothing of it, and still receives.
  marks += 1
  const arrivals = bystanderChannels.map((name) => nextEvent<{ n: number }>(bystanderRooms.get(name) as Channel, 'still-here', 3_000))
  await sdk.trigger([...bystanderChannels], 'still-here', { n: marks })
  for (const data of await Promise.all(arrivals)) expect(data).toEqual({ n: marks })
  expect(bystanderSaw).toEqual([])
  expect(bystander.connection.state).toBe('connected')
}

function describe(wires: Wire[]): string {
  return wires
    .map((wire) => {
      if (wire.bytes !== undefined) return `${wire.asText ? 'text' : 'binary'}[${wire.bytes.length}]`
      const text = wire.text ?? ''
      return text.length > 160 ? `${JSON.stringify(text.slice(0, 160))}…(${text.length})` : JSON.stringify(text)
    })
    .join('\n    ')
}

// ---------------------------------------------------------------------------

test('garbage frames: one pusher:error each (close only for oversize or invalid UTF-8); nothing leaks; the bystander keeps receiving', async () => {
  await checkProperty(
    'realtime frames: garbage',
    fc.asyncProperty(
      fc.array(fc.oneof({ weight: 4, arbitrary: garbageFrame }, { weight: 1, arbitrary: templateFrame }), { minLength: 1, maxLength: 12 }),
      (specs) => runSequence(specs),
    ),
    120,
  )
}, 120_000)

test('valid frames with one part mutated, and replayed signatures: exactly the legitimate subscriptions, nothing more', async () => {
  await checkProperty(
    'realtime frames: mutated',
    fc.asyncProperty(fc.array(templateFrame, { minLength: 1, maxLength: 12 }), (specs) => runSequence(specs)),
    200,
  )
}, 120_000)

test('the same, pipelined (no waiting for answers): the subscriptions answered and held end as if handled in order', async () => {
  await checkProperty(
    'realtime frames: pipelined',
    fc.asyncProperty(
      fc.array(
        fc.oneof({ weight: 6, arbitrary: orderingFrame }, { weight: 3, arbitrary: templateFrame }, { weight: 1, arbitrary: garbageFrame }),
        { minLength: 1, maxLength: 16 },
      ),
      (specs) => runSequence(specs, true),
    ),
    150,
  )
}, 120_000)
