/**
 * The desktop core behind `window.parley`: every call of the IPC contract and
 * the shell's signals, each handed to the room that owns it — the session
 * (session/: who is signed in, and their Account), the settings
 * (settings/), the notification policy (notifications/) — plus the push
 * events to the window and the window's own state. Plain Node: the Electron
 * shell and the e2e harness host the same code.
 */
import { mkdirSync } from 'node:fs'
import { ParleyError, type ChatMessage, type ConversationCursor, type IpcEvents, type MediaKind, type Settings } from '../../shared/ipc'
import { CORE_MARKS, markOnce } from '../../shared/perf-marks'
import { Account } from './account/account'
import { windowEventNames, type AccountEvents, type WindowEvents } from './account/account-events'
import { openAttachment, saveAttachmentAs, showAttachmentInFolder } from './attachments/file-actions'
import { defaultTiming, type CoreOptions, type CoreTiming, type MediaFile, type ParleyCore } from './core-api'
import { EventHub } from './event-hub'
import { LinkRouter } from './links/link-router'
import { createCoreLogger, type CoreLog } from './log'
import { localMinuteOfDay, notifyIncoming } from './notifications/notification-policy'
import { Session, type SignedIn } from './session/session'
import { SettingsFile } from './settings/settings-file'
import { Updates } from './updates/updates'

export class Core implements ParleyCore {
  /** Who is signed in and their account; protected for the test-only view of the core (testing.ts). */
  protected readonly session: Session
  private readonly settings: SettingsFile
  private readonly events: EventHub<IpcEvents>
  private windowFocused = false
  private activeConversationId: string | null = null
  /**
   * Conversations whose messages the window holds (it loaded some, `loadMessages`, and has not let them
   * go, `releaseMessages`): only their `messages` events go to it. A catch-up stores thousands of
   * messages over hundreds of conversations the window does not show, and each event is copied to it.
   */
  private readonly windowHolds = new Set<string>()
  private readonly appStartedAt: number
  /** Conversation → the key of the message its notification shows (one per conversation, replaced). */
  private readonly notified = new Map<string, string>()
  private readonly timing: CoreTiming
  private readonly now: () => number
  private readonly random: () => number
  private readonly log: CoreLog
  private readonly links: LinkRouter
  private readonly updates: Updates
  private disposed = false
  /** With `awaitFirstPaint`: settles when the window's first screen is painted, or after `firstPaintWaitMs`. */
  private readonly firstPaint: { settled: Promise<void>; settle: () => void } | null

  constructor(
    private readonly options: CoreOptions,
    log?: CoreLog,
  ) {
    markOnce(performance, CORE_MARKS.created)
    this.timing = { ...defaultTiming, ...options.timing }
    this.now = options.now ?? Date.now
    this.random = options.random ?? Math.random
    this.log = log ?? createCoreLogger()
    this.events = new EventHub((err, event) => this.log.error({ err, event }, 'event listener failed'))
    this.appStartedAt = this.now()
    this.firstPaint = options.awaitFirstPaint === true ? firstPaintGate(this.timing.firstPaintWaitMs) : null
    mkdirSync(options.userDataDir, { recursive: true })
    this.settings = new SettingsFile(options.userDataDir)
    this.links = new LinkRouter({ emit: (link) => this.events.emit('deepLink', link), log: this.log.child({ module: 'links' }) })
    this.session = new Session({
      userDataDir: options.userDataDir,
      defaultServerUrl: options.defaultServerUrl,
      services: options.services,
      createAccount: (signedIn) => this.createAccount(signedIn),
      onChange: (info) => this.events.emit('session', info),
      keyringRetryDelayMs: (attempt) => Math.min(this.timing.keyringRetryCapMs, this.timing.keyringRetryBaseMs * 2 ** attempt),
      restoredHold: () => this.firstPaint?.settled,
      log: this.log.child({ module: 'session' }),
    })
    this.updates = new Updates({
      updater: options.services.updater ?? null,
      currentVersion: options.appInfo.version,
      settings: () => this.settings.current,
      signedInServerUrl: () => {
        const info = this.session.info()
        return info.user === null ? null : info.serverUrl
      },
      emit: (status) => this.events.emit('update', status),
      log: this.log.child({ module: 'updates' }),
      timers: options.updateTimers,
    })
    // Signing in gives automatic checks a feed (the server's /updates/); the settings turn them on and off.
    this.events.on('session', () => this.updates.inputsChanged())
    this.events.on('settings', () => this.updates.inputsChanged())
  }

  /** Signs the saved user in again (createCore does this before handing the core out). */
  async restoreSession(): Promise<void> {
    await this.session.restore()
    markOnce(performance, CORE_MARKS.ready)
  }

  /** A signed-in user's Account, its window events forwarded and its news of incoming messages notified. */
  private createAccount({ serverUrl, user, token, databasePath }: SignedIn): Account {
    const account = new Account({
      serverUrl,
      token,
      user,
      databasePath,
      timing: this.timing,
      now: this.now,
      random: this.random,
      log: this.log,
      sendReadReceipts: () => this.settings.current.sendReadReceipts,
      downloadCacheBytes: () => this.settings.current.downloadCacheMiB * 1024 * 1024,
      historyBudget: () => this.settings.current.historyBudget,
      cacheMessageCap: () => this.settings.current.cacheMessageCap,
    })
    // Until the window says which it shows, the one it showed last (it reopens it) is caught up first.
    account.sync.focus(this.activeConversationId ?? account.lastOpenConversation())
    this.windowHolds.clear()
    for (const event of windowEventNames) forward(account.events, this.events, event)
    account.events.on('incoming', (messages) => this.notify(messages))
    account.events.on('messages', ({ conversationId, messages }) => this.closeIfDeleted(conversationId, messages))
    return account
  }

  /** A notification still shown for a message deleted for everyone goes (its text must not stay on screen). */
  private closeIfDeleted(conversationId: string, messages: readonly ChatMessage[]): void {
    const shown = this.notified.get(conversationId)
    if (shown === undefined) return
    if (messages.some((message) => message.key === shown && message.deletedAt !== null)) {
      this.notified.delete(conversationId)
      this.options.services.closeNotification(conversationId)
    }
  }

  private notify(messages: ChatMessage[]): void {
    const account = this.session.account
    const settings = this.settings.current
    if (account === null || !settings.notifications) return
    const now = this.now()
    notifyIncoming(
      messages,
      {
        me: account.me,
        cache: account.cache,
        windowFocused: this.windowFocused,
        activeConversationId: this.activeConversationId,
        appStartedAt: this.appStartedAt,
        now,
        minuteOfDay: localMinuteOfDay(now),
        settings,
      },
      (request, message) => {
        this.notified.set(request.conversationId, message.key)
        this.options.services.showNotification(request)
      },
    )
  }

  on<E extends keyof IpcEvents>(event: E, listener: (payload: IpcEvents[E]) => void): () => void {
    return this.events.on(event, listener)
  }

  onWindow<E extends keyof IpcEvents>(event: E, listener: (payload: IpcEvents[E]) => void): () => void {
    if (event !== 'messages') return this.events.on(event, listener)
    const forMessages = listener as (payload: IpcEvents['messages']) => void
    return this.events.on('messages', (payload) => {
      if (this.windowHolds.has(payload.conversationId)) forMessages(payload)
    })
  }

  // -- calls -------------------------------------------------------------------

  async getAppInfo() {
    return this.options.appInfo
  }

  async getSession() {
    const info = this.session.info()
    markOnce(performance, CORE_MARKS.firstSession)
    return info
  }

  login(args: { serverUrl: string; username: string; password: string }) {
    return this.session.signIn(args.serverUrl, (api) => api.login({ username: args.username, password: args.password }))
  }

  register(args: { serverUrl: string; username: string; password: string; displayName?: string; invite?: string }) {
    return this.session.signIn(args.serverUrl, (api) =>
      api.register({
        username: args.username,
        password: args.password,
        ...(args.displayName?.trim() ? { displayName: args.displayName.trim() } : {}),
        ...(args.invite?.trim() ? { invite: args.invite.trim() } : {}),
      }),
    )
  }

  logout() {
    return this.session.signOut()
  }

  async getConnection() {
    return this.session.account?.connection ?? { state: 'offline' as const, nextRetryAt: null, lastError: null }
  }

  async retryNow() {
    return this.session.requireAccount().retryNow()
  }

  async listConversations() {
    return this.session.requireAccount().listConversations()
  }

  async listConversationPage(args: { after: ConversationCursor | null; limit: number; include: string[] }) {
    return this.session.requireAccount().listConversationPage(args.after, args.limit, args.include)
  }

  createConversation(args: { memberIds: string[]; title?: string }) {
    return this.session.useAccount((account) => account.createConversation(args.memberIds, args.title))
  }

  // -- groups, people and administration (docs/design.md §4.6): online only ---------

  setMuted(args: { conversationId: string; mutedUntil: number | null }) {
    return this.session.useAccount((account) => account.groups.setMuted(args.conversationId, args.mutedUntil))
  }

  renameConversation(args: { conversationId: string; title: string }) {
    return this.session.useAccount((account) => account.groups.rename(args.conversationId, args.title))
  }

  addMembers(args: { conversationId: string; userIds: string[] }) {
    return this.session.useAccount((account) => account.groups.addMembers(args.conversationId, args.userIds))
  }

  removeMember(args: { conversationId: string; userId: string }) {
    return this.session.useAccount((account) => account.groups.removeMember(args.conversationId, args.userId))
  }

  setMemberRole(args: { conversationId: string; userId: string; role: 'admin' | 'member' }) {
    return this.session.useAccount((account) => account.groups.setRole(args.conversationId, args.userId, args.role))
  }

  async leaveConversation(args: { conversationId: string }) {
    await this.session.useAccount((account) => account.groups.leave(args.conversationId))
    return null
  }

  async blockUser(args: { userId: string }) {
    await this.session.useAccount((account) => account.people.setBlocked(args.userId, true))
    return null
  }

  async unblockUser(args: { userId: string }) {
    await this.session.useAccount((account) => account.people.setBlocked(args.userId, false))
    return null
  }

  listBlocked() {
    return this.session.useAccount((account) => account.people.listBlocked())
  }

  updateProfile(args: { displayName: string }) {
    return this.session.useAccount((account) => account.people.updateProfile(args.displayName))
  }

  async changePassword(args: { current: string; next: string }) {
    await this.session.useAccount((account) => account.people.changePassword(args.current, args.next))
    return null
  }

  listSessions() {
    return this.session.useAccount((account) => account.people.listSessions())
  }

  async revokeSession(args: { sessionId: string }) {
    await this.session.useAccount((account) => account.people.revokeSession(args.sessionId))
    return null
  }

  createInvite(args: { expiresInHours?: number }) {
    return this.session.useAccount((account) => account.people.createInvite(args.expiresInHours))
  }

  async getDraft(args: { conversationId: string }) {
    return this.session.requireAccount().draft(args.conversationId)
  }

  async setDraft(args: { conversationId: string; text: string }) {
    this.session.requireAccount().setDraft(args.conversationId, args.text)
    return null
  }

  async setActiveConversation(args: { conversationId: string | null }) {
    this.activeConversationId = args.conversationId
    // A catch-up fills the conversation on screen first (sync.ts); a restart reopens it.
    this.session.account?.sync.focus(args.conversationId)
    this.session.account?.rememberOpenConversation(args.conversationId)
    return null
  }

  async releaseMessages(args: { conversationIds: string[] }) {
    for (const id of args.conversationIds) this.windowHolds.delete(id)
    return null
  }

  listUsers(args: { query?: string }) {
    return this.session.useAccount((account) => account.listUsers(args.query))
  }

  async getUsers(args: { ids: string[] }) {
    return this.session.requireAccount().usersById(args.ids)
  }

  async loadMessages(args: { conversationId: string; beforeSeq?: number; afterSeq?: number; limit: number }) {
    const { conversationId, ...page } = args
    const account = this.session.requireAccount()
    // Before the page is read: a message stored after that reaches the window as an event.
    this.windowHolds.add(conversationId)
    // Scrolling back past what is cached fetches the older pages first (history.ts).
    if (page.beforeSeq !== undefined) await account.ensureOlder(conversationId, page.beforeSeq, page.limit)
    return account.loadMessages(conversationId, page)
  }

  async sendMessage(args: { conversationId: string; body: string; replyToKey?: string; attachments?: string[] }) {
    return this.session.requireAccount().sendMessage(args.conversationId, args.body, args.replyToKey, args.attachments)
  }

  // -- attachments (docs/design.md §7.7) ------------------------------------------

  async pickAttachments(args: { conversationId: string }) {
    const account = this.session.requireAccount()
    account.requireMember(args.conversationId)
    const paths = await this.options.services.pickFiles()
    // Signed out while the dialog was open: requireAccount says so.
    return paths.length === 0 ? [] : this.session.requireAccount().attachments.staging.stageFiles(args.conversationId, paths)
  }

  async beginAttachment(args: { conversationId: string; name: string; size: number }) {
    const account = this.session.requireAccount()
    account.requireMember(args.conversationId)
    return { stagedId: await account.attachments.staging.begin(args.conversationId, args.name, args.size) }
  }

  async appendAttachment(args: { stagedId: string; bytes: Uint8Array }) {
    await this.session.requireAccount().attachments.staging.append(args.stagedId, args.bytes)
    return null
  }

  async finishAttachment(args: { stagedId: string }) {
    return this.session.requireAccount().attachments.staging.finish(args.stagedId)
  }

  async discardStaged(args: { stagedId: string }) {
    await this.session.requireAccount().attachments.staging.discard(args.stagedId)
    return null
  }

  async cancelSend(args: { conversationId: string; clientId: string }) {
    await this.session.requireAccount().cancelSend(args.conversationId, args.clientId)
    return null
  }

  async downloadAttachment(args: { attachmentId: string }) {
    await this.session.requireAccount().attachments.download(args.attachmentId)
    return null
  }

  async cancelDownload(args: { attachmentId: string }) {
    this.session.requireAccount().attachments.downloads.cancel(args.attachmentId)
    return null
  }

  async openAttachment(args: { attachmentId: string }) {
    await openAttachment(this.session.requireAccount().attachments, this.options.services, args.attachmentId)
    return null
  }

  async saveAttachmentAs(args: { attachmentId: string }) {
    return saveAttachmentAs(this.session.requireAccount().attachments, this.options.services, args.attachmentId)
  }

  async showAttachmentInFolder(args: { attachmentId: string }) {
    await showAttachmentInFolder(this.session.requireAccount().attachments, this.options.services, args.attachmentId)
    return null
  }

  async readMedia(kind: MediaKind, id: string): Promise<MediaFile | null> {
    const account = this.session.account
    if (account === null || account.isDisposed) return null
    try {
      return await account.attachments.readMedia(kind, id)
    } catch (err) {
      this.log.warn({ err: String(err), kind }, 'media request failed')
      return null
    }
  }

  async retryMessage(args: { conversationId: string; clientId: string }) {
    return this.session.requireAccount().retryMessage(args.conversationId, args.clientId)
  }

  async discardMessage(args: { conversationId: string; clientId: string }) {
    await this.session.requireAccount().discardMessage(args.conversationId, args.clientId)
    return null
  }

  async editMessage(args: { conversationId: string; messageKey: string; body: string }) {
    return this.session.requireAccount().editMessage(args.conversationId, args.messageKey, args.body)
  }

  async deleteForEveryone(args: { conversationId: string; messageKey: string }) {
    return this.session.requireAccount().deleteForEveryone(args.conversationId, args.messageKey)
  }

  async setReaction(args: { conversationId: string; messageKey: string; emoji: string; on: boolean }) {
    return this.session.requireAccount().setReaction(args.conversationId, args.messageKey, args.emoji, args.on)
  }

  async markRead(args: { conversationId: string; seq: number }) {
    const account = this.session.requireAccount()
    account.markRead(args.conversationId, args.seq)
    if (account.cache.unreadCount(args.conversationId) === 0) {
      this.notified.delete(args.conversationId)
      this.options.services.closeNotification(args.conversationId)
    }
    return null
  }

  async setTyping(args: { conversationId: string; typing: boolean }) {
    this.session.requireAccount().setTyping(args.conversationId, args.typing)
    return null
  }

  async search(args: { query: string; limit: number }) {
    return this.session.requireAccount().search(args.query, args.limit)
  }

  async searchServer(args: { query: string; limit: number }) {
    return this.session.requireAccount().searchServer(args.query, args.limit)
  }

  async getSettings() {
    return this.settings.current
  }

  async updateSettings(patch: Partial<Settings>) {
    const settings = this.settings.update(patch)
    this.events.emit('settings', settings)
    // A smaller download cache takes effect at once.
    if (patch.downloadCacheMiB !== undefined) await this.session.account?.attachments.downloads.evict()
    // A smaller message cap or budget too, in the background (eviction.ts).
    if (patch.cacheMessageCap !== undefined || patch.historyBudget !== undefined) void this.session.account?.eviction.run()
    return settings
  }

  async getWindowState() {
    return { focused: this.windowFocused }
  }

  async firstScreenPainted() {
    this.firstPaint?.settle()
    return null
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

  // -- the app's updates (docs/design.md §7.9): updates/ --------------------------

  async getUpdateStatus() {
    return this.updates.status
  }

  async checkForUpdates() {
    return this.updates.check('user')
  }

  async installUpdate() {
    this.updates.install()
    return null
  }

  // -- parley:// links (docs/design.md §8.4): links/ -------------------------------

  openDeepLink(url: string): boolean {
    return this.links.open(url)
  }

  async takeDeepLink() {
    return this.links.take()
  }

  // -- spell-check ------------------------------------------------------------------

  /** The dictionaries the shell's checker offers and the OS's languages among them; none where the shell has no checker (the e2e harness). */
  async getSpellcheckLanguages() {
    return this.options.services.spellcheckLanguages?.() ?? { available: [], fromSystem: [] }
  }

  // -- shell signals ---------------------------------------------------------------

  windowFocusChanged(focused: boolean): void {
    if (focused === this.windowFocused) return
    this.windowFocused = focused
    this.events.emit('windowFocus', { focused })
  }

  systemResumed(): void {
    this.session.account?.wake()
  }

  networkChanged(online: boolean): void {
    this.log.info({ online }, 'network changed')
    if (online) this.session.account?.wake()
    else this.session.account?.checkConnection()
  }

  notificationClicked(conversationId: string): void {
    this.events.emit('openConversation', { conversationId })
  }

  async dispose(): Promise<void> {
    if (this.disposed) return
    this.disposed = true
    this.updates.dispose()
    await this.session.dispose()
    this.events.clear()
  }
}

/** An account's window event, sent on as the core's push event of the same name (the same payload: WindowEvents picks IpcEvents). */
function forward<E extends keyof WindowEvents>(from: EventHub<AccountEvents>, to: EventHub<IpcEvents>, event: E): void {
  from.on(event, (payload) => to.emit(event, payload as IpcEvents[E]))
}

/** Settles on `settle()` or after `maxMs`, whichever comes first (its timer keeps no process alive). */
function firstPaintGate(maxMs: number): { settled: Promise<void>; settle: () => void } {
  let settle = () => {}
  const settled = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, maxMs)
    timer.unref()
    settle = () => {
      clearTimeout(timer)
      resolve()
    }
  })
  return { settled, settle }
}
