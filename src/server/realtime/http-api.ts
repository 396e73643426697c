/**
 * The signed Pusher HTTP API (`/apps/{appId}/…`), so the official `pusher` SDK
 * can publish to the embedded server unchanged. Every request is checked for
 * app id, key, a timestamp within ±600 s, body_md5 and the HMAC signature
 * before its body is even parsed.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { lingerAfterEarlyRefusal } from './lingering-close'
import { channelKind, socketIdPattern } from './protocol'
import type { RealtimeServer } from './server'
import { httpApiSignature, md5Hex, safeEqual } from './signature'

const MAX_TIMESTAMP_SKEW_SEC = 600

class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

const eventName = z
  .string()
  .min(1)
  .max(200)
  .refine((name) => !name.startsWith('pusher:') && !name.startsWith('pusher_internal:'), {
    message: 'event names starting with pusher: or pusher_internal: are reserved',
  })

const triggerSchema = z.object({
  name: eventName,
  data: z.string(),
  channels: z.array(z.string()).min(1).optional(),
  channel: z.string().optional(),
  socket_id: z.string().regex(socketIdPattern).optional(),
  info: z.string().optional(),
})

const batchSchema = z.object({
  batch: z.array(
    z.object({
      name: eventName,
      data: z.string(),
      channel: z.string(),
      socket_id: z.string().regex(socketIdPattern).optional(),
      info: z.string().optional(),
    }),
  ),
})

type InfoAttribute = 'user_count' | 'subscription_count'

function parseInfo(info: string | undefined): InfoAttribute[] {
  if (info === undefined || info === '') return []
  const attributes = info.split(',').map((part) => part.trim())
  for (const attribute of attributes) {
    if (attribute !== 'user_count' && attribute !== 'subscription_count') {
      throw new ApiError(400, `Unknown info attribute ${attribute.slice(0, 50)}`)
    }
  }
  return attributes as InfoAttribute[]
}

function zodMessage(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; ')
}

export interface HttpApiOptions {
  realtime: RealtimeServer
  now?: () => number
}

export async function httpApi(app: FastifyInstance, options: HttpApiOptions): Promise<void> {
  const { realtime } = options
  const now = options.now ?? Date.now
  const { limits } = realtime
  const credentials = realtime.app

  // Keep the raw body: body_md5 and the signature are over the exact bytes.
  app.removeAllContentTypeParsers()
  // A full batch whose data is all control characters escapes to 6 bytes each.
  const bodyLimit = limits.maxEventBytes * limits.maxBatchEvents * 6 + 64 * 1024
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit }, (_req, body, done) => done(null, body))

  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const status = error instanceof ApiError ? error.status : (error.statusCode ?? 500)
    if (status >= 500) request.log.error({ err: error }, 'pusher http api error')
    void reply.code(status).send({ error: status >= 500 ? 'Internal error' : error.message })
  })

  // A 413 must reach the client rather than be reset away with the unread body.
  lingerAfterEarlyRefusal(app)

  app.addHook('preHandler', async (request: FastifyRequest<{ Params: { appId: string } }>) => {
    // An unknown app id is not told apart from a known one: both go through every
    // check below, and an unknown one fails where a wrong signature would.
    const knownApp = request.params.appId === credentials.id
    // No prototype: a `__proto__` parameter is a parameter like any other (and signed as one).
    const params: Record<string, string> = Object.create(null) as Record<string, string>
    for (const [key, value] of Object.entries(request.query as Record<string, unknown>)) {
      if (typeof value !== 'string') throw new ApiError(400, `Query parameter ${key} given more than once`)
      params[key] = value
    }
    if (params.auth_key !== credentials.key) throw new ApiError(401, 'Unknown auth_key')
    if (params.auth_version !== '1.0') throw new ApiError(401, 'auth_version must be 1.0')
    const timestamp = Number(params.auth_timestamp)
    if (!Number.isFinite(timestamp) || Math.abs(now() / 1000 - timestamp) > MAX_TIMESTAMP_SKEW_SEC) {
      throw new ApiError(401, `auth_timestamp missing or more than ${MAX_TIMESTAMP_SKEW_SEC} s from server time`)
    }
    const body = typeof request.body === 'string' ? request.body : ''
    if (body.length > 0 || params.body_md5 !== undefined) {
      if (params.body_md5 === undefined || !safeEqual(params.body_md5, md5Hex(body))) {
        throw new ApiError(401, 'body_md5 does not match the body')
      }
    }
    // The SDK signs the path as written (`/users/José/…`) but sends it
    // percent-encoded: accept a signature over either form.
    const path = request.url.split('?')[0] ?? ''
    const paths = [path]
    try {
      const decoded = decodeURIComponent(path)
      if (decoded !== path) paths.push(decoded)
    } catch {
      // a malformed escape: only the raw form can match
    }
    const signature = params.auth_signature
    const valid =
      knownApp &&
      signature !== undefined &&
      paths.some((candidate) =>
        safeEqual(signature, httpApiSignature(credentials.secret, request.method, candidate, params)),
      )
    if (!valid) throw new ApiError(401, 'Invalid auth_signature')
    // A signed request is valid for as long as its timestamp is in the window, so
    // one overheard could be sent again. Whatever changes something (every POST)
    // is accepted once: its signature is remembered, cluster-wide, until its
    // timestamp leaves the window. Reads are not remembered: repeating one
    // changes nothing, and monitoring polls the same read within a second.
    if (request.method === 'POST' && !(await realtime.claimSignature(signature, (timestamp + MAX_TIMESTAMP_SKEW_SEC) * 1000))) {
      throw new ApiError(401, 'This signed request was already received; sign every request anew')
    }
  })

  const parseJson = <T>(schema: z.ZodType<T>, body: unknown): T => {
    let value: unknown
    try {
      value = JSON.parse(typeof body === 'string' ? body : '')
    } catch {
      throw new ApiError(400, 'Body must be JSON')
    }
    const parsed = schema.safeParse(value)
    if (!parsed.success) throw new ApiError(400, zodMessage(parsed.error))
    return parsed.data
  }

  const checkChannel = (name: string): void => {
    if (channelKind(name) === null) throw new ApiError(400, `Invalid channel name ${name.slice(0, 210)}`)
  }

  const checkData = (data: string): void => {
    if (Buffer.byteLength(data) > limits.maxEventBytes) {
      throw new ApiError(413, `Event data is larger than ${limits.maxEventBytes} bytes`)
    }
  }

  /** Refuse attributes a channel cannot have — before anything is published. */
  const checkInfo = (name: string, attributes: readonly InfoAttribute[]): void => {
    if (attributes.includes('user_count') && channelKind(name) !== 'presence') {
      throw new ApiError(400, 'user_count is only available on presence channels')
    }
  }

  /** Counts across the cluster (every node's subscribers and members). */
  const channelInfo = async (name: string, attributes: readonly InfoAttribute[]): Promise<Record<string, number>> => {
    checkInfo(name, attributes)
    if (attributes.length === 0) return {}
    const counts = await realtime.channelInfo(name)
    const info: Record<string, number> = {}
    for (const attribute of attributes) {
      if (attribute === 'user_count') info.user_count = counts.userCount
      else info.subscription_count = counts.subscriptionCount
    }
    return info
  }

  const infoFor = async (names: readonly string[], attributes: readonly InfoAttribute[]) =>
    Object.fromEntries(await Promise.all(names.map(async (name) => [name, await channelInfo(name, attributes)] as const)))

  app.post('/apps/:appId/events', async (request) => {
    const event = parseJson(triggerSchema, request.body)
    const named = event.channels ?? (event.channel === undefined ? [] : [event.channel])
    if (named.length === 0) throw new ApiError(400, 'channels or channel is required')
    if (named.length > limits.maxChannelsPerTrigger) {
      throw new ApiError(400, `At most ${limits.maxChannelsPerTrigger} channels per event`)
    }
    // Each unique channel gets the event once.
    const channels = [...new Set(named)]
    channels.forEach(checkChannel)
    checkData(event.data)
    const attributes = parseInfo(event.info)
    channels.forEach((name) => checkInfo(name, attributes))
    realtime.publish(channels, event.name, event.data, event.socket_id)
    if (attributes.length === 0) return {}
    return { channels: await infoFor(channels, attributes) }
  })

  app.post('/apps/:appId/batch_events', async (request) => {
    const { batch } = parseJson(batchSchema, request.body)
    if (batch.length > limits.maxBatchEvents) throw new ApiError(400, `At most ${limits.maxBatchEvents} events per batch`)
    const infos = batch.map((event) => {
      checkChannel(event.channel)
      checkData(event.data)
      const attributes = parseInfo(event.info)
      checkInfo(event.channel, attributes)
      return attributes
    })
    batch.forEach((event) => realtime.publish([event.channel], event.name, event.data, event.socket_id))
    if (infos.every((attributes) => attributes.length === 0)) return {}
    return { batch: await Promise.all(batch.map((event, i) => channelInfo(event.channel, infos[i] ?? []))) }
  })

  app.get('/apps/:appId/channels', async (request: FastifyRequest<{ Querystring: Record<string, string> }>) => {
    const prefix = request.query.filter_by_prefix ?? ''
    const attributes = parseInfo(request.query.info)
    if (attributes.includes('subscription_count')) {
      throw new ApiError(400, 'Only user_count may be requested for a channel list')
    }
    if (attributes.includes('user_count') && !prefix.startsWith('presence-')) {
      throw new ApiError(400, 'user_count needs filter_by_prefix=presence-')
    }
    const names = (await realtime.occupiedChannels(prefix)).filter((name) => channelKind(name) !== 'server-to-user')
    return { channels: await infoFor(names, attributes) }
  })

  app.get(
    '/apps/:appId/channels/:channelName',
    async (request: FastifyRequest<{ Params: { channelName: string }; Querystring: Record<string, string> }>) => {
      const name = request.params.channelName
      checkChannel(name)
      const attributes = parseInfo(request.query.info)
      const [info, counts] = await Promise.all([channelInfo(name, attributes), realtime.channelInfo(name)])
      return { occupied: counts.subscriptionCount > 0, ...info }
    },
  )

  app.get(
    '/apps/:appId/channels/:channelName/users',
    async (request: FastifyRequest<{ Params: { channelName: string } }>) => {
      const name = request.params.channelName
      if (channelKind(name) !== 'presence') throw new ApiError(400, 'Users can only be listed on presence channels')
      return { users: (await realtime.presenceUserIds(name)).map((id) => ({ id })) }
    },
  )

  app.post(
    '/apps/:appId/users/:userId/terminate_connections',
    async (request: FastifyRequest<{ Params: { userId: string } }>, reply: FastifyReply) => {
      const userId = request.params.userId
      if (userId.length === 0 || userId.length > 200) throw new ApiError(400, 'Invalid user id')
      realtime.terminateUserConnections(userId)
      return reply.send({})
    },
  )
}
