/**
 * A small typed client for the REST api (docs/design.md §4) over real HTTP (global
 * fetch): `call(method, path, {token, body})` → `{status, json}`, plus helpers
 * to make fresh users, conversations and messages. Every helper that is not
 * the subject of a test asserts its own status, so a broken precondition fails
 * loudly where it happens.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { startServer, type ParleyServer } from '../../src/server/app'
import { loadConfig } from '../../src/server/config'
import type { AuthResponse, Conversation, ConversationPage, ErrorResponse, Message, User } from '../../src/shared/api'
import { listConversations } from './messenger'

export const PASSWORD = 'correct-horse-battery'

export interface Reply<T> {
  status: number
  /** The parsed JSON body, or null when the body is empty. */
  json: T
  /** The raw body text. */
  text: string
  headers: Headers
}

export interface CallOptions {
  token?: string
  /** Sent as JSON unless `raw` is given. */
  body?: unknown
  /** A body sent verbatim (with `contentType`, default application/json). */
  raw?: string | Uint8Array
  contentType?: string
  /** Sent as is; an `authorization` here wins over `token`. */
  headers?: Record<string, string>
  /** Abort the request after this many ms (the test then fails instead of hanging). */
  timeoutMs?: number
}

export class Rest {
  constructor(readonly baseUrl: string) {}

  async call<T = unknown>(method: string, path: string, options: CallOptions = {}): Promise<Reply<T>> {
    const headers: Record<string, string> = {}
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`
    let body: string | Uint8Array | undefined
    if (options.raw !== undefined) {
      body = options.raw
      headers['content-type'] = options.contentType ?? 'application/json'
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body)
      headers['content-type'] = options.contentType ?? 'application/json'
    }
    Object.assign(headers, options.headers)
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body,
      signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
    })
    const text = await response.text()
    let json: unknown = null
    if (text !== '') {
      try {
        json = JSON.parse(text)
      } catch {
        throw new Error(`${method} ${path} → ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`)
      }
    }
    return { status: response.status, json: json as T, text, headers: response.headers }
  }

  get<T = unknown>(path: string, token?: string): Promise<Reply<T>> {
    return this.call<T>('GET', path, token === undefined ? {} : { token })
  }

  post<T = unknown>(path: string, token: string | undefined, body?: unknown): Promise<Reply<T>> {
    return this.call<T>('POST', path, { ...(token === undefined ? {} : { token }), ...(body === undefined ? {} : { body }) })
  }

  register(body: { username: string; password: string; displayName?: string }): Promise<Reply<AuthResponse>> {
    return this.post<AuthResponse>('/api/auth/register', undefined, body)
  }

  login(username: string, password: string): Promise<Reply<AuthResponse>> {
    return this.post<AuthResponse>('/api/auth/login', undefined, { username, password })
  }

  /** Register a fresh user with a unique username. */
  async newUser(prefix = 'u', displayName?: string): Promise<Account> {
    const username = uniqueName(prefix)
    const reply = await this.register({ username, password: PASSWORD, ...(displayName === undefined ? {} : { displayName }) })
    if (reply.status !== 201) throw new Error(`register ${username} → ${reply.status} ${reply.text}`)
    return { token: reply.json.token, user: reply.json.user, username }
  }

  async newUsers(count: number, prefix = 'u'): Promise<Account[]> {
    return Promise.all(Array.from({ length: count }, () => this.newUser(prefix)))
  }

  /** POST /api/conversations, expecting 200 or 201. */
  async conversation(owner: Account, others: Account[], title?: string): Promise<Conversation> {
    const reply = await this.post<Conversation>('/api/conversations', owner.token, {
      memberIds: others.map((other) => other.user.id),
      ...(title === undefined ? {} : { title }),
    })
    if (reply.status !== 201 && reply.status !== 200) throw new Error(`create conversation → ${reply.status} ${reply.text}`)
    return reply.json
  }

  /** POST a message, expecting 201. */
  async send(sender: Account, conversationId: string, body: string, clientId = uniqueClientId()): Promise<Message> {
    const reply = await this.post<Message>(`/api/conversations/${conversationId}/messages`, sender.token, { clientId, body })
    if (reply.status !== 201) throw new Error(`send → ${reply.status} ${reply.text}`)
    return reply.json
  }

  /** One page of GET /api/conversations, expecting 200. */
  async conversationPage(account: Account, query: { limit?: number; cursor?: string } = {}): Promise<ConversationPage> {
    const params = new URLSearchParams()
    if (query.limit !== undefined) params.set('limit', String(query.limit))
    if (query.cursor !== undefined) params.set('cursor', query.cursor)
    const qs = params.toString()
    const reply = await this.get<ConversationPage>(`/api/conversations${qs ? `?${qs}` : ''}`, account.token)
    if (reply.status !== 200) throw new Error(`list conversations → ${reply.status} ${reply.text}`)
    return reply.json
  }

  /** Every conversation of `account`, newest activity first, following the pages. */
  conversations(account: Account, limit?: number): Promise<Conversation[]> {
    return listConversations(this.baseUrl, account.token, limit)
  }

  /** GET /api/conversations/:id, expecting 200. */
  async conversationById(account: Account, id: string): Promise<Conversation> {
    const reply = await this.get<Conversation>(`/api/conversations/${id}`, account.token)
    if (reply.status !== 200) throw new Error(`get conversation → ${reply.status} ${reply.text}`)
    return reply.json
  }

  /** POST a reply to `replyToId` (any status: the reply is often the subject). */
  reply(sender: Account, conversationId: string, body: string, replyToId: string): Promise<Reply<Message>> {
    return this.post<Message>(`/api/conversations/${conversationId}/messages`, sender.token, {
      clientId: uniqueClientId(),
      body,
      replyToId,
    })
  }

  /** PATCH a message's body (any status). */
  edit(account: Account, conversationId: string, messageId: string, body: string): Promise<Reply<Message>> {
    return this.call<Message>('PATCH', `/api/conversations/${conversationId}/messages/${messageId}`, { token: account.token, body: { body } })
  }

  /** DELETE a message for everyone (any status). */
  deleteMessage(account: Account, conversationId: string, messageId: string): Promise<Reply<Message>> {
    return this.call<Message>('DELETE', `/api/conversations/${conversationId}/messages/${messageId}`, { token: account.token })
  }

  /** PUT (`present`) or DELETE the account's reaction; the emoji is URL-encoded here (any status). */
  react(account: Account, conversationId: string, messageId: string, emoji: string, present = true): Promise<Reply<Message>> {
    const path = `/api/conversations/${conversationId}/messages/${messageId}/reactions/${encodeURIComponent(emoji)}`
    return this.call<Message>(present ? 'PUT' : 'DELETE', path, { token: account.token })
  }

  /** Every message whose rev is above `changedAfter`, following the pages; asserts each page is ascending in rev. */
  async changedAfter(account: Account, id: string, changedAfter = 0, limit = 200): Promise<{ messages: Message[]; pages: number }> {
    const all: Message[] = []
    let pages = 0
    for (let rev = changedAfter; ; ) {
      const reply = await this.get<{ messages: Message[]; hasMore: boolean }>(
        `/api/conversations/${id}/messages?changedAfter=${rev}&limit=${limit}`,
        account.token,
      )
      if (reply.status !== 200) throw new Error(`get changes → ${reply.status} ${reply.text}`)
      pages += 1
      for (const message of reply.json.messages) {
        if (message.rev <= rev) throw new Error(`changedAfter=${rev} returned rev ${message.rev}: not ascending`)
        rev = message.rev
        all.push(message)
      }
      if (!reply.json.hasMore) return { messages: all, pages }
    }
  }

  /** Every message of a conversation, ascending, following `after` pages. */
  async allMessages(account: Account, id: string): Promise<Message[]> {
    const all: Message[] = []
    for (let after = 0; ; ) {
      const reply = await this.get<{ messages: Message[]; hasMore: boolean }>(
        `/api/conversations/${id}/messages?after=${after}&limit=200`,
        account.token,
      )
      if (reply.status !== 200) throw new Error(`get messages → ${reply.status} ${reply.text}`)
      all.push(...reply.json.messages)
      if (!reply.json.hasMore) return all
      after = reply.json.messages.at(-1)?.seq ?? after
    }
  }
}

export interface Account {
  token: string
  user: User
  username: string
}

let counter = 0
/** A username (3–32 of [A-Za-z0-9_.-]) unique within this run. */
export function uniqueName(prefix = 'u'): string {
  counter += 1
  return `${prefix}${process.pid.toString(36)}x${counter}`.slice(0, 32)
}

let clientCounter = 0
export function uniqueClientId(): string {
  clientCounter += 1
  return `c${process.pid}-${clientCounter}`
}

/** Assert the standard error shape; returns it for further checks. */
export function errorOf(reply: Reply<unknown>): ErrorResponse['error'] {
  const body = reply.json as Partial<ErrorResponse> | null
  if (
    body === null ||
    typeof body !== 'object' ||
    typeof body.error !== 'object' ||
    body.error === null ||
    typeof body.error.code !== 'string' ||
    typeof body.error.message !== 'string' ||
    body.error.message === ''
  ) {
    throw new Error(`expected {error:{code,message}}, got ${reply.status} ${reply.text.slice(0, 300)}`)
  }
  return body.error
}

export interface ClockedServer {
  server: ParleyServer
  rest: Rest
  /** Move the api's clock forward (or back) by `ms`. */
  advance(ms: number): void
  /** The api's current time. */
  now(): number
  stop(): Promise<void>
}

/**
 * A real server (as test/helpers/server.ts starts it) whose api clock is
 * Date.now() plus an offset the test moves.
 */
export async function startClockedServer(env: Record<string, string> = {}): Promise<ClockedServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-rest-'))
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env })
  let offset = 0
  const now = () => Date.now() + offset
  const server = await startServer(config, pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), { now })
  return {
    server,
    rest: new Rest(server.url),
    advance(ms) {
      offset += ms
    },
    now,
    async stop() {
      await server.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
