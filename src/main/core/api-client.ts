/**
 * The REST client of the core: typed calls with the session token, responses
 * checked against the shared zod schemas, and failures sorted into what the
 * outbox and sync need to know — retry later (network, 5xx, 408, 429) or give
 * up (other 4xx).
 */
import { z } from 'zod'
import {
  authResponseSchema,
  configResponseSchema,
  conversationPageSchema,
  conversationSchema,
  deliveredBatchResponseSchema,
  deliveredResponseSchema,
  deviceSessionSchema,
  errorResponseSchema,
  inviteSchema,
  messagePageSchema,
  messageSchema,
  readResponseSchema,
  userSchema,
  type AuthResponse,
  type ConfigResponse,
  type Conversation,
  type ConversationPage,
  type DeviceSession,
  type Invite,
  type Message,
  type MessagePage,
  type User,
} from '../../shared/api'

/** The server answered with an error status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = 'HttpError'
  }
}

/** The request never got an answer: offline, refused, timed out, reset. */
export class NetworkError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'NetworkError'
  }
}

/** Worth trying again later: the request may succeed unchanged. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof NetworkError) return true
  if (err instanceof HttpError) return err.status >= 500 || err.status === 408 || err.status === 429
  return false
}

/** `shared_secret`: the key of a `private-encrypted-` channel, which pusher-js takes from the auth answer. */
const authSchema = z.object({ auth: z.string(), channel_data: z.string().optional(), shared_secret: z.string().optional() })
const userAuthSchema = z.object({ auth: z.string(), user_data: z.string() })
const authBatchSchema = z.object({
  channels: z.record(z.string(), z.union([authSchema, z.object({ error: z.object({ status: z.number(), code: z.string(), message: z.string() }) })])),
})

/** GET /api/search's answer (../shared/DESIGN.md §4.0). */
const searchPageSchema = z.object({
  hits: z.array(z.object({ message: messageSchema, snippet: z.array(z.object({ text: z.string(), match: z.boolean() })) })),
  nextCursor: z.string().nullable(),
})
export type SearchPage = z.infer<typeof searchPageSchema>

export type ChannelAuth = z.infer<typeof authSchema>
/** POST /api/pusher/auth-batch's answer: each channel's auth, or its refusal as the single route would have answered. */
export type ChannelAuthBatch = Record<string, ChannelAuth | HttpError>

export interface ApiClientOptions {
  baseUrl: string
  token?: string | null
  timeoutMs?: number
  /** Called when the server says the token is no longer valid (401 on an authenticated call). */
  onUnauthorized?: () => void
}

export class ApiClient {
  readonly baseUrl: string
  token: string | null

  constructor(private readonly options: ApiClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '')
    this.token = options.token ?? null
  }

  /** `schema` null: a 204 without a body is expected. */
  private async request<T>(method: string, path: string, schema: z.ZodType<T> | null, body?: unknown): Promise<T> {
    let response: Response
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
      })
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code
      throw new NetworkError(`${method} ${path}: ${cause ?? (err instanceof Error ? err.message : String(err))}`)
    }
    let text: string
    try {
      text = await response.text()
    } catch (err) {
      throw new NetworkError(`${method} ${path}: ${err instanceof Error ? err.message : String(err)}`)
    }
    if (!response.ok) {
      const parsed = errorResponseSchema.safeParse(safeJson(text))
      const error = parsed.success
        ? new HttpError(response.status, parsed.data.error.code, parsed.data.error.message)
        : new HttpError(response.status, 'http_error', `${method} ${path}: HTTP ${response.status}`)
      if (response.status === 401 && this.token !== null && !path.startsWith('/api/auth/')) {
        this.options.onUnauthorized?.()
      }
      throw error
    }
    if (schema === null) return undefined as T
    const parsed = schema.safeParse(safeJson(text))
    if (!parsed.success) throw new HttpError(502, 'bad_response', `${method} ${path}: unexpected response from the server`)
    return parsed.data
  }

  config(): Promise<ConfigResponse> {
    return this.request('GET', '/api/config', configResponseSchema)
  }

  register(body: { username: string; password: string; displayName?: string; invite?: string }): Promise<AuthResponse> {
    return this.request('POST', '/api/auth/register', authResponseSchema, body)
  }

  login(body: { username: string; password: string }): Promise<AuthResponse> {
    return this.request('POST', '/api/auth/login', authResponseSchema, body)
  }

  logout(): Promise<void> {
    return this.request<void>('POST', '/api/auth/logout', null)
  }

  me(): Promise<User> {
    return this.request('GET', '/api/me', userSchema)
  }

  users(query: { q?: string; ids?: readonly string[] } = {}): Promise<User[]> {
    const params = new URLSearchParams()
    if (query.q) params.set('q', query.q)
    if (query.ids) params.set('ids', query.ids.join(','))
    const qs = params.toString()
    return this.request('GET', `/api/users${qs ? `?${qs}` : ''}`, z.array(userSchema))
  }

  /** One page of the conversation list, newest activity first; `cursor` is the previous page's `nextCursor`. */
  conversationPage(page: { limit?: number; cursor?: string } = {}): Promise<ConversationPage> {
    const params = new URLSearchParams()
    if (page.limit !== undefined) params.set('limit', String(page.limit))
    if (page.cursor !== undefined) params.set('cursor', page.cursor)
    const qs = params.toString()
    return this.request('GET', `/api/conversations${qs ? `?${qs}` : ''}`, conversationPageSchema)
  }

  createConversation(body: { memberIds: string[]; title?: string }): Promise<Conversation> {
    return this.request('POST', '/api/conversations', conversationSchema, body)
  }

  /** One conversation as I see it; 404 once I am not a member. */
  conversation(conversationId: string): Promise<Conversation> {
    return this.request('GET', `/api/conversations/${enc(conversationId)}`, conversationSchema)
  }

  // -- groups, people and administration (docs/design.md §4.6) ---------------------

  renameConversation(conversationId: string, title: string): Promise<Conversation> {
    return this.request('PATCH', `/api/conversations/${enc(conversationId)}`, conversationSchema, { title })
  }

  addMembers(conversationId: string, userIds: readonly string[]): Promise<Conversation> {
    return this.request('POST', `/api/conversations/${enc(conversationId)}/members`, conversationSchema, { userIds })
  }

  /** Remove a member; myself: leave. */
  removeMember(conversationId: string, userId: string): Promise<void> {
    return this.request<void>('DELETE', `/api/conversations/${enc(conversationId)}/members/${enc(userId)}`, null)
  }

  setMemberRole(conversationId: string, userId: string, role: 'admin' | 'member'): Promise<Conversation> {
    return this.request('PATCH', `/api/conversations/${enc(conversationId)}/members/${enc(userId)}`, conversationSchema, { role })
  }

  /** My own settings of a conversation (the mute), synced to my devices. */
  conversationSettings(conversationId: string, settings: { mutedUntil: number | null }): Promise<Conversation> {
    return this.request('PUT', `/api/conversations/${enc(conversationId)}/settings`, conversationSchema, settings)
  }

  /** Block (true) or unblock a user. */
  block(userId: string, blocked: boolean): Promise<void> {
    return this.request<void>(blocked ? 'PUT' : 'DELETE', `/api/users/${enc(userId)}/block`, null)
  }

  blocks(): Promise<User[]> {
    return this.request('GET', '/api/blocks', z.array(userSchema))
  }

  updateMe(patch: { displayName: string }): Promise<User> {
    return this.request('PATCH', '/api/me', userSchema, patch)
  }

  changePassword(body: { current: string; next: string }): Promise<void> {
    return this.request<void>('POST', '/api/me/password', null, body)
  }

  sessions(): Promise<DeviceSession[]> {
    return this.request('GET', '/api/me/sessions', z.array(deviceSessionSchema))
  }

  revokeSession(sessionId: string): Promise<void> {
    return this.request<void>('DELETE', `/api/me/sessions/${enc(sessionId)}`, null)
  }

  createInvite(body: { expiresInHours?: number }): Promise<Invite> {
    return this.request('POST', '/api/invites', inviteSchema, body)
  }

  /** A page by seq (`after`, `before`), or every message changed after a rev (`changedAfter`, ascending rev). */
  messages(conversationId: string, page: { after?: number; before?: number; changedAfter?: number; limit?: number }): Promise<MessagePage> {
    const params = new URLSearchParams()
    if (page.after !== undefined) params.set('after', String(page.after))
    if (page.before !== undefined) params.set('before', String(page.before))
    if (page.changedAfter !== undefined) params.set('changedAfter', String(page.changedAfter))
    if (page.limit !== undefined) params.set('limit', String(page.limit))
    return this.request('GET', `/api/conversations/${enc(conversationId)}/messages?${params}`, messagePageSchema)
  }

  /** Messages of my conversations whose body holds every term of `q`, newest first; `before`: the previous page's `nextCursor`. */
  search(query: { q: string; limit?: number; before?: string; conversationId?: string }): Promise<SearchPage> {
    const params = new URLSearchParams({ q: query.q })
    if (query.limit !== undefined) params.set('limit', String(query.limit))
    if (query.before !== undefined) params.set('before', query.before)
    if (query.conversationId !== undefined) params.set('conversationId', query.conversationId)
    return this.request('GET', `/api/search?${params}`, searchPageSchema)
  }

  /** Post a message; `attachmentIds`: my uploads (POST /api/attachments), in display order. */
  send(conversationId: string, body: { clientId: string; body: string; replyToId?: string; attachmentIds?: string[] }): Promise<Message> {
    return this.request('POST', `/api/conversations/${enc(conversationId)}/messages`, messageSchema, body)
  }

  editMessage(conversationId: string, messageId: string, body: string): Promise<Message> {
    return this.request('PATCH', `/api/conversations/${enc(conversationId)}/messages/${enc(messageId)}`, messageSchema, { body })
  }

  /** Delete for everyone: the tombstone. */
  deleteMessage(conversationId: string, messageId: string): Promise<Message> {
    return this.request('DELETE', `/api/conversations/${enc(conversationId)}/messages/${enc(messageId)}`, messageSchema)
  }

  /** My reaction with `emoji` on (PUT) or off (DELETE); the message as it now is. */
  setReaction(conversationId: string, messageId: string, emoji: string, on: boolean): Promise<Message> {
    const path = `/api/conversations/${enc(conversationId)}/messages/${enc(messageId)}/reactions/${enc(emoji)}`
    return this.request(on ? 'PUT' : 'DELETE', path, messageSchema)
  }

  markRead(conversationId: string, seq: number): Promise<{ readSeq: number }> {
    return this.request('POST', `/api/conversations/${enc(conversationId)}/read`, readResponseSchema, { seq })
  }

  markDelivered(conversationId: string, seq: number): Promise<{ deliveredSeq: number }> {
    return this.request('POST', `/api/conversations/${enc(conversationId)}/delivered`, deliveredResponseSchema, { seq })
  }

  /**
   * Up to MAX_DELIVERED_BATCH conversations' delivered markers in one request
   * (docs/design.md §11): per conversation, its marker now or the refusal the
   * single route would give; one missing from the answer is a bad response.
   * A server without the route answers 404 as a whole.
   */
  async markDeliveredBatch(markers: readonly { conversationId: string; seq: number }[]): Promise<Map<string, { deliveredSeq: number } | HttpError>> {
    const answer = await this.request('POST', '/api/conversations/delivered-batch', deliveredBatchResponseSchema, { markers })
    const results = new Map<string, { deliveredSeq: number } | HttpError>()
    for (const { conversationId } of markers) {
      const one = Object.hasOwn(answer.markers, conversationId) ? answer.markers[conversationId] : undefined
      results.set(
        conversationId,
        one === undefined
          ? new HttpError(502, 'bad_response', `POST /api/conversations/delivered-batch: no answer for ${conversationId}`)
          : 'error' in one
            ? new HttpError(one.error.status, one.error.code, one.error.message)
            : one,
      )
    }
    return results
  }

  channelAuth(socketId: string, channelName: string): Promise<ChannelAuth> {
    return this.request('POST', '/api/pusher/auth', authSchema, { socket_id: socketId, channel_name: channelName })
  }

  /** Up to 100 channels in one request; a channel missing from the answer is refused as a bad response. */
  async channelAuthBatch(socketId: string, channelNames: readonly string[]): Promise<ChannelAuthBatch> {
    const { channels } = await this.request('POST', '/api/pusher/auth-batch', authBatchSchema, { socket_id: socketId, channel_names: channelNames })
    const answers: ChannelAuthBatch = {}
    for (const name of channelNames) {
      const answer = channels[name]
      answers[name] =
        answer === undefined
          ? new HttpError(502, 'bad_response', `POST /api/pusher/auth-batch: no answer for ${name}`)
          : 'error' in answer
            ? new HttpError(answer.error.status, answer.error.code, answer.error.message)
            : answer
    }
    return answers
  }

  userAuth(socketId: string): Promise<{ auth: string; user_data: string }> {
    return this.request('POST', '/api/pusher/user-auth', userAuthSchema, { socket_id: socketId })
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

const enc = encodeURIComponent
