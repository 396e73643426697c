/**
 * The REST calls the benchmark makes, over node:http with one keep-alive
 * Agent: each concurrent sender gets its own reused loopback connection.
 * node:http rather than global fetch because on this kind of machine fetch
 * (undici) spent about 3× the client CPU per request (≈270 vs ≈75 µs for
 * GET /api/config), CPU the load generator takes from the server under test.
 */
import { Agent, request } from 'node:http'
import type { AuthResponse, ConfigResponse, Conversation, Message } from '../../src/shared/api'

export const HTTP_CLIENT = 'node:http + Agent({ keepAlive: true }), one connection per sender (not fetch: ≈3× less client CPU)'

export class RestClient {
  private readonly agent = new Agent({ keepAlive: true })

  constructor(private readonly baseUrl: string) {}

  config(): Promise<ConfigResponse> {
    return this.call('GET', '/api/config', null, undefined, [200])
  }

  register(username: string): Promise<AuthResponse> {
    const body = { username, password: 'bench-password', displayName: username }
    return this.call('POST', '/api/auth/register', null, body, [201])
  }

  createConversation(token: string, memberIds: string[], title?: string): Promise<Conversation> {
    return this.call('POST', '/api/conversations', token, { memberIds, title }, [200, 201])
  }

  /** Persisted and published by the server: anything but 201 (a repeated clientId, a 429) is an error. */
  sendMessage(token: string, conversationId: string, clientId: string, body: string): Promise<Message> {
    return this.call('POST', `/api/conversations/${conversationId}/messages`, token, { clientId, body }, [201])
  }

  close(): void {
    this.agent.destroy()
  }

  private call<T>(method: string, path: string, token: string | null, body: unknown, expect: number[]): Promise<T> {
    const payload = body === undefined ? undefined : JSON.stringify(body)
    const headers: Record<string, string | number> = {}
    if (token !== null) headers.authorization = `Bearer ${token}`
    if (payload !== undefined) {
      headers['content-type'] = 'application/json'
      headers['content-length'] = Buffer.byteLength(payload)
    }
    return new Promise((resolve, reject) => {
      const req = request(`${this.baseUrl}${path}`, { method, headers, agent: this.agent }, (response) => {
        let text = ''
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => (text += chunk))
        response.on('error', reject)
        response.on('end', () => {
          const status = response.statusCode ?? 0
          if (expect.includes(status)) resolve(JSON.parse(text) as T)
          else reject(new Error(`${method} ${path}: ${status} ${text.slice(0, 300)}`))
        })
      })
      req.on('error', reject)
      req.end(payload)
    })
  }
}
