/**
 * `GET /metrics` in the Prometheus text format (prom-client).
 *
 * What a server exposes depends on its mode: the realtime series only where the
 * embedded realtime server runs (default and REALTIME_ONLY), the api series
 * (messages stored, publishes, send→publish latency) only where the REST api
 * runs (and with it the attachment series: bytes uploaded and served,
 * upload refusals by reason, BlobStore errors by operation), webhook series
 * only with WEBHOOK_URL. REST and Pusher HTTP API request
 * counters and the process metrics (memory, CPU, event-loop lag, GC, handles:
 * prom-client's default set) are always there. Counters the components keep
 * themselves (RealtimeServer.stats(), Publisher, WebhookSender) are read when
 * the endpoint is scraped; request counters are fed by fastify hooks.
 *
 * Access: the endpoint shares the server's port, so it is not public by
 * default. Without METRICS_TOKEN only loopback clients get it, and only when
 * the request did not come through a proxy (no Forwarded / X-Forwarded-For /
 * X-Real-IP header: a reverse proxy on the same host would otherwise make it
 * public); others get 403. With METRICS_TOKEN every client, loopback included,
 * must send `Authorization: Bearer <METRICS_TOKEN>`; otherwise 401.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, type Metric } from 'prom-client'
import { ErrorCodes } from '../shared/api'
import type { ApiMetrics, UploadRefusal } from './api/context'
import type { Publisher } from './api/publisher'
import type { RealtimeServer } from './realtime/server'
import type { WebhookSender } from './realtime/webhooks'

export const METRICS_PATH = '/metrics'

/** Scrapes every few seconds would drown the request log (app.ts leaves them out; refusals are logged). */
export function isScrape(url: string): boolean {
  return url === METRICS_PATH || url.startsWith(`${METRICS_PATH}?`)
}

/** Seconds; sends are in-process and fast, but the SDK path and load stretch them. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

export interface MetricsOptions {
  /** METRICS_TOKEN: when set, scrapes need `Authorization: Bearer <token>`; unset, loopback only. */
  token?: string
}

/** What the server ended up running; null for parts this mode does not have. */
export interface MetricsSources {
  realtime: RealtimeServer | null
  webhooks: WebhookSender | null
  /** Present where the REST api runs. */
  publisher: Publisher | null
}

/** Process metrics are per process, not per server: one registry however many servers a process runs (tests). */
let processRegistry: Registry | null = null
function processMetrics(): Registry {
  if (processRegistry === null) {
    processRegistry = new Registry()
    collectDefaultMetrics({ register: processRegistry })
  }
  return processRegistry
}

/** A prom-client counter that follows a total kept elsewhere (read at scrape time). */
class MirroredCounter {
  private last = 0
  constructor(
    readonly counter: Counter,
    private readonly read: () => number,
  ) {}

  sync(): void {
    const value = this.read()
    if (value > this.last) this.counter.inc(value - this.last)
    this.last = Math.max(this.last, value)
  }
}

export class ServerMetrics implements ApiMetrics {
  readonly registry = new Registry()
  private readonly token: Buffer | null
  private mirrored: MirroredCounter[] = []
  private refreshRealtime: (() => void) | null = null

  // Always present.
  private readonly restRequests = new Counter({
    name: 'parley_rest_requests_total',
    help: 'HTTP requests outside the Pusher HTTP API (REST api, health, metrics), by route pattern and status class',
    labelNames: ['method', 'route', 'status_class'] as const,
    registers: [],
  })
  private readonly restDuration = new Histogram({
    name: 'parley_rest_request_duration_seconds',
    help: 'Time from the arrival of a request to its response, by route pattern',
    labelNames: ['method', 'route'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [],
  })
  private readonly pusherApiRequests = new Counter({
    name: 'parley_pusher_http_api_requests_total',
    help: 'Calls to the signed Pusher HTTP API (/apps/{appId}/...), by route pattern and status',
    labelNames: ['route', 'status'] as const,
    registers: [],
  })

  // Where the api runs.
  private readonly messagesStored = new Counter({
    name: 'parley_messages_stored_total',
    help: 'Messages stored by sends (idempotent repeats of a send are not counted)',
    registers: [],
  })
  private readonly sendToPublish = new Histogram({
    name: 'parley_send_to_publish_seconds',
    help: 'From the arrival of a send request to its message.created event being handed to the realtime layer',
    buckets: LATENCY_BUCKETS,
    registers: [],
  })

  // Attachments (where the api runs).
  private readonly uploadBytes = new Counter({
    name: 'parley_attachment_upload_bytes_total',
    help: 'Bytes of uploads stored (as received, before images are cleaned)',
    registers: [],
  })
  private readonly uploadRefusals = new Counter({
    name: 'parley_attachment_upload_refusals_total',
    help: 'Uploads refused, by reason (too_large, rate_limited, malformed, image_too_large, image_unreadable)',
    labelNames: ['reason'] as const,
    registers: [],
  })
  private readonly servedBytes = new Counter({
    name: 'parley_attachment_served_bytes_total',
    help: 'Bytes of attachments sent to clients, by what (file, thumbnail)',
    labelNames: ['what'] as const,
    registers: [],
  })
  private readonly blobErrors = new Counter({
    name: 'parley_blob_store_errors_total',
    help: 'BlobStore operations that failed, by operation (put, get, delete); failed deletes are retried by the sweeper',
    labelNames: ['operation'] as const,
    registers: [],
  })

  constructor(options: MetricsOptions = {}) {
    this.token = options.token === undefined ? null : digest(options.token)
    // Now, not at the first scrape: prom-client counts CPU time from when its collector was made.
    processMetrics()
    this.registry.registerMetric(this.restRequests)
    this.registry.registerMetric(this.restDuration)
    this.registry.registerMetric(this.pusherApiRequests)
  }

  /**
   * The request hooks and the route. Call on the root instance before any
   * plugin is registered: fastify copies a parent's hooks into a child plugin
   * when the child is registered.
   */
  install(app: FastifyInstance): void {
    app.addHook('onResponse', (request, reply, done) => {
      this.countRequest(request, reply)
      done()
    })
    app.get(METRICS_PATH, async (request, reply) => {
      const refusal = this.refusal(request)
      if (refusal !== null) {
        request.log.warn({ status: refusal.status, remoteAddress: request.socket.remoteAddress }, 'metrics scrape refused')
        if (refusal.status === 401) void reply.header('www-authenticate', 'Bearer realm="metrics"')
        return reply.code(refusal.status).send({ error: { code: refusal.code, message: refusal.message } })
      }
      return reply.header('content-type', this.registry.contentType).send(await this.exposition())
    })
  }

  /** Register the series this mode has; call once the parts exist. */
  observe(sources: MetricsSources): void {
    const { realtime, webhooks, publisher } = sources
    if (realtime !== null) {
      const gauges = {
        connections: this.gauge('parley_realtime_connections', 'Open WebSocket connections'),
        channels: this.gauge('parley_realtime_channels', 'Channels with at least one subscriber'),
        subscriptions: this.gauge('parley_realtime_subscriptions', 'Channel subscriptions over all connections'),
        signedInUsers: this.gauge('parley_realtime_signed_in_users', 'Distinct users signed in (pusher:signin) on some connection'),
      }
      let stats = realtime.stats()
      this.mirror('parley_realtime_messages_in_total', 'WebSocket frames received from clients', () => stats.messagesIn)
      this.mirror(
        'parley_realtime_messages_out_total',
        'Events delivered to sockets (one per receiving socket: published events and client events)',
        () => stats.messagesOut,
      )
      this.refreshRealtime = () => {
        stats = realtime.stats()
        gauges.connections.set(stats.connections)
        gauges.channels.set(stats.channels)
        gauges.subscriptions.set(stats.subscriptions)
        gauges.signedInUsers.set(stats.signedInUsers)
      }
    }
    if (webhooks !== null) {
      this.mirror('parley_webhook_events_delivered_total', 'Webhook events delivered (2xx from WEBHOOK_URL)', () => webhooks.delivered)
      this.mirror('parley_webhook_retries_total', 'Webhook batch deliveries retried after a failure', () => webhooks.retries)
      this.mirror(
        'parley_webhook_events_dropped_total',
        'Webhook events given up on (retries exhausted or queue full)',
        () => webhooks.dropped,
      )
    }
    if (publisher !== null) {
      this.registry.registerMetric(this.messagesStored)
      this.registry.registerMetric(this.sendToPublish)
      this.registry.registerMetric(this.uploadBytes)
      this.registry.registerMetric(this.uploadRefusals)
      this.registry.registerMetric(this.servedBytes)
      this.registry.registerMetric(this.blobErrors)
      this.mirror('parley_publishes_total', 'Realtime events handed to the realtime layer', () => publisher.published)
      this.mirror(
        'parley_publish_failures_total',
        'Realtime events given up on after retries (clients gap-fill)',
        () => publisher.failed,
      )
    }
  }

  messageStored(): void {
    this.messagesStored.inc()
  }

  uploadStored(bytes: number): void {
    this.uploadBytes.inc(bytes)
  }

  uploadRefused(reason: UploadRefusal): void {
    this.uploadRefusals.inc({ reason })
  }

  attachmentBytesServed(what: 'file' | 'thumbnail', bytes: number): void {
    if (bytes > 0) this.servedBytes.inc({ what }, bytes)
  }

  blobStoreError(operation: 'put' | 'get' | 'delete'): void {
    this.blobErrors.inc({ operation })
  }

  /** The Publisher's `onHandedOff`: `startedAt` is performance.now() at the send request's arrival. */
  readonly sendPublished = (startedAt: number): void => {
    this.sendToPublish.observe((performance.now() - startedAt) / 1000)
  }

  /** The exposition text: this server's series, then the process's. */
  async exposition(): Promise<string> {
    this.refreshRealtime?.() // before the counters that read its snapshot
    for (const counter of this.mirrored) counter.sync()
    const [own, process] = await Promise.all([this.registry.metrics(), processMetrics().metrics()])
    return `${own}${own.endsWith('\n') || own === '' ? '' : '\n'}${process}`
  }

  private refusal(request: FastifyRequest): { status: number; code: string; message: string } | null {
    if (this.token !== null) {
      const match = /^Bearer +(\S+)$/i.exec(request.headers.authorization ?? '')
      const given = match?.[1]
      if (given !== undefined && timingSafeEqual(digest(given), this.token)) return null
      return { status: 401, code: ErrorCodes.unauthorized, message: 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>' }
    }
    const proxied = ['forwarded', 'x-forwarded-for', 'x-real-ip'].some((name) => request.headers[name] !== undefined)
    if (isLoopback(request.socket.remoteAddress) && !proxied) return null
    return {
      status: 403,
      code: ErrorCodes.forbidden,
      message: 'GET /metrics is served to local clients only; set METRICS_TOKEN to scrape it from elsewhere with a bearer token',
    }
  }

  private countRequest(request: FastifyRequest, reply: FastifyReply): void {
    const route = request.routeOptions.url ?? 'unmatched'
    const status = reply.statusCode
    if (request.url.startsWith('/apps/')) {
      this.pusherApiRequests.inc({ route, status: String(status) })
      return
    }
    const method = request.method
    this.restRequests.inc({ method, route, status_class: `${Math.floor(status / 100)}xx` })
    this.restDuration.observe({ method, route }, reply.elapsedTime / 1000)
  }

  private gauge(name: string, help: string): Gauge {
    const gauge = new Gauge({ name, help, registers: [] })
    this.register(gauge)
    return gauge
  }

  private mirror(name: string, help: string, read: () => number): void {
    const counter = new Counter({ name, help, registers: [] })
    this.register(counter)
    this.mirrored.push(new MirroredCounter(counter, read))
  }

  private register(metric: Metric): void {
    this.registry.registerMetric(metric)
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest()
}

function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false
  return address === '::1' || /^(::ffff:)?127\./.test(address)
}
