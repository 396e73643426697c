/**
 * GET /api/me and the directory GET /api/users (docs/design.md §4): every user,
 * `?q=` a case-insensitive substring of the username or display name in
 * which `%`, `_` and `\` are plain characters, not LIKE wildcards.
 */
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { User } from '../../../src/shared/api'
import { startTestServer, type TestServer } from '../../helpers/server'
import { errorOf, Rest, type Account } from '../../helpers/rest'

let server: TestServer
let rest: Rest
/** Every account this file made, in order: the directory must list exactly these. */
const everyone: Account[] = []

beforeAll(async () => {
  server = await startTestServer({ AUTH_RATE_LIMIT: '100000' })
  rest = new Rest(server.url)
})
afterAll(async () => {
  await server.stop()
})

async function newUser(prefix = 'u', displayName?: string): Promise<Account> {
  const account = await rest.newUser(prefix, displayName)
  everyone.push(account)
  return account
}

async function search(token: string, q: string): Promise<User[]> {
  const reply = await rest.get<User[]>(`/api/users?q=${encodeURIComponent(q)}`, token)
  expect(reply.status).toBe(200)
  return reply.json
}

/** Eight lowercase characters no other name contains. */
const randomTag = () => `z${randomBytes(4).toString('hex').slice(0, 7)}`

const idsOf = (users: { id: string }[]) => users.map((user) => user.id).sort()

describe('GET /api/me', () => {
  test('the signed-in user, as register returned it', async () => {
    const account = await newUser('me', '  Mona  ')
    const reply = await rest.get<User>('/api/me', account.token)
    expect(reply.status).toBe(200)
    expect(reply.json).toEqual({
      id: account.user.id,
      username: account.username,
      displayName: 'Mona',
      online: false,
      lastSeenAt: null,
      // Only on yourself: whether you administer the server (its first account does).
      admin: account.user.admin,
    })
  })

  test('each token answers with its own user', async () => {
    const [a, b] = [await newUser(), await newUser()]
    expect((await rest.get<User>('/api/me', a!.token)).json.id).toBe(a!.user.id)
    expect((await rest.get<User>('/api/me', b!.token)).json.id).toBe(b!.user.id)
  })
})

describe('GET /api/users', () => {
  test('without q: every user; presence only for the viewer and people they share a conversation with', async () => {
    await newUser('dir')
    await newUser('dir', 'Directory Person')
    const viewer = everyone[0]!
    const contact = everyone[1]!
    await rest.conversation(viewer, [contact])
    const reply = await rest.get<User[]>('/api/users', viewer.token)
    expect(reply.status).toBe(200)
    expect(idsOf(reply.json)).toEqual(idsOf(everyone.map((account) => account.user)))
    for (const account of everyone) {
      const listed = reply.json.find((user) => user.id === account.user.id)
      const { online: _online, lastSeenAt: _lastSeenAt, admin: _admin, ...names } = account.user
      if (account === viewer || account === contact) expect(listed).toEqual({ ...names, online: false, lastSeenAt: null })
      else expect(listed).toEqual(names)
    }
  })

  test('q matches a substring of the username, case-insensitively', async () => {
    const tag = randomTag()
    const target = await newUser(`pre${tag}post`)
    await newUser('other')
    for (const q of [tag, tag.toUpperCase(), `E${tag}P`, `pre${tag}`.toUpperCase(), ` ${tag} `]) {
      expect(idsOf(await search(target.token, q)), q).toEqual([target.user.id])
    }
  })

  test('q matches a substring of the display name, case-insensitively', async () => {
    const tag = randomTag()
    const target = await newUser('dn', `Quentin ${tag} Blake`)
    await newUser('dn', 'Quentin Other')
    for (const q of [`ntin ${tag} bl`, `${tag} BLAKE`, `QUENTIN ${tag.toUpperCase()}`]) {
      expect(idsOf(await search(target.token, q)), q).toEqual([target.user.id])
    }
    expect(await search(target.token, `${tag}-nothing-like-this`)).toEqual([])
  })

  test('_ is a literal character, not a single-character wildcard', async () => {
    const tag = randomTag()
    const underscore = await newUser(`a_${tag}`)
    await newUser(`ax${tag}`)
    expect(idsOf(await search(underscore.token, `a_${tag}`))).toEqual([underscore.user.id])
    // Only this user has an underscore in their username or display name.
    expect(idsOf(await search(underscore.token, '_'))).toEqual([underscore.user.id])
  })

  test('% is a literal character, not a wildcard', async () => {
    const tag = randomTag()
    const percent = await newUser('pc', `50% off ${tag}`)
    const plain = await newUser('pc', `50 off ${tag}`)
    expect(idsOf(await search(percent.token, `50% off ${tag}`))).toEqual([percent.user.id])
    expect(idsOf(await search(percent.token, '%'))).toEqual([percent.user.id])
    expect(idsOf(await search(percent.token, `50 off ${tag}`))).toEqual([plain.user.id])
  })

  test('a backslash is a literal character too', async () => {
    const tag = randomTag()
    const slash = await newUser('bs', `back\\slash ${tag}`)
    await newUser('bs', `backslash ${tag}`)
    expect(idsOf(await search(slash.token, '\\'))).toEqual([slash.user.id])
    expect(idsOf(await search(slash.token, `k\\s`))).toEqual([slash.user.id])
  })

  // BUG (SQLite): the store lowercases q in JS (Unicode) but the column with SQLite's
  // lower() (ASCII only), and SQLite's LIKE folds ASCII only: "émile" never finds "Émile".
  test('case-insensitive beyond ASCII: "émile" finds "ÉMILE Zola"', async () => {
    const tag = randomTag()
    const target = await newUser('uni', `ÉMILE Zola ${tag}`)
    expect(idsOf(await search(target.token, `émile zola ${tag}`))).toEqual([target.user.id])
  })

  test('q of 100 characters is fine; 101 → 400', async () => {
    const account = await newUser()
    expect(await search(account.token, 'q'.repeat(100))).toEqual([])
    const reply = await rest.get(`/api/users?q=${'q'.repeat(101)}`, account.token)
    expect(reply.status).toBe(400)
    expect(errorOf(reply).code).toBe('bad_request')
  })

  test('q given twice → 400', async () => {
    const account = await newUser()
    const reply = await rest.get('/api/users?q=a&q=b', account.token)
    expect(reply.status).toBe(400)
    expect(errorOf(reply).code).toBe('bad_request')
  })

  test('ids= returns exactly those users (unknown ids are skipped); more than 200 → 400', async () => {
    const [a, b, c] = [await newUser(), await newUser(), await newUser()]
    const reply = await rest.get<User[]>(`/api/users?ids=${a.user.id},${c.user.id},u_unknown`, b.token)
    expect(reply.status).toBe(200)
    expect(idsOf(reply.json)).toEqual(idsOf([a.user, c.user]))
    const tooMany = Array.from({ length: 201 }, (_, i) => `u_${i}`).join(',')
    const refused = await rest.get(`/api/users?ids=${tooMany}`, b.token)
    expect(refused.status).toBe(400)
    expect(errorOf(refused).code).toBe('bad_request')
  })
})
