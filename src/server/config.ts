/**
 * Server configuration from the environment (docs/design.md §3). A bad value stops
 * the server at start with a message naming the variable, never later.
 */
import { isIP } from 'node:net'
import { join } from 'node:path'
import { z } from 'zod'
import { registrationModeSchema, type RegistrationMode } from '../shared/api'

const port = z.coerce.number().int().min(0).max(65_535)
const positiveInt = z.coerce.number().int().positive()
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')

/** The names proxy-addr (fastify's `trustProxy`) knows besides addresses and CIDRs. */
const PROXY_PRESETS = new Set(['loopback', 'linklocal', 'uniquelocal'])

/** `10.0.0.1`, `::1`, `10.0.0.0/8`, `10.0.0.0/255.0.0.0`, `fd00::/8` or a preset. */
function isProxyAddress(entry: string): boolean {
  if (PROXY_PRESETS.has(entry)) return true
  const [address = '', range, ...rest] = entry.split('/')
  const family = isIP(address)
  if (family === 0 || rest.length > 0) return false
  if (range === undefined) return true
  if (/^\d{1,3}$/.test(range)) return Number(range) <= (family === 4 ? 32 : 128)
  return family === 4 && isIP(range) === 4
}

/**
 * Whose X-Forwarded-Proto/-Host/-For to believe: `false` (nobody), `true`
 * (whoever connects — only when nothing but the proxy can reach the port),
 * or the proxies' addresses/CIDRs, comma-separated.
 */
const trustProxy = z
  .string()
  .transform((value, ctx): boolean | string[] => {
    const v = value.trim().toLowerCase()
    if (v === 'true') return true
    if (v === 'false') return false
    const entries = value.split(',').map((entry) => entry.trim())
    const bad = entries.filter((entry) => !isProxyAddress(entry))
    if (bad.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `true, false, or proxy addresses/CIDRs separated by commas (loopback, linklocal, uniquelocal also work); not ${bad.map((b) => JSON.stringify(b)).join(', ')}`,
      })
      return z.NEVER
    }
    return entries
  })

const envSchema = z.object({
  PORT: port.default(8787),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  // The desktop app's releases: GET /updates/* and GET /download (docs/distribution.md).
  RELEASES_DIR: z.string().min(1).optional(),
  // Requests to /updates/* and /download per client address per minute. A differential
  // update is a few dozen range requests; a whole office behind one NAT updates at once.
  RELEASES_RATE_LIMIT: positiveInt.default(600),
  PUSHER_APP_ID: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - (1–64)').optional(),
  PUSHER_KEY: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - (1–64)').optional(),
  PUSHER_SECRET: z.string().min(8).max(256).optional(),
  PUSHER_HOST: z.string().min(1).optional(),
  PUSHER_PORT: port.optional(),
  PUSHER_USE_TLS: bool.optional(),
  PUSHER_CLUSTER: z.string().min(1).optional(),
  // End-to-end encryption of the per-user channel with an external service (docs/design.md §5.1).
  PUSHER_ENCRYPTION_MASTER_KEY: z
    .string()
    .refine(
      (value) => /^[A-Za-z0-9+/]+={0,2}$/.test(value) && value.length % 4 === 0 && Buffer.from(value, 'base64').length === 32,
      'base64 of exactly 32 random bytes (e.g. `openssl rand -base64 32`)',
    )
    .optional(),
  // Who may register (docs/design.md §4.6); the first account of a server always may.
  REGISTRATION: z.enum(registrationModeSchema.options, { error: 'open, invite or closed' }).default('open'),
  TRUST_PROXY: trustProxy.default(false),
  DATABASE_URL: z.string().min(1).optional(),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'redis://… or rediss://…').optional(),
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . and - (1–64)').default('parley'),
  CLUSTER_NODE_TTL: z.coerce.number().positive().max(300).default(5),
  ACTIVITY_TIMEOUT: z.coerce.number().int().min(1).max(3_600).default(30),
  PONG_GRACE: z.coerce.number().positive().max(300).default(10),
  AUTH_RATE_LIMIT: positiveInt.default(30),
  SEND_RATE_LIMIT: positiveInt.default(120),
  // Edits, deletes and reactions per user per minute, one budget for the three
  // (issue 17). Sized like sends: a person fixes, takes back and reacts to
  // messages about as often as they write them, and a reconnecting app's
  // outbox coalesces what was queued offline before it sends.
  CHANGE_RATE_LIMIT: positiveInt.default(120),
  // Conversations created (or direct ones re-opened) per user per minute. By hand
  // — pick people in a dialog, maybe type a title — each takes seconds; even
  // someone setting up a team's groups in one sitting makes a handful a minute.
  // 20 never gets in their way, yet caps how fast one account can drop others
  // into groups (issue 14: 150 in a second).
  CONVERSATION_RATE_LIMIT: positiveInt.default(20),
  // GET /api/search per user per minute (docs/design.md §4.7). Someone typing a
  // query makes a request or two a second while the app debounces; 60 a minute
  // is plenty for that and bounds what one account can make the index do.
  SEARCH_RATE_LIMIT: positiveInt.default(60),
  TOKEN_TTL_DAYS: positiveInt.max(3_650).default(30),
  REALTIME_ONLY: bool.default(false),
  PUBLISH_VIA_SDK: bool.default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WEBHOOK_URL: z.url().optional(),
  MAX_CONNECTIONS: positiveInt.optional(),
  MAX_CONNECTIONS_PER_IP: positiveInt.optional(),
  MAX_PRESENCE_MEMBERS: positiveInt.optional(),
  MAX_SUBSCRIPTIONS_PER_SOCKET: positiveInt.optional(),
  MAX_CHANNELS: positiveInt.optional(),
  MAX_PUBLIC_CHANNELS_PER_IP: positiveInt.optional(),
  PUBLIC_CHANNELS: bool.optional(),
  PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'an http:// or https:// URL, e.g. https://chat.example.com' })
    .refine((value) => {
      if (!URL.canParse(value)) return true // reported by z.url above
      const url = new URL(value)
      return (url.pathname === '/' || url.pathname === '') && url.search === '' && url.hash === '' && url.username === ''
    }, 'scheme, host and port only (no path, query or credentials)')
    .optional(),
  CLIENT_EVENTS_PER_SECOND: positiveInt.optional(),
  METRICS_TOKEN: z
    .string()
    .regex(/^[\x21-\x7e]{16,256}$/, '16–256 printable characters without spaces')
    .optional(),
  // Attachments (docs/design.md §4.5).
  MAX_UPLOAD_BYTES: positiveInt.max(64 * 1024 ** 3).default(100 * 1024 * 1024),
  // Uploads per user per minute. Ten files at once on one message is a normal
  // gesture (a batch of photos); a few such messages a minute still pass.
  UPLOAD_RATE_LIMIT: positiveInt.default(60),
  S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name (3–63 of a-z 0-9 . -)').optional(),
  S3_ENDPOINT: z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }).optional(),
  S3_REGION: z.string().min(1).max(64).default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().min(1).max(256).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).max(256).optional(),
  S3_FORCE_PATH_STYLE: bool.default(false),
  S3_PREFIX: z.string().regex(/^[A-Za-z0-9_./-]{0,200}$/, 'letters, digits, _ . / and -').default(''),
})

export interface ServerConfig {
  port: number
  host: string
  dataDir: string
  /** Desktop releases served at /updates/ and /download (RELEASES_DIR, default DATA_DIR/releases). */
  releases: { dir: string; rateLimit: number }
  pusher: {
    appId?: string
    key?: string
    secret?: string
    host?: string
    port?: number
    /**
     * TLS to the external service, for our publishes and for clients' WebSockets
     * alike (one value, so they cannot disagree). PUSHER_USE_TLS; unset = on with
     * PUSHER_HOST/PUSHER_CLUSTER. Unused with the embedded server.
     */
    useTLS: boolean
    cluster?: string
    /**
     * PUSHER_ENCRYPTION_MASTER_KEY (base64 of 32 bytes), with an external
     * service only: the per-user channel becomes `private-encrypted-user-{id}`
     * and the SDK encrypts what goes on it. Kept unset with the embedded
     * server, where nothing leaves the process (`ignoredEncryptionKey` says so).
     */
    encryptionMasterKeyBase64?: string
  }
  /** PUSHER_ENCRYPTION_MASTER_KEY was set for the embedded server, which has no use for it: log a warning at start. */
  ignoredEncryptionKey: boolean
  /** Who may register (REGISTRATION, docs/design.md §4.6). */
  registration: RegistrationMode
  /**
   * fastify's `trustProxy` (TRUST_PROXY): whose X-Forwarded-* headers give the
   * client's protocol, host and address. false = nobody, true = everyone, or
   * the proxies' addresses/CIDRs.
   */
  trustProxy: boolean | string[]
  databaseUrl?: string
  redisUrl?: string
  /** Key prefix in Redis (several deployments can share one Redis). */
  redisPrefix: string
  /** With Redis: a node silent this long is dead and its presence is released (ms). */
  clusterNodeTtlMs: number
  activityTimeoutSec: number
  pongGraceMs: number
  authRateLimit: number
  /** Messages per user per minute. */
  sendRateLimit: number
  changeRateLimit: number
  /** POST /api/conversations per user per minute. */
  conversationRateLimit: number
  /** GET /api/search per user per minute. */
  searchRateLimit: number
  tokenTtlMs: number
  /** Serve only the realtime layer (acting as an external Pusher-compatible service). */
  realtimeOnly: boolean
  /** Publish to the embedded server through the SDK and its HTTP API instead of in process. */
  publishViaSdk: boolean
  logLevel: string
  webhookUrl?: string
  /** Bearer token for GET /metrics from anywhere; unset = loopback clients only. */
  metricsToken?: string
  /**
   * Where clients reach this server (PUBLIC_URL): GET /api/config tells them to
   * open their WebSocket there. Unset: the address the request arrived on, or —
   * with TRUST_PROXY — what the proxy says the client asked for.
   */
  publicUrl?: URL
  /** Attachments: the upload cap, the per-user rate, and where blobs live (S3 when `s3` is set, else DATA_DIR/blobs). */
  attachments: {
    maxUploadBytes: number
    uploadRateLimit: number
    s3?: {
      bucket: string
      endpoint?: string
      region: string
      accessKeyId?: string
      secretAccessKey?: string
      forcePathStyle: boolean
      /** Prepended to every key, so one bucket can hold several deployments. */
      prefix: string
    }
  }
  limits: {
    maxConnections?: number
    maxConnectionsPerIp?: number
    maxPresenceMembers?: number
    maxSubscriptionsPerSocket?: number
    clientEventsPerSecond?: number
    maxChannels?: number
    maxPublicChannelsPerAddress?: number
    publicChannels?: boolean
  }
}

export class ConfigError extends Error {}

/** Parse the environment; empty variables count as unset. Throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''))
  const parsed = envSchema.safeParse(present)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`)
  }
  const e = parsed.data
  const credentials = [e.PUSHER_APP_ID, e.PUSHER_KEY, e.PUSHER_SECRET]
  if (credentials.some((v) => v !== undefined) && credentials.some((v) => v === undefined)) {
    throw new ConfigError('Invalid configuration: set all of PUSHER_APP_ID, PUSHER_KEY and PUSHER_SECRET, or none')
  }
  const external = e.PUSHER_HOST !== undefined || e.PUSHER_CLUSTER !== undefined
  if (external && credentials.some((v) => v === undefined)) {
    throw new ConfigError(
      'Invalid configuration: PUSHER_HOST or PUSHER_CLUSTER needs PUSHER_APP_ID, PUSHER_KEY and PUSHER_SECRET of that service',
    )
  }
  if (external && e.REDIS_URL) {
    throw new ConfigError('Invalid configuration: REDIS_URL joins embedded realtime servers; with PUSHER_HOST/PUSHER_CLUSTER the service scales itself')
  }
  if ((e.S3_ACCESS_KEY_ID === undefined) !== (e.S3_SECRET_ACCESS_KEY === undefined)) {
    throw new ConfigError('Invalid configuration: set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither (the AWS SDK then finds credentials itself)')
  }
  if (e.S3_BUCKET === undefined && (e.S3_ENDPOINT !== undefined || e.S3_ACCESS_KEY_ID !== undefined)) {
    throw new ConfigError('Invalid configuration: S3_ENDPOINT and S3 credentials need S3_BUCKET')
  }
  if (external && e.REALTIME_ONLY) {
    throw new ConfigError('Invalid configuration: REALTIME_ONLY serves the embedded realtime server; unset PUSHER_HOST/PUSHER_CLUSTER')
  }
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR,
    releases: { dir: e.RELEASES_DIR ?? join(e.DATA_DIR, 'releases'), rateLimit: e.RELEASES_RATE_LIMIT },
    pusher: {
      appId: e.PUSHER_APP_ID,
      key: e.PUSHER_KEY,
      secret: e.PUSHER_SECRET,
      host: e.PUSHER_HOST,
      port: e.PUSHER_PORT,
      // Secure by default: a service reached over the network gets TLS unless PUSHER_USE_TLS=false.
      useTLS: e.PUSHER_USE_TLS ?? external,
      cluster: e.PUSHER_CLUSTER,
      ...(external && e.PUSHER_ENCRYPTION_MASTER_KEY !== undefined
        ? { encryptionMasterKeyBase64: e.PUSHER_ENCRYPTION_MASTER_KEY }
        : {}),
    },
    ignoredEncryptionKey: !external && e.PUSHER_ENCRYPTION_MASTER_KEY !== undefined,
    registration: e.REGISTRATION,
    trustProxy: e.TRUST_PROXY,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    clusterNodeTtlMs: Math.round(e.CLUSTER_NODE_TTL * 1000),
    activityTimeoutSec: e.ACTIVITY_TIMEOUT,
    pongGraceMs: Math.round(e.PONG_GRACE * 1000),
    authRateLimit: e.AUTH_RATE_LIMIT,
    sendRateLimit: e.SEND_RATE_LIMIT,
    changeRateLimit: e.CHANGE_RATE_LIMIT,
    conversationRateLimit: e.CONVERSATION_RATE_LIMIT,
    searchRateLimit: e.SEARCH_RATE_LIMIT,
    tokenTtlMs: e.TOKEN_TTL_DAYS * 24 * 60 * 60 * 1000,
    realtimeOnly: e.REALTIME_ONLY,
    publishViaSdk: e.PUBLISH_VIA_SDK,
    logLevel: e.LOG_LEVEL,
    webhookUrl: e.WEBHOOK_URL,
    metricsToken: e.METRICS_TOKEN,
    ...(e.PUBLIC_URL !== undefined ? { publicUrl: new URL(e.PUBLIC_URL) } : {}),
    attachments: {
      maxUploadBytes: e.MAX_UPLOAD_BYTES,
      uploadRateLimit: e.UPLOAD_RATE_LIMIT,
      ...(e.S3_BUCKET !== undefined && {
        s3: {
          bucket: e.S3_BUCKET,
          ...(e.S3_ENDPOINT !== undefined && { endpoint: e.S3_ENDPOINT }),
          region: e.S3_REGION,
          ...(e.S3_ACCESS_KEY_ID !== undefined && { accessKeyId: e.S3_ACCESS_KEY_ID }),
          ...(e.S3_SECRET_ACCESS_KEY !== undefined && { secretAccessKey: e.S3_SECRET_ACCESS_KEY }),
          forcePathStyle: e.S3_FORCE_PATH_STYLE,
          prefix: e.S3_PREFIX,
        },
      }),
    },
    limits: {
      maxConnections: e.MAX_CONNECTIONS,
      maxConnectionsPerIp: e.MAX_CONNECTIONS_PER_IP,
      maxPresenceMembers: e.MAX_PRESENCE_MEMBERS,
      maxSubscriptionsPerSocket: e.MAX_SUBSCRIPTIONS_PER_SOCKET,
      clientEventsPerSecond: e.CLIENT_EVENTS_PER_SECOND,
      maxChannels: e.MAX_CHANNELS,
      maxPublicChannelsPerAddress: e.MAX_PUBLIC_CHANNELS_PER_IP,
      publicChannels: e.PUBLIC_CHANNELS,
    },
  }
}
