/**
 * The session's start-up paths that need no server: a saved sign-in whose
 * keyring is locked, and a cache whose SQLite module does not load. The
 * account is a stand-in (creating a real one opens a cache and a socket);
 * everything else is the real Session on a temporary profile directory.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import type { User } from '../../../shared/api'
import { ParleyError, type SessionInfo } from '../../../shared/ipc'
import type { Account } from '../account/account'
import { CacheError } from '../cache/database/cache-error'
import { EventHub } from '../event-hub'
import { writeJsonFile } from '../json-file'
import { TokenVaultLocked, type TokenVault } from '../shell-port'
import { Session, type SignedIn } from './session'

const SERVER = 'http://127.0.0.1:8787'
const alice: User = { id: 'u1', username: 'alice', displayName: 'Alice', lastSeenAt: null }
const ALICE_KEY = `${SERVER}#u1`

let dir: string
let sessions: Session[]
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'parley-session-'))
  sessions = []
})
afterEach(async () => {
  for (const session of sessions) await session.dispose()
  rmSync(dir, { recursive: true, force: true })
})

/** A vault whose keyring stays locked until `unlock()`. */
function lockableVault(tokens: Record<string, string>) {
  let locked = true
  const saved: [string, string][] = []
  const vault: TokenVault = {
    load: vi.fn(async (account: string) => {
      if (locked) throw new TokenVaultLocked()
      return tokens[account] ?? null
    }),
    save: async (account, token) => void saved.push([account, token]),
    clear: async (account) => void delete tokens[account],
  }
  return { vault, saved, unlock: () => (locked = false) }
}

function fakeAccount(signedIn: SignedIn): Account {
  return {
    me: signedIn.user.id,
    events: new EventHub(),
    isDisposed: false,
    start: () => undefined,
    dispose: async () => undefined,
    totalUnread: () => 0,
    usersById: () => [],
    lastOpenConversation: () => null,
    api: { logout: async () => undefined },
  } as unknown as Account
}

function startSession(vault: TokenVault, createAccount: (signedIn: SignedIn) => Account = fakeAccount) {
  const changes: SessionInfo[] = []
  const opened: SignedIn[] = []
  const session = new Session({
    userDataDir: dir,
    defaultServerUrl: SERVER,
    services: { tokenVault: vault, setBadgeCount: () => undefined },
    createAccount: (signedIn) => {
      const account = createAccount(signedIn)
      opened.push(signedIn)
      return account
    },
    onChange: (info) => changes.push(info),
    keyringRetryDelayMs: () => 5,
    log: pino({ level: 'silent' }),
  })
  sessions.push(session)
  return { session, changes, opened }
}

const savedSession = (): unknown => JSON.parse(readFileSync(join(dir, 'session.json'), 'utf8'))

test('a keyring locked at start is not a sign-out: the session waits, keeps what is saved, and opens once it unlocks', async () => {
  writeJsonFile(join(dir, 'session.json'), { serverUrl: SERVER, user: alice })
  const { vault, unlock } = lockableVault({ [ALICE_KEY]: 'tok-a' })
  const { session, changes, opened } = startSession(vault)

  await session.restore()
  expect(session.info()).toEqual({ serverUrl: SERVER, user: null, notice: 'keyring_locked' })
  await vi.waitFor(() => expect(vi.mocked(vault.load).mock.calls.length).toBeGreaterThanOrEqual(3))
  expect(opened).toEqual([])
  expect(savedSession()).toEqual({ serverUrl: SERVER, user: alice })

  unlock()
  await vi.waitFor(() => expect(changes.at(-1)?.user?.id).toBe('u1'))
  expect(changes.at(-1)?.notice).toBeUndefined()
  expect(opened.map((signedIn) => signedIn.token)).toEqual(['tok-a'])
})

test('signing in while the keyring is locked supersedes the wait: one account, and the vault gets the new token', async () => {
  writeJsonFile(join(dir, 'session.json'), { serverUrl: SERVER, user: alice })
  const { vault, saved, unlock } = lockableVault({ [ALICE_KEY]: 'tok-old' })
  const { session, opened } = startSession(vault)
  await session.restore()

  const info = await session.signIn(SERVER, async () => ({ token: 'tok-new', user: alice }))
  expect(info).toMatchObject({ user: { id: 'u1' } })
  expect(info.notice).toBeUndefined()
  unlock()
  const loads = vi.mocked(vault.load).mock.calls.length
  await new Promise((resolve) => setTimeout(resolve, 50))
  expect(vi.mocked(vault.load).mock.calls.length).toBe(loads)
  expect(opened.map((signedIn) => signedIn.token)).toEqual(['tok-new'])
  expect(saved).toEqual([[ALICE_KEY, 'tok-new']])
})

test('a cache whose SQLite module does not load: the saved sign-in stays signed out with the reason, token and session kept', async () => {
  writeJsonFile(join(dir, 'session.json'), { serverUrl: SERVER, user: alice })
  const tokens = { [ALICE_KEY]: 'tok-a' }
  const { vault, unlock } = lockableVault(tokens)
  unlock()
  const broken = (): Account => {
    throw new CacheError('native_module_unavailable', 'better-sqlite3 did not load')
  }
  const { session } = startSession(vault, broken)

  await session.restore()
  expect(session.info()).toEqual({ serverUrl: SERVER, user: null, notice: 'native_module_unavailable' })
  expect(tokens).toEqual({ [ALICE_KEY]: 'tok-a' })
  expect(savedSession()).toEqual({ serverUrl: SERVER, user: alice })

  // Signing in fails with the code the sign-in screen explains, and signs nobody in.
  const failure = session.signIn(SERVER, async () => ({ token: 'tok-b', user: alice }))
  await expect(failure).rejects.toBeInstanceOf(ParleyError)
  await expect(failure).rejects.toMatchObject({ code: 'native_module_unavailable' })
  expect(session.info().user).toBeNull()
  expect(tokens).toEqual({ [ALICE_KEY]: 'tok-a' })
})
