/**
 * A messenger user for integration tests: an account made over REST and a
 * pusher-js client configured from GET /api/config and authorised by the real
 * /api/pusher/auth endpoint with the user's bearer token — as the app does it.
 */
import PusherClient from 'pusher-js'
import type { AuthResponse, ConfigResponse, Conversation, ConversationPage, Message, User } from '../../src/shared/api'

let counter = 0

export interface MessengerUser {
  token: string
  user: User
  /** Fetch `path` with this user's token; JSON in, `{status, body}` out. */
  call<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>
  send(conversationId: string, text: string, clientId?: string): Promise<Message>
  connect(): Promise<PusherClient>
}

export async function callApi<T>(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  })
  const text = await response.text()
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T }
}

/** Every conversation of the token's user, newest activity first: GET /api/conversations page by page. */
export async function listConversations(baseUrl: string, token: string, limit?: number): Promise<Conversation[]> {
  const all: Conversation[] = []
  for (let cursor: string | null = null; ; ) {
    const params = new URLSearchParams()
    if (limit !== undefined) params.set('limit', String(limit))
    if (cursor !== null) params.set('cursor', cursor)
    const query = params.toString()
    const page = await callApi<ConversationPage>(baseUrl, 'GET', `/api/conversations${query ? `?${query}` : ''}`, { token })
    if (page.status !== 200) throw new Error(`GET /api/conversations → ${page.status} ${JSON.stringify(page.body)}`)
    all.push(...page.body.conversations)
    if (page.body.nextCursor === null) return all
    cursor = page.body.nextCursor
  }
}

/** Register a fresh user (unique username) and return their handle. */
export async function newUser(baseUrl: string, name = 'user', displayName?: string): Promise<MessengerUser> {
  counter += 1
  const username = `${name}${process.pid}x${counter}`.slice(0, 32)
  const registered = await callApi<AuthResponse>(baseUrl, 'POST', '/api/auth/register', {
    body: { username, password: 'correct-horse', ...(displayName ? { displayName } : {}) },
  })
  if (registered.status !== 201) throw new Error(`register failed: ${JSON.stringify(registered.body)}`)
  const { token, user } = registered.body
  const call = <T>(method: string, path: string, body?: unknown) => callApi<T>(baseUrl, method, path, { token, body })
  return {
    token,
    user,
    call,
    async send(conversationId, text, clientId = `c${Date.now()}${Math.random().toString(36).slice(2)}`) {
      const sent = await call<Message>('POST', `/api/conversations/${conversationId}/messages`, { clientId, body: text })
      if (sent.status !== 201 && sent.status !== 200) throw new Error(`send failed: ${JSON.stringify(sent.body)}`)
      return sent.body
    },
    connect: () => connectPusher(baseUrl, token),
  }
}

/**
 * A pusher-js client (the Node build, which decrypts private-encrypted-
 * channels) configured from GET /api/config and authorised by the api with
 * `token`, connected.
 */
export async function connectPusher(baseUrl: string, token: string): Promise<PusherClient> {
  const { body: config } = await callApi<ConfigResponse>(baseUrl, 'GET', '/api/config')
  const client = new PusherClient(config.pusher.key, {
    cluster: config.pusher.cluster,
    wsHost: config.pusher.wsHost,
    wsPort: config.pusher.wsPort,
    forceTLS: config.pusher.forceTLS,
    enabledTransports: ['ws'],
    disableStats: true,
    activityTimeout: config.activityTimeout * 1000,
    channelAuthorization: {
      endpoint: `${baseUrl}/api/pusher/auth`,
      transport: 'ajax',
      headers: { Authorization: `Bearer ${token}` },
    },
    userAuthentication: {
      endpoint: `${baseUrl}/api/pusher/user-auth`,
      transport: 'ajax',
      headers: { Authorization: `Bearer ${token}` },
    },
  })
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('pusher-js did not connect')), 5_000)
    client.connection.bind('connected', () => {
      clearTimeout(timer)
      resolve()
    })
  })
  return client
}

export async function directConversation(a: MessengerUser, b: MessengerUser): Promise<Conversation> {
  const created = await a.call<Conversation>('POST', '/api/conversations', { memberIds: [b.user.id] })
  if (created.status !== 201 && created.status !== 200) throw new Error(`create failed: ${JSON.stringify(created.body)}`)
  return created.body
}

/** A group `owner` creates with `others` in it (201). */
export async function groupConversation(owner: MessengerUser, others: MessengerUser[], title = 'Room'): Promise<Conversation> {
  const created = await owner.call<Conversation>('POST', '/api/conversations', { memberIds: others.map((o) => o.user.id), title })
  if (created.status !== 201) throw new Error(`create failed: ${JSON.stringify(created.body)}`)
  return created.body
}
