/**
 * Property-based fuzzing of GET /api/search (issue 23; issue 6, "Hostile
 * input") on a real server with its SQLite store and with PostgreSQL (a
 * scratch database): every parameter — q, limit, before, conversationId —
 * absent, a hostile string (whole Unicode range, lone surrogates, NUL, FTS5
 * and LIKE syntax), raw bytes percent-encoded (invalid UTF-8 included), a
 * real cursor or id, or a real one mutated; sent over node:http with the path
 * as built, so nothing normalises it.
 *
 * Properties:
 * - never a 5xx; a 4xx has the error shape;
 * - a 200 is `{hits, nextCursor}` with snippets of strings and booleans, and
 *   every hit is a live message of a conversation the caller is a member of.
 */
import { request } from 'node:http'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { SearchPage } from '../../src/server/api/routes/search'
import { startClockedServer, type Account, type ClockedServer } from '../helpers/rest'
import { serverStores } from '../helpers/server-stores'
import { nastyStrings, hostileString } from './arbitraries'
import { checkProperty } from './support'

const stores = await serverStores('search fuzz')

/** Every byte of the UTF-8 (lone surrogates as U+FFFD) percent-encoded. */
const percentEncode = (text: string): string => [...new TextEncoder().encode(text)].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('')
const percentBytes = (bytes: Uint8Array): string => [...bytes].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('')

function get(port: number, path: string, token: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', headers: { authorization: `Bearer ${token}` } }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (text += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }))
    })
    req.setTimeout(10_000, () => req.destroy(new Error(`no answer to GET ${path.slice(0, 200)}`)))
    req.on('error', reject)
    req.end()
  })
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

for (const store of stores) {
  describe.skipIf(store.skipped !== null)(`on ${store.name}`, () => {
    let clocked: ClockedServer
    let drop: () => Promise<void>
    let me: Account
    const mine = new Set<string>()
    let cursor = ''
    let theirs = ''

    beforeAll(async () => {
      const created = await store.create()
      drop = created.drop
      clocked = await startClockedServer({ ...created.env, AUTH_RATE_LIMIT: '100000', SEND_RATE_LIMIT: '100000', SEARCH_RATE_LIMIT: '1000000' })
      const rest = clocked.rest
      const [a, b, c] = (await rest.newUsers(3, 'sfz')) as [Account, Account, Account]
      me = a
      const ours = await rest.conversation(me, [b], 'Ours')
      const direct = await rest.conversation(me, [c])
      const others = await rest.conversation(b, [c], 'Theirs')
      mine.add(ours.id).add(direct.id)
      theirs = others.id
      const bodies = ['hello world', '我们周末去爬山吧', '100% sure_thing "q" NEAR(a) *x* \\', '🎉🎉🎉 ok', 'a', 'The quick brown fox']
      for (const body of bodies) {
        await rest.send(b, ours.id, body)
        await rest.send(c, direct.id, body)
        await rest.send(c, others.id, `${body} theirs`)
      }
      const deleted = await rest.send(me, ours.id, 'hello deleted')
      expect((await rest.deleteMessage(me, ours.id, deleted.id)).status).toBe(200)
      const page = await rest.get<SearchPage>('/api/search?q=o&limit=1', me.token)
      cursor = page.json.nextCursor ?? ''
      expect(cursor).not.toBe('')
    })
    afterAll(async () => {
      await clocked?.stop()
      await drop?.()
    })

    /**
     * One parameter's value as it goes into the query string (already
     * encoded), or null for absent: mostly absent or a real value, so that
     * many requests get past validation to the store, else hostile.
     */
    const value = (real: () => string[], absent: number): fc.Arbitrary<string | null> =>
      fc.oneof(
        { weight: absent, arbitrary: fc.constant(null) },
        { weight: 10, arbitrary: fc.constantFrom(...real()).map(encodeURIComponent) },
        { weight: 3, arbitrary: hostileString.map(percentEncode) },
        { weight: 1, arbitrary: fc.constantFrom(...nastyStrings).map(percentEncode) },
        { weight: 1, arbitrary: fc.uint8Array({ maxLength: 24 }).map(percentBytes) },
        {
          weight: 2,
          arbitrary: fc
            .tuple(fc.constantFrom(...real()), fc.nat(), fc.string({ maxLength: 3 }))
            .map(([text, at, insert]) => percentEncode(text.slice(0, at % (text.length + 1)) + insert + text.slice(at % (text.length + 1)))),
        },
      )

    test('never a 5xx; answers have the contract’s shape; hits are live messages of the caller’s conversations', async () => {
      const params = fc.record({
        q: value(() => ['hello', '周末', 'a', 'ok', '🎉', '%', '_', '"q"', 'NEAR(a)', 'quick brown', 'theirs', 'o', '   '], 1),
        limit: value(() => ['1', '20', '50', '0', '51', '-1', '1e1', '2.5', ''], 12),
        before: value(() => [cursor], 12),
        conversationId: value(() => [...mine, theirs], 12),
      })
      // How the answers fell out: the run must reach the store, not only the validation.
      const outcomes = new Map<string, number>()
      const count = (key: string) => outcomes.set(key, (outcomes.get(key) ?? 0) + 1)
      await checkProperty(
        `GET /api/search on ${store.name}`,
        fc.asyncProperty(params, async (p) => {
          const query = Object.entries(p)
            .filter((entry): entry is [string, string] => entry[1] !== null)
            .map(([key, encoded]) => `${key}=${encoded}`)
            .join('&')
          const path = `/api/search?${query}`
          const reply = await get(clocked.server.port, path, me.token)
          const label = `GET ${path.slice(0, 300)} → ${reply.status} ${reply.text.slice(0, 300)}`
          expect(reply.status, label).toBeLessThan(500)
          count(reply.status === 200 ? (JSON.parse(reply.text) as SearchPage).hits.length > 0 ? '200 with hits' : '200 empty' : String(reply.status))
          const json = JSON.parse(reply.text) as SearchPage & { error?: { code?: unknown; message?: unknown } }
          if (reply.status !== 200) {
            expect([400, 404], label).toContain(reply.status)
            expect(typeof json.error?.code === 'string' && typeof json.error.message === 'string', label).toBe(true)
            return
          }
          expect(Array.isArray(json.hits), label).toBe(true)
          expect(json.nextCursor === null || /^[A-Za-z0-9_-]+$/.test(json.nextCursor), label).toBe(true)
          for (const hit of json.hits) {
            expect(mine.has(hit.message.conversationId), label).toBe(true)
            expect(hit.message.deletedAt, label).toBeNull()
            expect(hit.message.kind, label).toBe('text')
            for (const part of hit.snippet) {
              expect(typeof part.text === 'string' && typeof part.match === 'boolean', label).toBe(true)
              expect(LONE_SURROGATE.test(part.text), label).toBe(false)
            }
          }
        }),
        400,
      )
      if (process.env.FUZZ_STATS) console.log(store.name, Object.fromEntries(outcomes))
      expect(outcomes.get('200 with hits') ?? 0).toBeGreaterThan(20)
      expect(outcomes.get('400') ?? 0).toBeGreaterThan(20)
    }, 180_000)
  })
}
