/**
 * Who is signed in, to which server: session.json in the profile directory,
 * the token in the shell's vault, the Account that lives while they are
 * signed in (its cache under accounts/<key>/), and the badge that shows its
 * unread total.
 *
 * Session changes (sign-in, sign-out, the server refusing the token) run one
 * at a time: two sign-ins at once must not both open an account, leaving one
 * running that no sign-out would ever close.
 */
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { z } from 'zod'
import { userSchema, type User } from '../../../shared/api'
import { ParleyError, type SessionInfo } from '../../../shared/ipc'
import type { Account } from '../account/account'
import { ApiClient } from '../api-client'
import { signedOutError, signInError } from '../errors'
import { readJsonFile, writeJsonFile } from '../json-file'
import type { ShellServices } from '../shell-port'

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
}

export class Session {
  private serverUrl: string
  private user: User | null = null
  private current: Account | null = null
  private changes: Promise<unknown> = Promise.resolve()
  private disposed = false

  constructor(private readonly options: SessionOptions) {
    this.serverUrl = options.defaultServerUrl
  }

  private get path(): string {
    return join(this.options.userDataDir, 'session.json')
  }

  /** At start: the saved server, and the saved user signed in again if the vault still has their token. */
  restore(): void {
    const saved = readJsonFile(this.path, sessionFileSchema)
    this.serverUrl = saved?.serverUrl ?? this.options.defaultServerUrl
    if (saved?.user) {
      const token = this.options.services.tokenVault.load(accountKey(this.serverUrl, saved.user.id))
      if (token !== null) this.open(saved.user, token)
    }
  }

  /** The signed-in user's account, if any. */
  get account(): Account | null {
    return this.current
  }

  info(): SessionInfo {
    if (this.user === null) return { serverUrl: this.serverUrl, user: null }
    const [view] = this.current?.usersById([this.user.id]) ?? []
    return { serverUrl: this.serverUrl, user: view ?? { ...this.user, online: false, lastSeenAt: this.user.lastSeenAt ?? null } }
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
      await this.close()
      this.serverUrl = api.baseUrl
      this.options.services.tokenVault.save(accountKey(this.serverUrl, result.user.id), result.token)
      this.open(result.user, result.token)
      return this.persist()
    })
  }

  signOut(): Promise<SessionInfo> {
    return this.change(async () => {
      const account = this.current
      const user = this.user
      if (account && user) {
        // Best effort: revoke the token on the server; offline, it simply expires.
        await account.api.logout().catch(() => undefined)
        this.options.services.tokenVault.clear(accountKey(this.serverUrl, user.id))
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

  private open(user: User, token: string): void {
    const key = accountKey(this.serverUrl, user.id)
    const directory = join(this.options.userDataDir, 'accounts', createHash('sha256').update(key).digest('hex').slice(0, 16))
    this.user = user
    const account = this.options.createAccount({ serverUrl: this.serverUrl, user, token, databasePath: join(directory, 'cache.sqlite') })
    account.events.on('unreadChanged', () => this.options.services.setBadgeCount(this.current?.totalUnread() ?? 0))
    account.events.on('unauthorized', () => void this.signedOutByServer(account))
    this.current = account
    account.start()
    this.options.services.setBadgeCount(account.totalUnread())
  }

  private async close(): Promise<void> {
    const account = this.current
    this.current = null
    this.user = null
    if (account) await account.dispose()
    this.options.services.setBadgeCount(0)
  }

  /** The server refused `account`'s token: sign out (if it is still the one signed in), keep the cache for the next sign-in. */
  private signedOutByServer(account: Account): Promise<void> {
    return this.change(async () => {
      if (this.current !== account || this.user === null) return
      this.options.services.tokenVault.clear(accountKey(this.serverUrl, this.user.id))
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
