/**
 * Hostile bodies and path segments against the people-and-administration
 * routes (issue 19): PATCH /api/me, POST /api/me/password, POST /api/invites,
 * register with an invite, block/unblock and DELETE /api/me/sessions/:id.
 * Whatever arrives, the answer is one the contract allows — a 4xx with the
 * error shape for anything malformed — never a 500, and the account is
 * still usable afterwards.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { ErrorResponse } from '../../src/shared/api'
import { startClockedServer, type Account, type ClockedServer, type Reply, type Rest, PASSWORD } from '../helpers/rest'
import { hostileJson, hostileString, oddJsonText } from './arbitraries'
import { checkProperty } from './support'

let clocked: ClockedServer
let rest: Rest
let admin: Account
let other: Account

beforeAll(async () => {
  clocked = await startClockedServer({ AUTH_RATE_LIMIT: '1000000', REGISTRATION: 'invite' })
  rest = clocked.rest
  // The first account needs no invite and administers the server.
  admin = await rest.newUser('admin')
  const invite = await rest.post<{ code: string }>('/api/invites', admin.token, {})
  const registered = await rest.post<{ token: string; user: Account['user'] }>('/api/auth/register', undefined, {
    username: 'fuzzother',
    password: PASSWORD,
    invite: invite.json.code,
  })
  other = { token: registered.json.token, user: registered.json.user, username: 'fuzzother' }
})
afterAll(async () => {
  await clocked.stop()
})

function expectAnswer(reply: Reply<unknown>, allowed: number[], what: string): void {
  expect(allowed, `${what} → ${reply.status} ${reply.text.slice(0, 200)}`).toContain(reply.status)
  if (reply.status >= 400) {
    const body = reply.json as ErrorResponse
    expect(typeof body.error.code).toBe('string')
    expect(body.error.message).not.toBe('')
  }
}

/** A body as JSON of any value, or JSON text no serializer writes. */
const hostileBody = fc.oneof(
  hostileJson.map((value) => ({ raw: JSON.stringify(value) ?? 'null' })),
  oddJsonText.map((raw) => ({ raw })),
)

describe('hostile bodies', () => {
  const routes: { name: string; method: string; path: () => string; token: () => string; allowed: number[] }[] = [
    { name: 'PATCH /api/me', method: 'PATCH', path: () => '/api/me', token: () => other.token, allowed: [200, 400, 413] },
    { name: 'POST /api/me/password', method: 'POST', path: () => '/api/me/password', token: () => other.token, allowed: [400, 403, 413] },
    { name: 'POST /api/invites', method: 'POST', path: () => '/api/invites', token: () => admin.token, allowed: [201, 400, 413] },
    { name: 'POST /api/invites (not an admin)', method: 'POST', path: () => '/api/invites', token: () => other.token, allowed: [400, 403, 413] },
    { name: 'POST /api/auth/register', method: 'POST', path: () => '/api/auth/register', token: () => '', allowed: [201, 400, 403, 409, 413] },
  ]
  for (const route of routes) {
    test(`${route.name}: never a 500`, async () => {
      await checkProperty(
        `people ${route.name}`,
        fc.asyncProperty(hostileBody, async ({ raw }) => {
          const token = route.token()
          const reply = await rest.call(route.method, route.path(), { raw, ...(token ? { token } : {}), timeoutMs: 10_000 })
          expectAnswer(reply, route.allowed, `${route.name} ${raw.slice(0, 80)}`)
        }),
        60,
      )
    })
  }

  test('register with a hostile invite field: 400 or 403 invite_required, never an account', async () => {
    await checkProperty(
      'people register invite',
      fc.asyncProperty(fc.oneof(hostileString, hostileJson), fc.stringMatching(/^[a-z]{3,20}$/), async (invite, name) => {
        const reply = await rest.call('POST', '/api/auth/register', { body: { username: `inv${name}`, password: PASSWORD, invite } })
        expectAnswer(reply, [400, 403], `invite ${JSON.stringify(invite)?.slice(0, 80)}`)
        if (reply.status === 403) expect((reply.json as ErrorResponse).error.code).toBe('invite_required')
      }),
      60,
    )
  })
})

describe('hostile path segments', () => {
  const segment = fc.oneof(hostileString, fc.string({ maxLength: 300 })).map((text) => encodeURIComponent(text))
  test('PUT/DELETE /api/users/:id/block and DELETE /api/me/sessions/:id: 400/404, never a 500', async () => {
    await checkProperty(
      'people path segments',
      fc.asyncProperty(segment, fc.constantFrom('PUT block', 'DELETE block', 'DELETE session'), async (id, what) => {
        const [method, kind] = what.split(' ') as [string, string]
        const path = kind === 'block' ? `/api/users/${id}/block` : `/api/me/sessions/${id}`
        const reply = await rest.call(method, path, { token: other.token, timeoutMs: 10_000 })
        // An empty or dot segment may route elsewhere (404 "no route"); an id naming nobody is 404.
        expectAnswer(reply, [400, 404], `${method} ${path.slice(0, 120)}`)
      }),
      80,
    )
  })
})

test('after all that, both accounts still work and the admin is still the only admin', async () => {
  for (const account of [admin, other]) expect((await rest.get('/api/me', account.token)).status).toBe(200)
  expect((await rest.get<{ admin: boolean }>('/api/me', admin.token)).json.admin).toBe(true)
  expect((await rest.get<{ admin: boolean }>('/api/me', other.token)).json.admin).toBe(false)
})
