/**
 * Display names over real HTTP (issue 14, "Impersonation by display name"):
 * registering with a control, bidi-formatting or invisible character is 400
 * with a message naming it and leaves no trace; a look-alike name is stored in
 * NFKC (the row itself, and its search key, read from the server's SQLite).
 */
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { User } from '../../../src/shared/api'
import { errorOf, PASSWORD, Rest, uniqueName, type Account } from '../../helpers/rest'
import { startTestServer, type TestServer } from '../../helpers/server'

let server: TestServer
let rest: Rest
let watcher: Account

beforeAll(async () => {
  server = await startTestServer({ AUTH_RATE_LIMIT: '100000' })
  rest = new Rest(server.url)
  watcher = await rest.newUser('watch')
})
afterAll(async () => {
  await server.stop()
})

function storedRow(userId: string): { display_name: string; display_name_key: string } | undefined {
  const db = new Database(join(server.dataDir, 'parley.sqlite'), { readonly: true, fileMustExist: true })
  try {
    return db.prepare('SELECT display_name, display_name_key FROM users WHERE id = ?').get(userId) as
      | { display_name: string; display_name_key: string }
      | undefined
  } finally {
    db.close()
  }
}

async function directory(): Promise<User[]> {
  const reply = await rest.get<User[]>('/api/users', watcher.token)
  expect(reply.status).toBe(200)
  return reply.json
}

describe('POST /api/auth/register refuses a display name with', () => {
  test.each([
    ['NUL', 'Ali\u0000ce', 'control character (U+0000)'],
    ['a newline inside', 'Ali\nce', 'control character (U+000A)'],
    ['a C1 control', 'Alice\u009B', 'control character (U+009B)'],
    ['a right-to-left override', '\u202Eecila', 'bidirectional formatting character (U+202E)'],
    ['a right-to-left mark', 'Alice\u200F', 'bidirectional formatting character (U+200F)'],
    ['an isolate', 'A\u2066lice\u2069', 'bidirectional formatting character (U+2066)'],
    ['the Arabic letter mark', 'علي\u061C', 'bidirectional formatting character (U+061C)'],
    ['a zero-width space', 'Ali\u200Bce', 'invisible character (U+200B)'],
    ['a zero-width joiner outside an emoji sequence', 'Ali\u200Dce', 'invisible character (U+200D)'],
    ['a word joiner', 'Ali\u2060ce', 'invisible character (U+2060)'],
    ['a byte order mark', '\uFEFFAlice', 'invisible character (U+FEFF)'],
    ['a soft hyphen', 'Ali\u00ADce', 'invisible character (U+00AD)'],
    ['only a Hangul filler', '\u3164', 'invisible character'],
    ['a tag character', 'Alice\u{E0041}', 'invisible character (U+E0041)'],
    ['a stray variation selector', '\uFE0FAlice', 'invisible character (U+FE0F)'],
    ['only Braille blanks', '\u2800\u2800\u2800', 'must contain a visible character'],
  ])('%s → 400 naming it, and no account', async (_what, displayName, problem) => {
    const before = await directory()
    const username = uniqueName('bad')
    const reply = await rest.register({ username, password: PASSWORD, displayName })
    expect(reply.status).toBe(400)
    expect(errorOf(reply)).toEqual({ code: 'bad_request', message: expect.stringContaining(`displayName`) })
    expect(errorOf(reply).message).toContain(problem)
    expect((await rest.login(username, PASSWORD)).status).toBe(401)
    expect(await directory()).toEqual(before)
  })
})

describe('POST /api/auth/register stores a display name in NFKC', () => {
  test('fullwidth and mathematical letters are stored plain, and the search key is of the stored form', async () => {
    const reply = await rest.register({ username: uniqueName('wide'), password: PASSWORD, displayName: ' ＡＬＩＣＥ 𝐌𝐚𝐫𝐭𝐢𝐧 ' })
    expect(reply.status).toBe(201)
    expect(reply.json.user.displayName).toBe('ALICE Martin')
    expect(storedRow(reply.json.user.id)).toEqual({ display_name: 'ALICE Martin', display_name_key: 'alice martin' })
    expect((await rest.get<User>('/api/me', reply.json.token)).json.displayName).toBe('ALICE Martin')
    const found = await rest.get<User[]>(`/api/users?q=${encodeURIComponent('alice mart')}`, watcher.token)
    expect(found.json.map((user) => user.id)).toContain(reply.json.user.id)
  })

  test('a look-alike from another script is stored as typed (NFKC leaves it), for the UI to tell apart', async () => {
    const reply = await rest.register({ username: uniqueName('cyr'), password: PASSWORD, displayName: '\u0410lice' })
    expect(reply.status).toBe(201)
    expect(storedRow(reply.json.user.id)).toEqual({ display_name: '\u0410lice', display_name_key: '\u0430lice' })
  })

  test.each([
    ['Chinese', '张三'],
    ['Arabic', 'علي'],
    ['accented Latin', 'Émile Zola'],
    ['an emoji ZWJ sequence', '👩\u200D💻 Dev'],
    ['a flag', '🇨🇳 Li'],
    ['a Persian name with ZWNJ', 'علی\u200Cرضا'],
  ])('%s is stored unchanged', async (_what, displayName) => {
    const reply = await rest.register({ username: uniqueName('ok'), password: PASSWORD, displayName })
    expect(reply.status).toBe(201)
    expect(storedRow(reply.json.user.id)?.display_name).toBe(displayName)
  })
})
