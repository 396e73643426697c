/**
 * `npm run admin` (src/server/admin-cli.ts) as a child process against the
 * store of a running server, once its SQLite DATA_DIR and once PostgreSQL
 * (DATABASE_URL to a scratch database, as the CLI picks it:
 * src/server/store/open.ts): invites, promote, disable/enable, password
 * resets, unknown users (exit 1 with a message). The running server notices
 * what the CLI revoked: REST at once, realtime sockets at its next session
 * sweep. Usage and configuration errors exit 2 before any store is opened:
 * checked once.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import type PusherClient from 'pusher-js'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startServer, type ParleyServer } from '../../src/server/app'
import { loadConfig } from '../../src/server/config'
import type { AuthResponse, ErrorResponse, Invite, User } from '../../src/shared/api'
import { userChannel } from '../../src/shared/channels'
import { parseInviteLink } from '../../src/shared/invite-link'
import { subscribed } from '../helpers/clients'
import { callApi, connectPusher } from '../helpers/messenger'
import { serverStores } from '../helpers/server-stores'
import { spawnTsx } from '../kit/processes'

const PASSWORD = 'correct-horse'
const stores = await serverStores('admin CLI')

// The server the CLI works on now: each store's describe starts its own; they run one after the other.
let server: ParleyServer
let dataDir: string
/** What points the server and the CLI at the store: DATABASE_URL for PostgreSQL, nothing for SQLite (DATA_DIR). */
let storeEnv: Record<string, string> = {}
/** The server's first account, its administrator: it makes the invites the other tests' users register with. */
let firstToken: string
const clients: PusherClient[] = []

afterAll(() => {
  clients.forEach((client) => client.disconnect())
})

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/** The CLI with this server's configuration (its DATA_DIR and store), `input` on stdin. */
function admin(args: string[], input = '', env: Record<string, string> = {}): Promise<Run> {
  const child = spawnTsx(
    'src/server/admin-cli.ts',
    { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: dataDir, ...storeEnv, ...env },
    ['pipe', 'pipe', 'pipe'],
    args,
  )
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  child.stdin?.end(input)
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })))
}

let n = 0
const name = (prefix: string) => `${prefix}${process.pid.toString(36)}x${++n}`

function register(username: string, invite?: string) {
  return callApi<AuthResponse & ErrorResponse>(server.url, 'POST', '/api/auth/register', {
    body: { username, password: PASSWORD, ...(invite !== undefined ? { invite } : {}) },
  })
}

const login = (username: string, password = PASSWORD) =>
  callApi<AuthResponse & ErrorResponse>(server.url, 'POST', '/api/auth/login', { body: { username, password } })

/** Registers with an invite the first account made over REST (the CLI's own: the create-invite test); returns the account. */
async function invitedUser(prefix: string): Promise<{ username: string; token: string; user: User }> {
  const made = await callApi<Invite>(server.url, 'POST', '/api/invites', { token: firstToken })
  expect(made.status).toBe(201)
  const { code } = made.body
  const username = name(prefix)
  const reply = await register(username, code)
  expect(reply.status).toBe(201)
  return { username, token: reply.body.token, user: reply.body.user }
}

for (const store of stores) {
  describe.skipIf(store.skipped !== null)(`npm run admin on ${store.name}`, () => {
    let drop: () => Promise<void>
    beforeAll(async () => {
      const created = await store.create()
      ;({ env: storeEnv, drop } = created)
      dataDir = mkdtempSync(join(tmpdir(), 'parley-admin-cli-'))
      server = await startServer(
        loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent', REGISTRATION: 'invite', AUTH_RATE_LIMIT: '100000', ...storeEnv }),
        pino({ level: 'silent' }),
      )
      // The first account needs no invite, and administers the server.
      const first = await register(name('first'))
      expect(first.body.user.admin).toBe(true)
      firstToken = first.body.token
    })
    afterAll(async () => {
      await server?.close()
      rmSync(dataDir, { recursive: true, force: true })
      await drop?.()
    })

    test('create-invite prints a code and a link that register one account, and --hours bounds it', async () => {
      const made = await admin(['create-invite', '--hours', '3'])
      expect(made.code).toBe(0)
      const code = /Invite code: ([A-Za-z0-9_-]{24})\n/.exec(made.stdout)?.[1]
      const link = /Link: +(\S+)\n/.exec(made.stdout)?.[1] ?? ''
      expect(parseInviteLink(link)).toEqual({ serverUrl: 'http://127.0.0.1:8787', code })
      const expires = Date.parse(/Expires: +(\S+)\n/.exec(made.stdout)?.[1] ?? '')
      expect(expires - Date.now()).toBeGreaterThan(2.9 * 3_600_000)
      expect(expires - Date.now()).toBeLessThanOrEqual(3 * 3_600_000)
      expect((await register(name('invited'), code)).status).toBe(201)
      expect((await register(name('again'), code)).status).toBe(403)

      const withUrl = await admin(['create-invite'], '', { PUBLIC_URL: 'https://chat.example.com' })
      expect(parseInviteLink(/Link: +(\S+)\n/.exec(withUrl.stdout)?.[1] ?? '')?.serverUrl).toBe('https://chat.example.com')
    })

    test('promote makes a user an administrator of the server', async () => {
      const { username, token } = await invitedUser('promo')
      expect((await callApi(server.url, 'POST', '/api/invites', { token })).status).toBe(403)
      const run = await admin(['promote', username])
      expect(run.code).toBe(0)
      expect(run.stdout).toContain(`${username} now administers`)
      expect((await callApi<User>(server.url, 'GET', '/api/me', { token })).body.admin).toBe(true)
      expect((await callApi(server.url, 'POST', '/api/invites', { token })).status).toBe(201)
    })

    test('disable-user: REST refuses at once, the running server closes the sockets at its sweep, login is refused; enable-user restores', async () => {
      const { username, token, user } = await invitedUser('dis')
      const client = await connectPusher(server.url, token)
      clients.push(client)
      await subscribed(client, userChannel(user.id))

      const run = await admin(['disable-user', username])
      expect(run.code).toBe(0)
      expect(run.stdout).toContain('1 session signed out')
      expect((await callApi(server.url, 'GET', '/api/me', { token })).status).toBe(401)
      // The server learns of it at its next sweep (every minute); run one now.
      expect(client.connection.state).toBe('connected')
      expect(await server.sessions?.sweep()).toBeGreaterThanOrEqual(1)
      for (let i = 0; i < 100 && client.connection.state === 'connected'; i++) await new Promise((resolve) => setTimeout(resolve, 20))
      expect(client.connection.state).not.toBe('connected')

      const refused = await login(username)
      expect(refused.status).toBe(403)
      expect(refused.body.error.code).toBe('account_disabled')

      const enabled = await admin(['enable-user', username])
      expect(enabled.code).toBe(0)
      expect(enabled.stdout).toContain('may sign in again')
      expect((await login(username)).status).toBe(200)
    })

    test('reset-password prints a new random password and signs the user out everywhere', async () => {
      const { username, token } = await invitedUser('reset')
      const run = await admin(['reset-password', username])
      expect(run.code).toBe(0)
      const password = /New password for \S+: (\S+)\n/.exec(run.stdout)?.[1] ?? ''
      expect(password.length).toBeGreaterThanOrEqual(16)
      expect((await callApi(server.url, 'GET', '/api/me', { token })).status).toBe(401)
      expect((await login(username)).status).toBe(401)
      expect((await login(username, password)).status).toBe(200)
    })

    test('reset-password --stdin takes the password from standard input (without the line break); a short one is refused', async () => {
      const { username } = await invitedUser('stdin')
      const run = await admin(['reset-password', username, '--stdin'], 'chosen-by-the-operator\n')
      expect(run.code).toBe(0)
      expect(run.stdout).not.toContain('chosen-by-the-operator')
      expect((await login(username, 'chosen-by-the-operator')).status).toBe(200)

      const short = await admin(['reset-password', username, '--stdin'], 'short\n')
      expect(short.code).toBe(1)
      expect(short.stderr).toContain('8–200 characters')
      expect((await login(username, 'chosen-by-the-operator')).status).toBe(200)
    })

    test.each([['promote'], ['disable-user'], ['enable-user'], ['reset-password']])('%s of an unknown user → exit 1, saying so', async (command) => {
      const run = await admin([command, 'nobody-here'])
      expect(run.code).toBe(1)
      expect(run.stderr).toContain('No user "nobody-here"')
    })
  })
}

describe('npm run admin, before it opens a store', () => {
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'parley-admin-cli-'))
    storeEnv = {}
  })
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true })
  })

  test('--help prints the usage and exits 0', async () => {
    const run = await admin(['--help'])
    expect(run.code).toBe(0)
    for (const command of ['create-invite', 'promote', 'disable-user', 'enable-user', 'reset-password']) {
      expect(run.stdout).toContain(command)
    }
  })

  test.each([
    [['frobnicate'], 'Unknown command "frobnicate"'],
    [[], 'Give a command'],
    [['promote'], 'exactly one username'],
    [['promote', 'a', 'b'], 'exactly one username'],
    [['create-invite', '--hours', '0'], '--hours must be'],
    [['create-invite', '--hours', 'soon'], '--hours must be'],
    [['create-invite', '--bogus'], "Unknown option '--bogus'"],
    [['promote', 'x', '--hours', '3'], '--hours is for create-invite'],
  ])('usage error %j → exit 2 with the reason and the usage', async (args, message) => {
    const run = await admin(args)
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(message)
    expect(run.stderr).toContain('Usage: npm run admin')
  })

  test('a bad configuration → exit 2 naming the variable', async () => {
    const run = await admin(['create-invite'], '', { REGISTRATION: 'sometimes' })
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('REGISTRATION')
  })
})
