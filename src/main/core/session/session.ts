/**
 * Who is signed in, to which server: session.json in the profile directory,
 * the token in the shell's vault, the Account that lives while they are
 * signed in (its cache under accounts/<key>/), and the badge that shows its
 * unread total.
 *
 * Session changes (sign-in, sign-out, the server refusing the token) run one
 * at a time: two sign-ins at once must not both open an account, leaving one
 * running that no sign-out would ever close.
 *
 * A saved sign-in whose token the OS keyring cannot unseal yet (locked at
 * login) is not a sign-out: session.json and the sealed token stay as they
 * are, the session says `keyring_locked`, and the vault is asked again with a
 * growing pause until the keyring opens — or until someone signs in or out by
 * hand, which supersedes it.
 */
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { z } from 'zod'
import { userSchema, type User } from '../../../shared/api'
import { ParleyError, type SessionInfo, type SessionNotice } from '../../../shared/ipc'
import type { Account } from '../account/account'
import { ApiClient } from '../api-client'
import { cacheUnavailableError, signedOutError, signInError } from '../errors'
import { readJsonFile, writeJsonFile } from '../json-file'
import type { CoreLog } from '../log'
import { TokenVaultLocked, type ShellServices } from '../shell-port'

const sessionFileSchema = z.object({ serverUrl: z.string(), user: userSchema.nullable() })

/** A user signed in: what their Account is made of. */
export interface SignedIn {
  serverUrl: string
  user: User
  token: string
  /** Their cache, one per server and user. */
  databasePath: string
}

export interface SessionOptions {
  /** The profile directory (Electron's userData). */
  userDataDir: string
  /** The server until someone signs in. */
  defaultServerUrl: string
  services: Pick<ShellServices, 'tokenVault' | 'setBadgeCount'>
  /** The Account of a user who signed in, not started yet (the session starts it). */
  createAccount(signedIn: SignedIn): Account
  /** Who is signed in changed (the `session` event). */
  onChange(info: SessionInfo): void
  /** How long to wait before asking a locked keyring again, by attempt (0, 1, …). */
  keyringRetryDelayMs(attempt: number): number
  /** What a saved sign-in, opened again, holds its realtime link for (Account.start); none: it connects at once. */
  restoredHold?(): Promise<unknown> | undefined
  log: CoreLog
}

export class Session {
  private serverUrl: string
  private user: User | null = null
  private current: Account | null = null
  private changes: Promise<unknown> = Promise.resolve()
  private disposed = false
  /** Why the saved sign-in is not open (SessionInfo.notice); cleared by any sign-in or sign-out. */
  private notice: SessionNotice | null = null
  private keyringRetry: NodeJS.Timeout | null = null

  constructor(private readonly options: SessionOptions) {
    this.serverUrl = options.defaultServerUrl
  }

  private get path(): string {
    return join(this.options.userDataDir, 'session.json')
  }

  /** At start: the saved server, and the saved user signed in again if the vault still has their token. */
  async restore(): Promise<void> {
    const saved = readJsonFile(this.path, sessionFileSchema)
    this.serverUrl = saved?.serverUrl ?? this.options.defaultServerUrl
    if (saved?.user) await this.reopen(saved.user, 0)
  }

  /**
   * Opens the saved user's account with the vault's token; true when it is
   * open. A locked keyring is asked again later; a cache that cannot open
   * leaves them signed out with the reason in `notice`, token and session.json kept.
   */
  private async reopen(user: User, attempt: number): Promise<boolean> {
    let token: string | null
    try {
      token = await this.options.services.tokenVault.load(accountKey(this.serverUrl, user.id))
    } catch (err) {
      if (!(err instanceof TokenVaultLocked)) throw err
      if (attempt === 0) this.options.log.warn({}, 'the OS keyring is locked: the saved sign-in opens once it is unlocked')
      this.notice = 'keyring_locked'
      this.keyringRetry = setTimeout(() => void this.retryReopen(user, attempt + 1), this.options.keyringRetryDelayMs(attempt))
      return false
    }
    this.notice = null
    if (token === null) return false
    try {
      this.open(user, token, this.options.restoredHold?.())
      return true
    } catch (err) {
      if (cacheUnavailableError(err) === null) throw err
      this.options.log.error({ err: String((err as Error).cause ?? err) }, 'the cache cannot open: staying signed out')
      this.notice = 'native_module_unavailable'
      return false
    }
  }

  private retryReopen(user: User, attempt: number): Promise<void> {
    this.keyringRetry = null
    return this.change(async () => {
      // Superseded by a sign-in or sign-out meanwhile, or shutting down.
      if (this.disposed || this.notice !== 'keyring_locked' || this.user !== null) return
      const opened = await this.reopen(user, attempt).catch((err: unknown) => {
        this.options.log.error({ err: String(err) }, 'the saved sign-in could not be opened')
        this.notice = null
        return false
      })
      if (opened || this.notice !== 'keyring_locked') this.options.onChange(this.info())
    })
  }

  private stopReopening(): void {
    if (this.keyringRetry !== null) clearTimeout(this.keyringRetry)
    this.keyringRetry = null
    this.notice = null
  }

  /** The signed-in user's account, if any. */
  get account(): Account | null {
    return this.current
  }

  info(): SessionInfo {
    if (this.user === null) return { serverUrl: this.serverUrl, user: null, ...(this.notice !== null ? { notice: this.notice } : {}) }
    const [view] = this.current?.usersById([this.user.id]) ?? []
    const { id, username, displayName, lastSeenAt } = this.user
    return {
      serverUrl: this.serverUrl,
      user: view ?? { id, username, displayName, online: false, lastSeenAt: lastSeenAt ?? null },
      serverAdmin: this.user.admin === true,
      lastOpenConversationId: this.current?.lastOpenConversation() ?? null,
    }
  }

  /** Sign in (or register) at `serverUrl` with `call`; whoever was signed in is signed out first. */
  async signIn(serverUrl: string, call: (api: ApiClient) => Promise<{ token: string; user: User }>): Promise<SessionInfo> {
    const api = new ApiClient({ baseUrl: serverUrl, timeoutMs: 10_000 })
    let result: { token: string; user: User }
    try {
      result = await call(api)
    } catch (err) {
      throw signInError(err, serverUrl)
    }
    return this.change(async () => {
      if (this.disposed) throw new ParleyError('unavailable', 'Parley is shutting down')
      this.stopReopening()
      await this.close()
      this.serverUrl = api.baseUrl
      try {
        this.open(result.user, result.token)
      } catch (err) {
        throw cacheUnavailableError(err) ?? err
      }
      // Signed in either way: a token that could not be stored only means signing in again next time.
      await this.options.services.tokenVault
        .save(accountKey(this.serverUrl, result.user.id), result.token)
        .catch((err: unknown) => this.options.log.warn({ err: String(err) }, 'the session token could not be stored'))
      return this.persist()
    })
  }

  signOut(): Promise<SessionInfo> {
    return this.change(async () => {
      this.stopReopening()
      const account = this.current
      const user = this.user
      if (account && user) {
        // Best effort: revoke the token on the server; offline, it simply expires.
        await account.api.logout().catch(() => undefined)
        await this.options.services.tokenVault.clear(accountKey(this.serverUrl, user.id))
      }
      await this.close()
      return this.persist()
    })
  }

  requireAccount(): Account {
    if (this.current === null) throw new ParleyError('unauthorized', 'Sign in first')
    return this.current
  }

  /**
   * Runs a call that awaits the network on the signed-in account. Signed out
   * meanwhile (the account and its cache closed under it), it fails as
   * `unauthorized` (errors.ts).
   */
  async useAccount<T>(use: (account: Account) => T | Promise<T>): Promise<T> {
    const account = this.requireAccount()
    try {
      return await use(account)
    } catch (err) {
      throw account.isDisposed ? signedOutError(err) : err
    }
  }

  /** Close the account; a sign-in under way finds the session disposed, or opened an account that is closed now. */
  async dispose(): Promise<void> {
    if (this.disposed) return
    this.disposed = true
    this.stopReopening()
    const account = this.current
    this.current = null
    await account?.dispose()
    await this.change(async () => {
      const opened = this.current
      this.current = null
      await opened?.dispose()
    })
  }

  private change<T>(change: () => Promise<T>): Promise<T> {
    const run = this.changes.then(change, change)
    this.changes = run.catch(() => undefined)
    return run
  }

  /** Signs `user` in with an account of their own; when the account cannot be made (its cache does not open) nobody is signed in. */
  private open(user: User, token: string, hold?: Promise<unknown>): void {
    const key = accountKey(this.serverUrl, user.id)
    const directory = join(this.options.userDataDir, 'accounts', createHash('sha256').update(key).digest('hex').slice(0, 16))
    const account = this.options.createAccount({ serverUrl: this.serverUrl, user, token, databasePath: join(directory, 'cache.sqlite') })
    this.user = user
    account.events.on('unreadChanged', () => this.options.services.setBadgeCount(this.current?.totalUnread() ?? 0))
    account.events.on('unauthorized', () => void this.signedOutByServer(account))
    account.events.on('profile', (profile) => this.profileChanged(account, profile))
    this.current = account
    account.start(hold)
    this.options.services.setBadgeCount(account.totalUnread())
  }

  private async close(): Promise<void> {
    const account = this.current
    this.current = null
    this.user = null
    if (account) await account.dispose()
    this.options.services.setBadgeCount(0)
  }

  /**
   * My profile as the server has it now (a new name, admin given or taken):
   * kept in session.json, and the window told. `admin` is only on answers
   * about myself that carry it; one without it keeps what was known.
   */
  private profileChanged(account: Account, profile: User): void {
    if (this.current !== account || this.user === null || profile.id !== this.user.id) return
    const user: User = { ...this.user, ...profile, admin: profile.admin ?? this.user.admin }
    if (JSON.stringify(user) === JSON.stringify(this.user)) {
      this.options.onChange(this.info())
      return
    }
    this.user = user
    this.persist()
  }

  /** The server refused `account`'s token: sign out (if it is still the one signed in), keep the cache for the next sign-in. */
  private signedOutByServer(account: Account): Promise<void> {
    return this.change(async () => {
      if (this.current !== account || this.user === null) return
      await this.options.services.tokenVault.clear(accountKey(this.serverUrl, this.user.id))
      await this.close()
      this.persist()
    })
  }

  /** Save who is signed in, and tell the window. */
  private persist(): SessionInfo {
    writeJsonFile(this.path, { serverUrl: this.serverUrl, user: this.user })
    const info = this.info()
    this.options.onChange(info)
    return info
  }
}

/** The vault's key for a user's token at a server. */
function accountKey(serverUrl: string, userId: string): string {
  return `${serverUrl.replace(/\/+$/, '')}#${userId}`
}
