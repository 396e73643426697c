/** HMAC signatures of the Pusher protocol: channel auth, user sign-in, HTTP API and webhooks. */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'

export interface AppCredentials {
  id: string
  key: string
  secret: string
}

export function hmacHex(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('hex')
}

export function md5Hex(body: string | Buffer): string {
  return createHash('md5').update(body).digest('hex')
}

/** Constant-time string comparison (different lengths compare unequal). */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

/** `key:signature` for a private or presence subscription. */
export function channelAuth(app: AppCredentials, socketId: string, channel: string, channelData?: string): string {
  const payload = channelData === undefined ? `${socketId}:${channel}` : `${socketId}:${channel}:${channelData}`
  return `${app.key}:${hmacHex(app.secret, payload)}`
}

/** `key:signature` for a user sign-in. */
export function userAuth(app: AppCredentials, socketId: string, userData: string): string {
  return `${app.key}:${hmacHex(app.secret, `${socketId}::user::${userData}`)}`
}

export function verifyChannelAuth(
  app: AppCredentials,
  auth: string | undefined,
  socketId: string,
  channel: string,
  channelData?: string,
): boolean {
  return typeof auth === 'string' && safeEqual(auth, channelAuth(app, socketId, channel, channelData))
}

export function verifyUserAuth(app: AppCredentials, auth: string, socketId: string, userData: string): boolean {
  return safeEqual(auth, userAuth(app, socketId, userData))
}

/** Signature of an HTTP API request: `METHOD\nPATH\nsorted k=v&…` (values unescaped). */
export function httpApiSignature(
  secret: string,
  method: string,
  path: string,
  params: Record<string, string>,
): string {
  const query = Object.keys(params)
    .filter((key) => key !== 'auth_signature')
    .sort()
    .map((key) => `${key}=${params[key]}`)
    .join('&')
  return hmacHex(secret, `${method.toUpperCase()}\n${path}\n${query}`)
}

/** `X-Pusher-Signature` of a webhook body. */
export function webhookSignature(secret: string, body: string): string {
  return hmacHex(secret, body)
}
