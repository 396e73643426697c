/**
 * GET /api/search (issue 23, docs/design.md §4.7) over real HTTP on a real
 * server, once with its SQLite store and once with PostgreSQL (a scratch
 * database): scripts and short terms, case, phrases, edits and deletes,
 * snippets, pages with the cursor, every refusal (401, 404 for a
 * conversation not yours, 400 for bad parameters) and hostile queries (never
 * a 5xx). The rate limit is the api's own, the same on either store: checked
 * once. The store's rules alone: src/server/store/search.test.ts; random
 * input: test/hostile/search.fuzz.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { SearchPage } from '../../../src/server/api/routes/search'
import { startServer } from '../../../src/server/app'
import { loadConfig } from '../../../src/server/config'
import { createLogger } from '../../../src/server/logger'
import type { Conversation, Message } from '../../../src/shared/api'
import { errorOf, Rest, startClockedServer, type Account, type ClockedServer, type Reply } from '../../helpers/rest'
import { serverStores } from '../../helpers/server-stores'

const stores = await serverStores('search api')

let clocked: ClockedServer
let rest: Rest

function expectError(reply: Reply<unknown>, status: number, code: string): void {
  expect(reply.status, reply.text).toBe(status)
  expect(errorOf(reply).code).toBe(code)
}

type Params = Record<string, string | number>
const query = (params: Params): string => new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString()
const search = (who: Account, params: Params) => rest.get<SearchPage>(`/api/search?${query(params)}`, who.token)

/** A search that must succeed: the bodies of its hits. */
async function found(who: Account, params: Params): Promise<string[]> {
  const reply = await search(who, params)
  expect(reply.status, reply.text).toBe(200)
  return reply.json.hits.map((hit) => hit.message.body)
}

/** The snippet with matches in [brackets]. */
const marked = (snippet: SearchPage['hits'][number]['snippet']): string => snippet.map((part) => (part.match ? `[${part.text}]` : part.text)).join('')

/** Each body sent in turn, a millisecond apart on the api's clock (later = newer). */
async function send(who: Account, conversationId: string, ...bodies: string[]): Promise<Message[]> {
  const sent: Message[] = []
  for (const body of bodies) {
    clocked.advance(1)
    sent.push(await rest.send(who, conversationId, body))
  }
  return sent
}

async function team(size: number): Promise<{ people: Account[]; conv: Conversation }> {
  const people = await rest.newUsers(size, 'srch')
  const conv = await rest.conversation(people[0]!, people.slice(1), 'Team')
  return { people, conv }
}

for (const store of stores) {
  describe.skipIf(store.skipped !== null)(`on ${store.name}`, () => {
    let drop: () => Promise<void>
    beforeAll(async () => {
      const created = await store.create()
      drop = created.drop
      clocked = await startClockedServer({
        ...created.env,
        AUTH_RATE_LIMIT: '100000',
        SEND_RATE_LIMIT: '100000',
        CHANGE_RATE_LIMIT: '100000',
        CONVERSATION_RATE_LIMIT: '100000',
        SEARCH_RATE_LIMIT: '100000',
      })
      rest = clocked.rest
    })
    afterAll(async () => {
      await clocked?.stop()
      await drop?.()
    })

    test('401 without a token or with a bad one', async () => {
      expectError(await rest.get('/api/search?q=hello'), 401, 'unauthorized')
      expectError(await rest.get('/api/search?q=hello', 'x'.repeat(43)), 401, 'unauthorized')
    })

    test('English, Chinese, Japanese, emoji and mixed text, with snippets', async () => {
      const { people, conv } = await team(2)
      const [me, other] = people as [Account, Account]
      await send(other, conv.id, 'Hello World', '我们周末去爬山吧', '明日東京に行きます', 'party 🎉 tonight', 'Deploy 周末 🚀 ok?', 'nothing')
      const reply = await search(me, { q: 'hello' })
      expect(reply.status).toBe(200)
      expect(reply.json.hits.map((hit) => marked(hit.snippet))).toEqual(['[Hello] World'])
      expect(reply.json.nextCursor).toBeNull()
      const snippets = async (q: string) => (await search(me, { q })).json.hits.map((hit) => marked(hit.snippet))
      expect(await snippets('周末')).toEqual(['Deploy [周末] 🚀 ok?', '我们[周末]去爬山吧'])
      expect(await snippets('去爬山')).toEqual(['我们周末[去爬山]吧'])
      expect(await snippets('東京')).toEqual(['明日[東京]に行きます'])
      expect(await snippets('行きます')).toEqual(['明日東京に[行きます]'])
      expect(await snippets('🎉')).toEqual(['party [🎉] tonight'])
      expect(await snippets('deploy 🚀')).toEqual(['[Deploy] 周末 [🚀] ok?'])
    })

    test('one- and two-character terms: 好, 你好, a, ok — in any case', async () => {
      const { people, conv } = await team(2)
      const [me] = people as [Account, Account]
      await send(me, conv.id, '你好世界', '好的没问题', 'Is it a bug?', 'OK then', 'ok', 'nope')
      expect(await found(me, { q: '好' })).toEqual(['好的没问题', '你好世界'])
      expect(await found(me, { q: '你好' })).toEqual(['你好世界'])
      expect(await found(me, { q: 'a' })).toEqual(['Is it a bug?'])
      expect(await found(me, { q: 'ok' })).toEqual(['ok', 'OK then'])
      expect(await found(me, { q: 'OK' })).toEqual(['ok', 'OK then'])
    })

    test('case-insensitive; a phrase: every word, in any order', async () => {
      const { people, conv } = await team(2)
      const [me] = people as [Account, Account]
      await send(me, conv.id, 'The Quarterly Report is late', 'report the quarterly numbers', 'quarterly only', 'REPORT only')
      expect(await found(me, { q: 'QUARTERLY' })).toEqual(['quarterly only', 'report the quarterly numbers', 'The Quarterly Report is late'])
      expect(await found(me, { q: 'quarterly report' })).toEqual(['report the quarterly numbers', 'The Quarterly Report is late'])
      expect(await found(me, { q: 'quarterly report late' })).toEqual(['The Quarterly Report is late'])
      const [hit] = (await search(me, { q: 'report quarterly late' })).json.hits
      expect(marked(hit!.snippet)).toBe('The [Quarterly] [Report] is [late]')
    })

    test('an edited message matches its new text and not its old; a deleted one never matches', async () => {
      const { people, conv } = await team(2)
      const [me, other] = people as [Account, Account]
      const [edited, deleted] = await send(me, conv.id, 'first draft wording', 'regrettable remark 好')
      expect((await rest.edit(me, conv.id, edited!.id, 'final text')).status).toBe(200)
      expect((await rest.deleteMessage(me, conv.id, deleted!.id)).status).toBe(200)
      for (const who of [me, other]) {
        expect(await found(who, { q: 'draft' })).toEqual([])
        expect(await found(who, { q: 'final' })).toEqual(['final text'])
        expect(await found(who, { q: 'regrettable' })).toEqual([])
        expect(await found(who, { q: '好' })).toEqual([])
      }
      const [hit] = (await search(me, { q: 'final' })).json.hits
      expect(hit!.message).toMatchObject({ id: edited!.id, editedAt: expect.any(Number), body: 'final text' })
    })

    test('the hit’s message is the one GET …/messages gives', async () => {
      const { people, conv } = await team(2)
      const [me, other] = people as [Account, Account]
      const [original] = await send(other, conv.id, 'question?')
      const answer = await rest.reply(me, conv.id, 'an answer for @' + other.username, original!.id)
      expect(answer.status).toBe(201)
      expect((await rest.react(other, conv.id, answer.json.id, '👍')).status).toBe(200)
      const listed = (await rest.allMessages(me, conv.id)).find((m) => m.id === answer.json.id)
      const [hit] = (await search(me, { q: 'answer' })).json.hits
      expect(hit!.message).toEqual(listed)
      expect(hit!.message.mentions).toEqual([other.user.id])
    })

    test('pages with the cursor: newest first, none repeated or skipped, across conversations; nextCursor null at the end', async () => {
      const { people, conv } = await team(2)
      const [me, other] = people as [Account, Account]
      const second = await rest.conversation(me, [other], 'Second')
      const expected: string[] = []
      for (let i = 0; i < 27; i++) {
        const body = `pager item ${i} 页`
        await send(i % 2 === 0 ? me : other, i % 3 === 0 ? second.id : conv.id, body)
        expected.unshift(body)
      }
      for (const q of ['pager', '页']) {
        const seen: string[] = []
        let before: string | null = null
        let pages = 0
        do {
          const reply: Reply<SearchPage> = await search(me, { q, limit: 6, ...(before === null ? {} : { before }) })
          expect(reply.status, reply.text).toBe(200)
          pages++
          seen.push(...reply.json.hits.map((hit) => hit.message.body))
          before = reply.json.nextCursor
          if (before !== null) expect(reply.json.hits).toHaveLength(6)
        } while (before !== null && pages < 10)
        expect(seen).toEqual(expected)
        expect(pages).toBe(5)
      }
      // The default page is 20; conversationId narrows to one conversation.
      expect((await search(me, { q: 'pager' })).json.hits).toHaveLength(20)
      expect(await found(me, { q: 'pager', conversationId: second.id, limit: 50 })).toEqual(expected.filter((body) => Number(body.split(' ')[2]) % 3 === 0))
    })

    test('limit: 1–50 (0, 51, -1, 1.5, text → 400); q: 1–200 characters (none, empty, 201 → 400); only spaces → no hits', async () => {
      const { people, conv } = await team(2)
      const [me] = people as [Account, Account]
      await send(me, conv.id, 'limits test')
      for (const limit of ['0', '51', '-1', '1.5', 'ten', '']) expectError(await search(me, { q: 'limits', limit }), 400, 'bad_request')
      expect(await found(me, { q: 'limits', limit: 1 })).toEqual(['limits test'])
      expect(await found(me, { q: 'limits', limit: 50 })).toEqual(['limits test'])
      expectError(await rest.get('/api/search', me.token), 400, 'bad_request')
      expectError(await search(me, { q: '' }), 400, 'bad_request')
      expectError(await search(me, { q: 'x'.repeat(201) }), 400, 'bad_request')
      expectError(await rest.get('/api/search?q=a&q=b', me.token), 400, 'bad_request')
      expect(await found(me, { q: 'x'.repeat(200) })).toEqual([])
      // 200 emoji are 200 characters (400 UTF-16 units): accepted.
      expect(await found(me, { q: '🎉'.repeat(200) })).toEqual([])
      expectError(await search(me, { q: '🎉'.repeat(201) }), 400, 'bad_request')
      const spaces = await search(me, { q: '    ' })
      expect(spaces.status).toBe(200)
      expect(spaces.json).toEqual({ hits: [], nextCursor: null })
    })

    test('a cursor this server did not make → 400', async () => {
      const { people, conv } = await team(2)
      const [me] = people as [Account, Account]
      await send(me, conv.id, 'cursor one', 'cursor two')
      const first = await search(me, { q: 'cursor', limit: 1 })
      const cursor = first.json.nextCursor!
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/)
      expect(await found(me, { q: 'cursor', limit: 1, before: cursor })).toEqual(['cursor one'])
      const bad = [
        'abc',
        '!!!',
        `${cursor}=`,
        `${cursor}x`,
        Buffer.from('s12:').toString('base64url'),
        Buffer.from('sNaN:m_x').toString('base64url'),
        Buffer.from('s-1:m_x').toString('base64url'),
        Buffer.from('s99999999999999999:m_x').toString('base64url'),
        Buffer.from('12:m_x').toString('base64url'),
        Buffer.from("s1:m_x' OR 1=1").toString('base64url'),
        'x'.repeat(201),
      ]
      for (const before of bad) expectError(await search(me, { q: 'cursor', before }), 400, 'bad_request')
    })

    test('conversationId: one of yours narrows; another’s, an unknown or a malformed id → 404', async () => {
      const { people, conv } = await team(2)
      const [me, other] = people as [Account, Account]
      const [stranger, friend] = await rest.newUsers(2, 'str')
      const theirs = await rest.conversation(stranger!, [friend!], 'Theirs')
      const direct = await rest.conversation(stranger!, [friend!])
      await send(other, conv.id, 'budget in ours')
      await send(stranger!, theirs.id, 'budget in theirs')
      await send(friend!, direct.id, 'budget in their direct')
      expect(await found(me, { q: 'budget', conversationId: conv.id })).toEqual(['budget in ours'])
      for (const conversationId of [theirs.id, direct.id, 'c_doesnotexist', 'bad id!', 'x'.repeat(65)]) {
        expectError(await search(me, { q: 'budget', conversationId }), 404, 'not_found')
      }
      expectError(await search(me, { q: 'budget', conversationId: '' }), 400, 'bad_request')
    })

    test('never a hit from someone else’s conversation, nor from one you were removed from or left', async () => {
      const { people, conv } = await team(3)
      const [owner, member, leaver] = people as [Account, Account, Account]
      const [stranger, friend] = await rest.newUsers(2, 'oth')
      const theirs = await rest.conversation(stranger!, [friend!], 'Theirs')
      await send(stranger!, theirs.id, 'zanzibar plans', 'zz 秘')
      await send(owner, conv.id, 'zanzibar here too')
      for (const q of ['zanzibar', 'plans', 'zz', '秘']) {
        const reply = await search(member, { q })
        expect(reply.json.hits.every((hit) => hit.message.conversationId === conv.id), q).toBe(true)
      }
      expect(await found(member, { q: 'zanzibar' })).toEqual(['zanzibar here too'])
      expect(await found(stranger!, { q: 'zanzibar' })).toEqual(['zanzibar plans'])
      // Removed by the owner, and left on their own: their search no longer reaches the group.
      expect((await rest.call('DELETE', `/api/conversations/${conv.id}/members/${member.user.id}`, { token: owner.token })).status).toBe(204)
      expect((await rest.call('DELETE', `/api/conversations/${conv.id}/members/${leaver.user.id}`, { token: leaver.token })).status).toBe(204)
      for (const gone of [member, leaver]) {
        expect(await found(gone, { q: 'zanzibar' })).toEqual([])
        expectError(await search(gone, { q: 'zanzibar', conversationId: conv.id }), 404, 'not_found')
      }
      expect(await found(owner, { q: 'zanzibar' })).toEqual(['zanzibar here too'])
    })

    test('hostile q: NUL and bad encodings → 400; punctuation, syntax, wildcards and long emoji runs → 200; never a 5xx', async () => {
      const { people, conv } = await team(2)
      const [me] = people as [Account, Account]
      await send(me, conv.id, '100% sure_thing "quoted" NEAR(x) *star* \\back', '🎉🎉🎉')
      const raw = (q: string) => rest.get<SearchPage>(`/api/search?q=${q}`, me.token)
      expectError(await raw('%00'), 400, 'bad_request')
      expectError(await raw('a%00b'), 400, 'bad_request')
      for (const encoded of ['%ED%A0%80', '%ED%B0%80x', '%FF', '%C0%AF', '%E4%BD', '%', '%zz']) {
        const reply = await raw(encoded)
        expect(reply.status, `${encoded} → ${reply.text}`).toBeLessThan(500)
        if (reply.status !== 200) expect(errorOf(reply).code).toBe('bad_request')
      }
      expect(await found(me, { q: '%' })).toHaveLength(1)
      expect(await found(me, { q: '_' })).toHaveLength(1)
      expect(await found(me, { q: '"quoted"' })).toHaveLength(1)
      expect(await found(me, { q: 'NEAR(x)' })).toHaveLength(1)
      expect(await found(me, { q: '*star*' })).toHaveLength(1)
      expect(await found(me, { q: '\\back' })).toHaveLength(1)
      expect(await found(me, { q: '🎉🎉' })).toEqual(['🎉🎉🎉'])
      for (const q of ['!!!', '?!.,;:', '""', '*', 'AND OR NOT', '^', '\\', '%_%', "'; DROP TABLE messages; --", '🎉'.repeat(200), '\u202eevil', '\u200b\u200d\ufeff', 'z̷̢̛̛̯̪̥͚̺']) {
        const reply = await search(me, { q })
        expect(reply.status, `${q} → ${reply.text}`).toBe(200)
        expect(Array.isArray(reply.json.hits)).toBe(true)
      }
    })
  })
}

describe('the api’s own rules, on SQLite', () => {
  test('SEARCH_RATE_LIMIT a minute per user: then 429, and other users are not affected', async () => {
    const limited = await startClockedServer({ AUTH_RATE_LIMIT: '100000', SEARCH_RATE_LIMIT: '3' })
    try {
      const r = limited.rest
      const [me, other] = (await r.newUsers(2, 'rl')) as [Account, Account]
      for (let i = 0; i < 3; i++) expect((await r.get('/api/search?q=x', me.token)).status).toBe(200)
      expectError(await r.get('/api/search?q=x', me.token), 429, 'rate_limited')
      // Bad requests count too: the budget is per request.
      expectError(await r.get('/api/search?q=', me.token), 429, 'rate_limited')
      expect((await r.get('/api/search?q=x', other.token)).status).toBe(200)
    } finally {
      await limited.stop()
    }
  })

  test('what is searched for stays out of the request log', async () => {
    const lines: string[] = []
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-search-log-'))
    const server = await startServer(
      loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, AUTH_RATE_LIMIT: '100000' }),
      createLogger('info', { write: (line: string) => void lines.push(line) }),
    )
    try {
      const r = new Rest(server.url)
      const me = await r.newUser('log')
      expect((await r.get('/api/search?q=confidential-merger', me.token)).status).toBe(200)
      expect((await r.get('/api/users?q=visible-directory-query', me.token)).status).toBe(200)
    } finally {
      await server.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
    const log = lines.join('')
    expect(log).toContain('"url":"/api/search"')
    expect(log).not.toContain('confidential-merger')
    // The serializer is the search route's own: other request lines keep their query (this proves the log was read).
    expect(log).toContain('visible-directory-query')
  })
})
