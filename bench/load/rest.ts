/**
 * The REST calls of the load run over node:http with a keep-alive Agent
 * (loopback only). node:http rather than fetch: on this kind of machine fetch
 * costs about 3× the client CPU per request, CPU the load generators would
 * take from the server under test (see bench/api).
 */
import { Agent, request } from 'node:http'
import type { AuthResponse, ConfigResponse, Conversation, Message, MessagePage } from '../../src/shared/api'

/** An answer outside the expected statuses; `status` 0 = no answer (network error, timeout). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }

  /** Worth retrying with the same request (the server may not have seen it, or was busy). */
  get retryable(): boolean {
    return this.status === 0 || this.status === 408 || this.status === 429 || this.status >= 500
  }
}

const REQUEST_TIMEOUT_MS = 30_000

export class RestClient {
  private readonly agent: Agent

  constructor(
    readonly baseUrl: string,
    maxSockets = 64,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets })
  }

  config(): Promise<ConfigResponse> {
    return this.call('GET', '/api/config', null, undefined, [200])
  }

  register(username: string, password: string): Promise<AuthResponse> {
    return this.call('POST', '/api/auth/register', null, { username, password, displayName: username }, [201])
  }

  createConversation(token: string, memberIds: string[], title: string | null): Promise<Conversation> {
    const body = title === null ? { memberIds } : { memberIds, title }
    return this.call('POST', '/api/conversations', token, body, [200, 201])
  }

  /** 201 = stored now, 200 = the same clientId was already stored (idempotent retry). */
  async send(token: string, conversationId: string, clientId: string, body: string): Promise<{ message: Message; replayed: boolean }> {
    const { status, body: message } = await this.callWithStatus<Message>(
      'POST',
      `/api/conversations/${conversationId}/messages`,
      token,
      { clientId, body },
      [200, 201],
    )
    return { message, replayed: status === 200 }
  }

  messages(token: string, conversationId: string, after: number, limit: number): Promise<MessagePage> {
    return this.call('GET', `/api/conversations/${conversationId}/messages?after=${after}&limit=${limit}`, token, undefined, [200])
  }

  channelAuth(token: string, socketId: string, channelName: string): Promise<{ auth: string; channel_data?: string }> {
    return this.call('POST', '/api/pusher/auth', token, { socket_id: socketId, channel_name: channelName }, [200])
  }

  close(): void {
    this.agent.destroy()
  }

  private async call<T>(method: string, path: string, token: string | null, body: unknown, expect: number[]): Promise<T> {
    return (await this.callWithStatus<T>(method, path, token, body, expect)).body
  }

  private callWithStatus<T>(
    method: string,
    path: string,
    token: string | null,
    body: unknown,
    expect: number[],
  ): Promise<{ status: number; body: T }> {
    const payload = body === undefined ? undefined : JSON.stringify(body)
    const headers: Record<string, string | number> = {}
    if (token !== null) headers.authorization = `Bearer ${token}`
    if (payload !== undefined) {
      headers['content-type'] = 'application/json'
      headers['content-length'] = Buffer.byteLength(payload)
    }
    return new Promise((resolve, reject) => {
      const fail = (status: number, why: string): void => reject(new HttpError(status, `${method} ${path}: ${why}`))
      const req = request(`${this.baseUrl}${path}`, { method, headers, agent: this.agent }, (response) => {
        let text = ''
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => (text += chunk))
        response.on('error', (err) => fail(0, err.message))
        response.on('end', () => {
          const status = response.statusCode ?? 0
          if (!expect.includes(status)) return fail(status, `${status} ${text.slice(0, 300)}`)
          try {
            resolve({ status, body: JSON.parse(text) as T })
          } catch {
            fail(status, `unparsable answer ${text.slice(0, 100)}`)
          }
        })
      })
      req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)))
      req.on('error', (err) => fail(0, err.message))
      req.end(payload)
    })
  }
}
