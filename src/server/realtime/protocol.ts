/**
 * Pusher Channels protocol v7: codes, frame shapes and names, as pusher-js and
 * the `pusher` SDK expect them. See ../../../../shared/PUSHER-PROTOCOL.md.
 */
import { z } from 'zod'

export const PROTOCOL_VERSION = 7

/**
 * Close codes. pusher-js decides what to do from the range: 4000–4099 refused
 * (no reconnect), 4100–4199 back off, 4200–4299 reconnect at once. Codes ≥ 4300
 * are only ever sent inside `pusher:error` frames, never as close codes.
 */
export const CloseCode = {
  /** Unknown app key. */
  AppNotFound: 4001,
  /** Unsupported protocol version. */
  UnsupportedProtocol: 4007,
  /** No protocol version given. */
  NoProtocol: 4008,
  /** Sign-in refused, or the user's connections were terminated. */
  Unauthorized: 4009,
  /** Too many connections (from one address, or in total). */
  OverCapacity: 4100,
  /** Graceful shutdown: clients reconnect at once (to another node). */
  Shutdown: 4200,
  /** The client did not answer our ping within the grace period. */
  PongTimeout: 4201,
} as const

/** Error codes carried inside `pusher:error` frames; the socket stays open. */
export const ErrorCode = {
  /** Malformed or unexpected input. */
  BadRequest: 4300,
  /** More client events than the per-socket rate allows. */
  ClientEventRateLimit: 4301,
  /** A subscription refused by a server-wide or per-address channel limit, or public channels being off. */
  ChannelRefused: 4302,
} as const

/** A frame as it travels on the wire. `data` is usually a JSON string. */
export interface OutboundFrame {
  event: string
  channel?: string
  data?: unknown
  user_id?: string
}

/** Serialise a frame; object `data` is JSON-encoded into a string like Pusher does. */
export function encodeFrame(frame: OutboundFrame): string {
  const data = frame.data === undefined || typeof frame.data === 'string' ? frame.data : JSON.stringify(frame.data)
  return JSON.stringify({ ...frame, data })
}

/** What any inbound frame must look like before its event is looked at. */
const inboundFrameSchema = z.object({
  event: z.string().min(1).max(200),
  channel: z.string().optional(),
  data: z.unknown().optional(),
})
export type InboundFrame = z.infer<typeof inboundFrameSchema>

export type DecodeResult = { ok: true; frame: InboundFrame } | { ok: false; message: string }

/** Parse one text frame. Never throws: garbage yields a reason instead. */
export function decodeFrame(text: string): DecodeResult {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return { ok: false, message: 'Frame is not valid JSON' }
  }
  const parsed = inboundFrameSchema.safeParse(value)
  if (!parsed.success) {
    return { ok: false, message: 'Frame must be a JSON object with a string "event"' }
  }
  return { ok: true, frame: parsed.data }
}

/**
 * `data` of inbound frames may be an object or a JSON-encoded string (clients
 * differ); return the object, or undefined when it is neither.
 */
export function frameData(data: unknown): unknown {
  if (typeof data === 'string') {
    try {
      return JSON.parse(data)
    } catch {
      return undefined
    }
  }
  return data
}

export const subscribeDataSchema = z.object({
  channel: z.string(),
  auth: z.string().optional(),
  channel_data: z.string().optional(),
})

export const unsubscribeDataSchema = z.object({ channel: z.string() })

export const signinDataSchema = z.object({
  auth: z.string(),
  user_data: z.string(),
})

/** `user_data` of a sign-in, as the app's server signed it. */
export const userDataSchema = z.object({
  id: z.string().min(1).max(200),
  user_info: z.unknown().optional(),
  watchlist: z.array(z.string().min(1).max(200)).max(100).optional(),
})
export type UserData = z.infer<typeof userDataSchema>

/** `channel_data` of a presence subscription. Pusher accepts numeric ids too. */
export const channelDataSchema = z.object({
  user_id: z.union([z.string().min(1).max(200), z.number().finite()]).transform(String),
  user_info: z.unknown().optional(),
})

const CHANNEL_NAME = /^[A-Za-z0-9_\-=@,.;]+$/
export const MAX_CHANNEL_NAME_LENGTH = 200
export const SERVER_TO_USER_PREFIX = '#server-to-user-'

export type ChannelKind = 'public' | 'private' | 'encrypted' | 'presence' | 'server-to-user'

/** The kind of a channel, or null when the name is not a valid channel name. */
export function channelKind(name: string): ChannelKind | null {
  if (name.startsWith(SERVER_TO_USER_PREFIX)) {
    const userId = name.slice(SERVER_TO_USER_PREFIX.length)
    return userId.length > 0 && name.length <= MAX_CHANNEL_NAME_LENGTH + SERVER_TO_USER_PREFIX.length
      ? 'server-to-user'
      : null
  }
  if (name.length === 0 || name.length > MAX_CHANNEL_NAME_LENGTH || !CHANNEL_NAME.test(name)) return null
  if (name.startsWith('private-encrypted-')) return 'encrypted'
  if (name.startsWith('private-')) return 'private'
  if (name.startsWith('presence-')) return 'presence'
  return 'public'
}

/** Client events may only be sent on private and presence channels (not encrypted ones). */
export function allowsClientEvents(kind: ChannelKind): boolean {
  return kind === 'private' || kind === 'presence'
}

export const socketIdPattern = /^\d+\.\d+$/
