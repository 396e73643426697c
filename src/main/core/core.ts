/**
 * The desktop core behind `window.parley`: sessions and accounts, settings,
 * window state and notifications, with every call of the IPC contract. Plain
 * Node — the Electron shell and the e2e harness host the same code.
 */
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { userSchema, type User } from '../../shared/api'
import {
  defaultSettings,
  ParleyError,
  type ChatMessage,
  type IpcEventName,
  type IpcEvents,
  type SessionInfo,
  type Settings,
} from '../../shared/ipc'
import { lookAlikeIds, nameWithUsername } from '../../shared/look-alike'
import { Account, translateError } from './account'
import { ApiClient, HttpError, NetworkError } from './api-client'
import type { CachedUser } from './cache/types'
import { defaultTiming, type CoreOptions, type CoreTiming, type ParleyCore } from './core-api'
import { createCoreLogger, type CoreLog } from './log'
import { notificationFor } from './notifier'

const sessionFileSchema = z.object({ serverUrl: z.string(), user: userSchema.nullable() })
const settingsFileSchema = z
  .object({
    notifications: z.boolean(),
    showMessagePreview: z.boolean(),
    sendReadReceipts: z.boolean(),
    language: z.enum(['system', 'en', 'zh-CN']),
    theme: z.enum(['system', 'light', 'dark']),
  })
  .partial()

type Listener = (payload: never) => void

export class Core implements ParleyCore {
  private account: Account | null = null
  private sessionChanges: Promise<unknown> = Promise.resolve()
  private serverUrl: string
  private user: User | null = null
  private settings: Settings
  private windowFocused = false
  private activeConversationId: string | null = null
  private readonly appStartedAt: number
  private readonly listeners = new Map<IpcEventName, Set<Listener>>()
  private readonly timing: CoreTiming
  private readonly now: () => number
  private readonly random: () => number
  private readonly log: CoreLog
  private disposed = false

  constructor(
    private readonly options: CoreOptions,
    log?: CoreLog,
  ) {
    this.timing = { ...defaultTiming, ...options.timing }
    this.now = options.now ?? Date.now
    this.random = options.random ?? Math.random
    this.log = log ?? createCoreLogger()
    this.appStartedAt = this.now()
    mkdirSync(options.userDataDir, { recursive: true })
    const session = readJson(this.sessionPath, sessionFileSchema)
    this.serverUrl = session?.serverUrl ?? options.defaultServerUrl
    this.settings = { ...defaultSettings, ...readJson(this.settingsPath, settingsFileSchema) }
    if (session?.user) {
      const token = options.services.tokenVault.load(accountKey(this.serverUrl, session.user.id))
      if (token !== null) this.openAccount(session.user, token)
    }
  }

  private get sessionPath(): string {
    return join(this.options.userDataDir, 'session.json')
  }

  private get settingsPath(): string {
    return join(this.options.userDataDir, 'settings.json')
  }

  // -- events ------------------------------------------------------------------

  on<E extends IpcEventName>(event: E, listener: (payload: IpcEvents[E]) => void): () => void {
    let set = this.listeners.get(event)
    if (set === undefined) {
      set = new Set()
      this.listeners.set(event, set)
    }
    set.add(listener as Listener)
    return () => set.delete(listener as Listener)
  }

  private emit<E extends IpcEventName>(event: E, payload: IpcEvents[E]): void {
    for (const listener of this.listeners.get(event) ?? []) {
      try {
        ;(listener as (payload: IpcEvents[E]) => void)(payload)
      } catch (err) {
        this.log.error({ err, event }, 'event listener failed')
      }
    }
  }

  // -- session -----------------------------------------------------------------

  private sessionInfo(): SessionInfo {
    if (this.user === null) return { serverUrl: this.serverUrl, user: null }
    const [view] = this.account?.usersById([this.user.id]) ?? []
    return { serverUrl: this.serverUrl, user: view ?? { ...this.user, online: false, lastSeenAt: this.user.lastSeenAt ?? null } }
  }

  private openAccount(user: User, token: string): void {
    const key = accountKey(this.serverUrl, user.id)
    const directory = join(this.options.userDataDir, 'accounts', createHash('sha256').update(key).digest('hex').slice(0, 16))
    this.user = user
    const account: Account = new Account({
      serverUrl: this.serverUrl,
      token,
      user,
      databasePath: join(directory, 'cache.sqlite'),
      ...(this.options.nativeBinding ? { nativeBinding: this.options.nativeBinding } : {}),
      timing: this.timing,
      now: this.now,
      random: this.random,
      log: this.log,
      emit: (event, payload) => this.emit(event, payload),
      onIncoming: (messages) => this.notify(messages),
      onUnreadChanged: () => this.options.services.setBadgeCount(this.account?.totalUnread() ?? 0),
      onUnauthorized: () => void this.signedOutByServer(account),
      sendReadReceipts: () => this.settings.sendReadReceipts,
    })
    this.account = account
    account.start()
    this.options.services.setBadgeCount(account.totalUnread())
  }

  private persistSession(): void {
    writeJson(this.sessionPath, { serverUrl: this.serverUrl, user: this.user })
  }

  private async authenticate(serverUrl: string, call: (api: ApiClient) => Promise<{ token: string; user: User }>) {
    const api = new ApiClient({ baseUrl: serverUrl, timeoutMs: 10_000 })
    let result: { token: string; user: User }
    try {
      result = await call(api)
    } catch (err) {
      if (err instanceof NetworkError) throw new ParleyError('unreachable', `Cannot reach ${serverUrl}`)
      if (err instanceof HttpError && err.status === 401) throw new ParleyError('unauthorized', 'Wrong username or password')
      if (err instanceof HttpError && err.status === 409) throw new ParleyError('conflict', 'That username is taken')
      throw translateError(err)
    }
    return this.changeSession(async () => {
      if (this.disposed) throw new ParleyError('unavailable', 'Parley is shutting down')
      await this.closeAccount()
      this.serverUrl = api.baseUrl
      this.options.services.tokenVault.save(accountKey(this.serverUrl, result.user.id), result.token)
      this.openAccount(result.user, result.token)
      this.persistSession()
      const info = this.sessionInfo()
      this.emit('session', info)
      return info
    })
  }

  private async closeAccount(): Promise<void> {
    const account = this.account
    this.account = null
    this.user = null
    if (account) await account.dispose()
    this.options.services.setBadgeCount(0)
  }

  /** The server refused `account`'s token: sign out (if it is still the one signed in), keep the cache for the next sign-in. */
  private signedOutByServer(account: Account): Promise<void> {
    return this.changeSession(async () => {
      if (this.account !== account || this.user === null) return
      this.options.services.tokenVault.clear(accountKey(this.serverUrl, this.user.id))
      await this.closeAccount()
      this.persistSession()
      this.emit('session', this.sessionInfo())
    })
  }

  private requireAccount(): Account {
    if (this.account === null) throw new ParleyError('unauthorized', 'Sign in first')
    return this.account
  }

  /**
   * Runs a call that awaits the network on the signed-in account. Signed out
   * meanwhile (the account and its cache closed under it), it fails as
   * `unauthorized`, as it would have had it come a moment later — never as an
   * internal error from the closed cache.
   */
  private async useAccount<T>(use: (account: Account) => T | Promise<T>): Promise<T> {
    const account = this.requireAccount()
    try {
      return await use(account)
    } catch (err) {
      // The account wraps what it cannot explain as `internal` (a closed cache among them).
      const unexplained = !(err instanceof ParleyError) || err.code === 'internal'
      if (account.isDisposed && unexplained) throw new ParleyError('unauthorized', 'Signed out while this was in progress')
      throw err
    }
  }

  /**
   * Session changes (sign-in, sign-out, the server refusing the token) run one
   * at a time: two sign-ins at once must not both open an account, leaving one
   * running that no sign-out would ever close.
   */
  private changeSession<T>(change: () => Promise<T>): Promise<T> {
    const run = this.sessionChanges.then(change, change)
    this.sessionChanges = run.catch(() => undefined)
    return run
  }

  // -- notifications -----------------------------------------------------------

  private notify(messages: ChatMessage[]): void {
    const account = this.account
    if (account === null || !this.settings.notifications) return
    // The people whose name looks like another's (issue 14), among every user the cache knows: once per batch, when needed.
    let lookAlikes: ReadonlySet<string> | null = null
    const senderName = (sender: CachedUser | undefined) => {
      if (sender === undefined) return 'Someone'
      lookAlikes ??= lookAlikeIds(account.cache.users())
      return lookAlikes.has(sender.id) ? nameWithUsername(sender) : sender.displayName
    }
    // History fetched by sync (older than the app's start) never notifies: skip it before any lookup.
    for (const message of messages.filter((m) => m.createdAt >= this.appStartedAt && m.senderId !== account.me)) {
      const conversation = account.cache.conversation(message.conversationId)
      const sender = account.cache.users([message.senderId])[0]
      const request = notificationFor(message, {
        me: account.me,
        windowFocused: this.windowFocused,
        activeConversationId: this.activeConversationId,
        appStartedAt: this.appStartedAt,
        settings: this.settings,
        conversation,
        senderName: senderName(sender),
      })
      if (request) this.options.services.showNotification(request)
    }
  }

  // -- calls -------------------------------------------------------------------

  async getAppInfo() {
    return this.options.appInfo
  }

  async getSession() {
    return this.sessionInfo()
  }

  login(args: { serverUrl: string; username: string; password: string }) {
    return this.authenticate(args.serverUrl, (api) => api.login({ username: args.username, password: args.password }))
  }

  register(args: { serverUrl: string; username: string; password: string; displayName?: string }) {
    return this.authenticate(args.serverUrl, (api) =>
      api.register({
        username: args.username,
        password: args.password,
        ...(args.displayName?.trim() ? { displayName: args.displayName.trim() } : {}),
      }),
    )
  }

  logout() {
    return this.changeSession(async () => {
      const account = this.account
      const user = this.user
      if (account && user) {
        // Best effort: revoke the token on the server; offline, it simply expires.
        await account.api.logout().catch(() => undefined)
        this.options.services.tokenVault.clear(accountKey(this.serverUrl, user.id))
      }
      await this.closeAccount()
      this.persistSession()
      const info = this.sessionInfo()
      this.emit('session', info)
      return info
    })
  }

  async getConnection() {
    return this.account?.connection ?? { state: 'offline' as const, nextRetryAt: null, lastError: null }
  }

  async retryNow() {
    const account = this.requireAccount()
    account.supervisor.retryNow()
    account.outbox.retryAll()
    return account.connection
  }

  async listConversations() {
    return this.requireAccount().listConversations()
  }

  createConversation(args: { memberIds: string[]; title?: string }) {
    return this.useAccount((account) => account.createConversation(args.memberIds, args.title))
  }

  async setMuted(args: { conversationId: string; muted: boolean }) {
    return this.requireAccount().setMuted(args.conversationId, args.muted)
  }

  async setActiveConversation(args: { conversationId: string | null }) {
    this.activeConversationId = args.conversationId
    return null
  }

  listUsers(args: { query?: string }) {
    return this.useAccount((account) => account.listUsers(args.query))
  }

  async getUsers(args: { ids: string[] }) {
    return this.requireAccount().usersById(args.ids)
  }

  async loadMessages(args: { conversationId: string; beforeSeq?: number; limit: number }) {
    return this.requireAccount().loadMessages(args.conversationId, args.beforeSeq, args.limit)
  }

  async sendMessage(args: { conversationId: string; body: string }) {
    return this.requireAccount().sendMessage(args.conversationId, args.body)
  }

  async retryMessage(args: { conversationId: string; clientId: string }) {
    return this.requireAccount().retryMessage(args.conversationId, args.clientId)
  }

  async deleteMessage(args: { conversationId: string; clientId: string }) {
    this.requireAccount().deleteMessage(args.conversationId, args.clientId)
    return null
  }

  async markRead(args: { conversationId: string; seq: number }) {
    const account = this.requireAccount()
    account.markRead(args.conversationId, args.seq)
    if (account.cache.unreadCount(args.conversationId) === 0) {
      this.options.services.closeNotification(args.conversationId)
    }
    return null
  }

  async setTyping(args: { conversationId: string; typing: boolean }) {
    this.requireAccount().setTyping(args.conversationId, args.typing)
    return null
  }

  async search(args: { query: string; limit: number }) {
    return this.requireAccount().search(args.query, args.limit)
  }

  async getSettings() {
    return this.settings
  }

  async updateSettings(patch: Partial<Settings>) {
    this.settings = { ...this.settings, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) }
    writeJson(this.settingsPath, this.settings)
    this.emit('settings', this.settings)
    return this.settings
  }

  async getWindowState() {
    return { focused: this.windowFocused }
  }

  async openExternal(args: { url: string }) {
    let url: URL
    try {
      url = new URL(args.url)
    } catch {
      throw new ParleyError('bad_request', 'Not a URL')
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new ParleyError('bad_request', 'Only http and https links can be opened')
    }
    this.options.services.openExternal(url.toString())
    return null
  }

  // -- shell signals ---------------------------------------------------------------

  windowFocusChanged(focused: boolean): void {
    if (focused === this.windowFocused) return
    this.windowFocused = focused
    this.emit('windowFocus', { focused })
  }

  systemResumed(): void {
    void this.account?.supervisor.wake()
    this.account?.outbox.retryAll()
  }

  networkChanged(online: boolean): void {
    this.log.info({ online }, 'network changed')
    void this.account?.supervisor.wake()
    if (online) this.account?.outbox.retryAll()
  }

  notificationClicked(conversationId: string): void {
    this.emit('openConversation', { conversationId })
  }

  async dispose(): Promise<void> {
    if (this.disposed) return
    this.disposed = true
    const account = this.account
    this.account = null
    await account?.dispose()
    // A sign-in that was under way has found `disposed` set, or opened an account to close now.
    await this.changeSession(async () => {
      const opened = this.account
      this.account = null
      await opened?.dispose()
    })
    this.listeners.clear()
  }

  /** For tests and the e2e harness: the live account, if signed in. */
  get currentAccount(): Account | null {
    return this.account
  }
}

function accountKey(serverUrl: string, userId: string): string {
  return `${serverUrl.replace(/\/+$/, '')}#${userId}`
}

function readJson<T>(path: string, schema: z.ZodType<T>): T | null {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    return null
  }
  try {
    const parsed = schema.safeParse(JSON.parse(text))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

/** Write atomically: a crash mid-write leaves the old file, never half a new one. */
function writeJson(path: string, value: unknown): void {
  const tmp = `${path}.${process.pid}.tmp`
  writeFileSync(tmp, JSON.stringify(value, null, 2), { mode: 0o600 })
  renameSync(tmp, path)
}
