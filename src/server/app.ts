/**
 * Builds one Parley server on one HTTP server and port:
 * - default: REST api + SQLite store + the embedded realtime server;
 * - external realtime (PUSHER_HOST or PUSHER_CLUSTER): REST api + store, events
 *   published to that service, presence learnt from its webhooks;
 * - realtime only (REALTIME_ONLY): just the Pusher-protocol server, acting as
 *   someone else's external service.
 * `startServer` is what `npm run server` and the tests call; `close()` shuts
 * down gracefully (4200 to every socket first, the store last).
 */
import { Agent as HttpAgent } from 'node:http'
import { Agent as HttpsAgent } from 'node:https'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { fastify, LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify'
import type { Logger } from 'pino'
import Pusher from 'pusher'
import { ErrorCodes } from '../shared/api'
import { api, API_BODY_LIMIT } from './api'
import { parseConversationChannel, userChannel } from '../shared/channels'
import type { ApiContext } from './api/context'
import { encryptingSink } from './api/encrypted-sink'
import { groupPresence } from './api/group-presence'
import { PresenceTracker } from './api/presence'
import { Publisher } from './api/publisher'
import { realtimeSink } from './api/realtime-sink'
import { BlobReaper } from './attachments/blob-reaper'
import { AttachmentSweeper } from './attachments/sweeper'
import { createBlobStore } from './blobs'
import type { BlobStore } from './blobs/blob-store'
import { SessionSockets } from './api/sessions'
import { clientAddressResolver, trustedPeerCheck } from './client-address'
import type { ServerConfig } from './config'
import { loadCredentials } from './credentials'
import { isScrape, ServerMetrics } from './metrics'
import { httpApi } from './realtime/http-api'
import { RedisCluster } from './realtime/redis-cluster'
import { RealtimeServer } from './realtime/server'
import { releaseRoutes } from './releases/routes'
import type { AppCredentials } from './realtime/signature'
import { WebhookSender } from './realtime/webhooks'
import { echoRequestIds, requestId } from './request-id'
import { openStore } from './store/open'
import type { Store } from './store/store'

export interface ParleyServer {
  /** `http://host:port` the server listens on. */
  url: string
  port: number
  fastify: FastifyInstance
  /** The embedded realtime server; null when an external service is used. */
  realtime: RealtimeServer | null
  webhooks: WebhookSender | null
  /** Null in realtime-only mode. */
  store: Store | null
  publisher: Publisher | null
  presence: PresenceTracker | null
  /** Null in realtime-only mode. */
  sessions: SessionSockets | null
  /** Where attachment bytes live; null in realtime-only mode. */
  blobs: BlobStore | null
  /** Deletes uploads nobody attached; null in realtime-only mode. */
  sweeper: AttachmentSweeper | null
  credentials: AppCredentials
  metrics: ServerMetrics
  close(): Promise<void>
}

export interface StartOptions {
  /** Clock for the api (token expiry, timestamps, the attachment sweeper); tests move it. */
  now?: () => number
}

function externalRealtime(config: ServerConfig): boolean {
  return config.pusher.host !== undefined || config.pusher.cluster !== undefined
}

export async function startServer(config: ServerConfig, log: Logger, options: StartOptions = {}): Promise<ParleyServer> {
  const now = options.now ?? Date.now
  const credentials = loadCredentials(config.dataDir, config.pusher)
  const external = externalRealtime(config)
  const server = fastify({
    loggerInstance: log as FastifyBaseLogger,
    // The Pusher HTTP API is the publish hot path; health checks and scrapes are noise.
    logController: new LogController({
      disableRequestLogging: (req) => req.url.startsWith('/apps/') || req.url === '/healthz' || isScrape(req.url),
    }),
    // Every request gets an id (`reqId` in its log lines, echoed in X-Request-Id); a sane client one is kept.
    requestIdHeader: false,
    genReqId: requestId,
    forceCloseConnections: true,
    // Behind a TLS-terminating proxy: X-Forwarded-Proto/-Host from these peers say how
    // clients reached us (GET /api/config answers wss on 443). Off unless TRUST_PROXY.
    trustProxy: config.trustProxy,
    return503OnClosing: true,
    bodyLimit: API_BODY_LIMIT,
    // Errors before routing (a malformed URL) get the api's error shape too.
    frameworkErrors: (error, _request, reply) => {
      void (reply as FastifyReply).code(400).send({ error: { code: ErrorCodes.badRequest, message: error.message } })
    },
  })
  server.get('/healthz', async () => ({ ok: true }))
  // Root hooks before any plugin is registered, so every route has them.
  echoRequestIds(server)
  // Responses are data for the app, never documents for a browser to sniff, nor to keep in a cache.
  server.addHook('onSend', async (_request, reply, payload) => {
    reply.header('X-Content-Type-Options', 'nosniff')
    if (!reply.hasHeader('Cache-Control')) reply.header('Cache-Control', 'no-store')
    return payload
  })
  const metrics = new ServerMetrics({ token: config.metricsToken })
  metrics.install(server)

  let realtime: RealtimeServer | null = null
  let webhooks: WebhookSender | null = null
  if (!external) {
    realtime = new RealtimeServer({
      app: credentials,
      activityTimeoutSec: config.activityTimeoutSec,
      pongGraceMs: config.pongGraceMs,
      limits: Object.fromEntries(Object.entries(config.limits).filter(([, value]) => value !== undefined)),
      log: log.child({ module: 'realtime' }),
      clientAddress: clientAddressResolver(config.trustProxy),
      ...(config.redisUrl
        ? {
            cluster: new RedisCluster({
              url: config.redisUrl,
              prefix: `${config.redisPrefix}:${credentials.id}`,
              log: log.child({ module: 'cluster' }),
              nodeTtlMs: config.clusterNodeTtlMs,
              sweepMs: Math.max(200, Math.min(1_000, config.clusterNodeTtlMs / 5)),
            }),
          }
        : {}),
    })
    await realtime.start()
    realtime.attach(server.server)
    await server.register(httpApi, { realtime })
    if (config.webhookUrl) {
      webhooks = new WebhookSender({ url: config.webhookUrl, app: credentials, log: log.child({ module: 'webhooks' }) })
      webhooks.attach(realtime.hooks)
    }
  }

  let store: Store | null = null
  let publisher: Publisher | null = null
  let presence: PresenceTracker | null = null
  let sessions: SessionSockets | null = null
  let blobs: BlobStore | null = null
  let sweeper: AttachmentSweeper | null = null
  // Publishing needs the port we end up listening on: the SDK is made after listen().
  let publishAgent: HttpAgent | null = null
  if (!config.realtimeOnly) {
    store = await openStore(config)
    presence = new PresenceTracker(store, log.child({ module: 'presence' }), now)
    // With an external service and PUSHER_ENCRYPTION_MASTER_KEY, channel auth for the encrypted per-user channel carries its shared_secret.
    const { encryptionMasterKeyBase64 } = config.pusher
    const encryption = encryptionMasterKeyBase64 !== undefined ? { encryptionMasterKeyBase64 } : {}
    if (config.ignoredEncryptionKey) log.warn('PUSHER_ENCRYPTION_MASTER_KEY is ignored: the embedded realtime server keeps every event in this process')
    const signer = new Pusher({ appId: credentials.id, key: credentials.key, secret: credentials.secret, host: '127.0.0.1', ...encryption })
    publisher = new Publisher({ log: log.child({ module: 'publisher' }), onHandedOff: metrics.sendPublished })
    sessions = new SessionSockets({ store, realtime, publisher, log: log.child({ module: 'sessions' }), now })
    sessions.startSweeping()
    blobs = await createBlobStore(config, log.child({ module: 'blobs' }))
    const reaper = new BlobReaper({ store, blobs, log: log.child({ module: 'blobs' }), now, metrics })
    const tmpDir = join(config.dataDir, 'tmp')
    sweeper = new AttachmentSweeper({ store, reaper, log: log.child({ module: 'attachments' }), now, tmpDir })
    sweeper.start()
    const ctx: ApiContext = {
      store,
      presence,
      publisher,
      sessions,
      pusher: signer,
      log,
      now,
      realtime: {
        embedded: !external,
        trustsPeer: trustedPeerCheck(config.trustProxy),
        ...(config.publicUrl !== undefined ? { publicUrl: config.publicUrl } : {}),
        config: {
          pusher: {
            key: credentials.key,
            cluster: config.pusher.cluster ?? 'parley',
            ...(config.pusher.host !== undefined ? { wsHost: config.pusher.host } : {}),
            ...(config.pusher.port !== undefined ? { wsPort: config.pusher.port } : {}),
            forceTLS: config.pusher.useTLS,
          },
          activityTimeout: config.activityTimeoutSec,
        },
      },
      limits: {
        authPerMinute: config.authRateLimit,
        sendsPerMinute: config.sendRateLimit,
        changesPerMinute: config.changeRateLimit,
        conversationsPerMinute: config.conversationRateLimit,
        searchesPerMinute: config.searchRateLimit,
        tokenTtlMs: config.tokenTtlMs,
      },
      attachments: {
        blobs,
        reaper,
        maxUploadBytes: config.attachments.maxUploadBytes,
        uploadsPerMinute: config.attachments.uploadRateLimit,
        tmpDir,
      },
      metrics,
      // Issue 19 (docs/design.md §4.6, §5.1): the per-user channel's name, ending presence, who may register.
      userChannel: (userId) => userChannel(userId, encryptionMasterKeyBase64 !== undefined),
      groups: groupPresence(realtime),
      accounts: { registration: config.registration, ...(config.publicUrl !== undefined ? { publicUrl: config.publicUrl } : {}) },
    }
    if (realtime !== null) {
      // A conversation's presence is admitted only for a current member not blocked there (§4.6), not on a
      // replayed signature. Other presence channels are the realtime service's general business: the signature decides.
      const members = store
      realtime.presenceAdmission = async (channel, userId) => {
        const conversationId = parseConversationChannel(channel)
        if (conversationId === null) return true
        return (await members.isMember(conversationId, userId)) && !(await members.blockedInDirect(conversationId, userId))
      }
      // Whoever blocked a user is hidden from them in every presence channel (§4.6): read once per user per node.
      realtime.presenceBlockers = (userId) => members.blockersOf(userId)
      const tracker = presence
      realtime.hooks.on('memberAdded', ({ channel, userId }) => tracker.memberAdded(channel, userId))
      realtime.hooks.on('memberRemoved', ({ channel, userId }) => tracker.memberRemoved(channel, userId))
    }
    await server.register(async (scope) => api(scope, ctx))
    // The desktop app's installers and update feeds (docs/distribution.md).
    await server.register(releaseRoutes({ dir: config.releases.dir, perMinute: config.releases.rateLimit, log: log.child({ module: 'releases' }) }))
  }

  metrics.observe({ realtime, webhooks, publisher })
  await server.listen({ port: config.port, host: config.host })
  const address = server.server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address

  if (publisher !== null) {
    if (realtime !== null && !config.publishViaSdk) {
      // Embedded: straight into the realtime server. Through the SDK, each publish
      // would be an HTTP request to ourselves, queued behind the very sends that
      // cause it — under load, events fell seconds behind (bench/api).
      publisher.connect(realtimeSink(realtime))
    } else {
      // External: the same TLS choice clients get from GET /api/config (config.ts makes it
      // once). Embedded: plain HTTP to ourselves over loopback.
      const useTLS = external ? config.pusher.useTLS : false
      const target = external
        ? {
            host: config.pusher.host,
            port: config.pusher.port === undefined ? undefined : String(config.pusher.port),
            cluster: config.pusher.cluster,
            useTLS,
          }
        : { host: loopbackFor(address), port: String(address.port), useTLS }
      // Keep-alive, of the protocol the SDK will speak: https.request refuses an http Agent
      // (ERR_INVALID_PROTOCOL), which once failed every publish to a TLS service.
      const agentOptions = { keepAlive: true, maxSockets: 16 }
      publishAgent = useTLS ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions)
      publisher.connect(
        encryptingSink(
          new Pusher({
            appId: credentials.id,
            key: credentials.key,
            secret: credentials.secret,
            ...target,
            timeout: 5_000,
            agent: publishAgent,
            // Encrypts every event on a private-encrypted- channel (external service with PUSHER_ENCRYPTION_MASTER_KEY).
            ...(config.pusher.encryptionMasterKeyBase64 !== undefined
              ? { encryptionMasterKeyBase64: config.pusher.encryptionMasterKeyBase64 }
              : {}),
          } as Pusher.Options),
        ),
      )
    }
  }

  let closing: Promise<void> | null = null
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    fastify: server,
    realtime,
    webhooks,
    store,
    publisher,
    presence,
    sessions,
    blobs,
    sweeper,
    credentials,
    metrics,
    close() {
      closing ??= (async () => {
        // Sockets first (clients reconnect elsewhere at once; presence hooks record
        // lastSeenAt), then pending events, then HTTP, then the database.
        await sessions?.stop()
        await sweeper?.stop()
        await realtime?.close()
        await Promise.race([publisher?.idle(), new Promise((resolve) => setTimeout(resolve, 2_000))])
        await presence?.flush()
        webhooks?.close()
        await server.close()
        publishAgent?.destroy()
        await blobs?.close()
        await store?.close()
      })()
      return closing
    },
  }
}

/** Where this process reaches its own HTTP API. */
function loopbackFor(address: AddressInfo): string {
  if (address.address === '0.0.0.0') return '127.0.0.1'
  if (address.address === '::' || address.address === '::1') return '[::1]'
  return address.address
}
