/**
 * The app's own updates (docs/design.md §7.9): a state machine over the
 * shell's updater (electron-updater's generic provider, `UpdaterPort`) and
 * the settings `autoUpdate` and `updateUrl`.
 *
 *   unsupported                      (no updater, or the port says why: a development run, a deb…)
 *   idle ─check→ checking ─→ up-to-date
 *                        └─→ downloading (progress) ─→ ready ("Restart to update")
 *        any of them ─failure→ error (in words; the next check tries again)
 *
 * Checks: shortly after start and then every 4 hours while `autoUpdate` is
 * on, and whenever the user asks (menu, Settings) whatever the setting. One
 * check at a time: asking during a check or a download changes nothing.
 * Found updates download in the background (the port's autoDownload). The
 * update is installed only by `install()` — the user's "Restart to update" —
 * never by a timer: a restart in the middle of a conversation loses what the
 * user was typing and the conversation's place.
 */
import { ParleyError, type UpdateStatus } from '../../../shared/ipc'
import type { Settings } from '../../../shared/settings'
import type { UpdaterEvent, UpdaterPort } from '../shell-port'
import { describeUpdateError } from './update-error'
import { NO_FEED_MESSAGE, updateFeedUrl } from './update-feed'

/** Time for the schedule and the progress throttle; tests pass a fake clock. */
export interface UpdateTimers {
  now(): number
  /** Runs `fn` once after `ms`; returns the canceller. */
  after(ms: number, fn: () => void): () => void
}

export const realTimers: UpdateTimers = {
  now: () => Date.now(),
  after(ms, fn) {
    const timer = setTimeout(fn, ms)
    timer.unref()
    return () => clearTimeout(timer)
  },
}

export interface UpdateTiming {
  /** The first automatic check, after start (or after automatic checks are turned on): the app settles and syncs first. */
  firstCheckDelayMs: number
  /** Between automatic checks. */
  checkIntervalMs: number
  /** Download progress reaches the window at most this often (the last value always). */
  progressIntervalMs: number
}

export const defaultUpdateTiming: UpdateTiming = {
  firstCheckDelayMs: 30_000,
  checkIntervalMs: 4 * 60 * 60 * 1000,
  progressIntervalMs: 500,
}

/** The part of a logger this module uses (the core's pino child). */
export interface UpdatesLog {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
}

export interface UpdatesOptions {
  /** The shell's updater; null where there is none (tests and the e2e harness). */
  updater: UpdaterPort | null
  currentVersion: string
  settings(): Pick<Settings, 'autoUpdate' | 'updateUrl'>
  /** The server the user is signed in to, or null when signed out. */
  signedInServerUrl(): string | null
  /** Every change of the status (the core's `update` event). */
  emit(status: UpdateStatus): void
  log: UpdatesLog
  timers?: UpdateTimers
  timing?: Partial<UpdateTiming>
}

/** What the status says where there is no updater at all. */
export const NO_UPDATER_REASON = 'This build of Parley has no updater.'

type Progress = NonNullable<UpdateStatus['progress']>

export class Updates {
  private current: UpdateStatus
  private readonly timers: UpdateTimers
  private readonly timing: UpdateTiming
  private readonly updater: UpdaterPort | null
  private readonly unsubscribe: () => void
  /** The next automatic check, while one is scheduled. */
  private cancelScheduled: (() => void) | null = null
  /** A check is on its way (the port's `check()` has not settled). */
  private checking = false
  private feedUrl: string | null = null
  private lastProgressAt = Number.NEGATIVE_INFINITY
  private pendingProgress: Progress | null = null
  private cancelProgress: (() => void) | null = null
  /** What automatic checks last depended on: a change of them brings the next check forward. */
  private lastSeen: { autoUpdate: boolean; updateUrl: string | null; server: string | null }
  private disposed = false

  constructor(private readonly options: UpdatesOptions) {
    this.timers = options.timers ?? realTimers
    this.timing = { ...defaultUpdateTiming, ...options.timing }
    const reason = options.updater === null ? NO_UPDATER_REASON : options.updater.unsupportedReason
    this.updater = reason === null ? options.updater : null
    this.current = {
      state: reason === null ? 'idle' : 'unsupported',
      currentVersion: options.currentVersion,
      version: null,
      progress: null,
      error: reason,
      lastCheckedAt: null,
    }
    this.unsubscribe = this.updater?.on((event) => this.onUpdaterEvent(event)) ?? (() => undefined)
    const settings = options.settings()
    this.lastSeen = { autoUpdate: settings.autoUpdate, updateUrl: settings.updateUrl, server: options.signedInServerUrl() }
    if (this.updater !== null && settings.autoUpdate) this.scheduleCheck(this.timing.firstCheckDelayMs)
  }

  get status(): UpdateStatus {
    return this.current
  }

  /**
   * Check now. `user`: the menu's or Settings' "Check for updates", whatever
   * `autoUpdate` says, and a missing feed is said in the status; `schedule`:
   * an automatic check, which passes quietly when there is nowhere to look.
   * Returns the status as the check starts; what it finds arrives as events.
   */
  check(origin: 'user' | 'schedule'): UpdateStatus {
    const updater = this.updater
    if (updater === null || this.disposed) return this.current
    // One at a time; a downloaded update waits for its restart, not for another download.
    if (this.checking || this.current.state === 'downloading' || this.current.state === 'ready') return this.current
    const settings = this.options.settings()
    const feedUrl = updateFeedUrl(settings.updateUrl, this.options.signedInServerUrl())
    if (feedUrl === null) {
      if (origin === 'user') this.set({ state: 'error', version: null, progress: null, error: NO_FEED_MESSAGE })
      else this.options.log.info({}, 'no update feed (signed out, no update address): automatic check skipped')
      return this.current
    }
    if (feedUrl !== this.feedUrl) {
      try {
        updater.setFeedUrl(feedUrl)
      } catch (err) {
        this.fail(err instanceof Error ? err.message : String(err))
        return this.current
      }
      this.feedUrl = feedUrl
    }
    this.checking = true
    this.options.log.info({ origin, feed: new URL(feedUrl).host }, 'checking for updates')
    this.set({ state: 'checking', version: null, progress: null, error: null, lastCheckedAt: this.timers.now() })
    const started = this.current
    updater.check().then(
      () => {
        this.checking = false
        // The port reports what it found before its check settles; silence means it did nothing.
        if (this.current.state === 'checking') this.set({ state: 'idle' })
      },
      (err: unknown) => {
        this.checking = false
        this.fail(err instanceof Error ? err.message : String(err))
      },
    )
    return started
  }

  /** "Restart to update": quit and install what was downloaded. Only ever called on the user's word. */
  install(): void {
    if (this.updater === null || this.current.state !== 'ready') {
      throw new ParleyError('conflict', 'No update is ready to install.')
    }
    this.options.log.info({ version: this.current.version }, 'installing the update at the user’s request')
    this.updater.quitAndInstall()
  }

  /**
   * The settings or the session changed: automatic checks follow `autoUpdate`
   * (off: none scheduled; on again: one shortly); a new feed — another update
   * address, or signing in to a server — is looked at shortly.
   */
  inputsChanged(): void {
    if (this.updater === null || this.disposed) return
    const settings = this.options.settings()
    const seen = { autoUpdate: settings.autoUpdate, updateUrl: settings.updateUrl, server: this.options.signedInServerUrl() }
    const before = this.lastSeen
    this.lastSeen = seen
    if (!seen.autoUpdate) {
      this.cancelSchedule()
      return
    }
    const turnedOn = !before.autoUpdate
    const newFeed = seen.updateUrl !== before.updateUrl || (seen.updateUrl === null && seen.server !== null && seen.server !== before.server)
    if (turnedOn || newFeed || this.cancelScheduled === null) this.scheduleCheck(this.timing.firstCheckDelayMs)
  }

  dispose(): void {
    this.disposed = true
    this.cancelSchedule()
    this.cancelProgress?.()
    this.cancelProgress = null
    this.unsubscribe()
  }

  private scheduleCheck(delayMs: number): void {
    this.cancelSchedule()
    this.cancelScheduled = this.timers.after(delayMs, () => {
      this.cancelScheduled = null
      if (this.disposed || !this.options.settings().autoUpdate) return
      this.check('schedule')
      this.scheduleCheck(this.timing.checkIntervalMs)
    })
  }

  private cancelSchedule(): void {
    this.cancelScheduled?.()
    this.cancelScheduled = null
  }

  private onUpdaterEvent(event: UpdaterEvent): void {
    if (this.disposed) return
    switch (event.type) {
      case 'checking':
        if (this.current.state !== 'checking') this.set({ state: 'checking', version: null, progress: null, error: null, lastCheckedAt: this.timers.now() })
        return
      case 'available':
        this.options.log.info({ version: event.version }, 'update available: downloading')
        this.lastProgressAt = Number.NEGATIVE_INFINITY
        this.set({ state: 'downloading', version: event.version, progress: { percent: 0, transferred: 0, total: 0, bytesPerSecond: 0 }, error: null })
        return
      case 'progress':
        this.progress({ percent: event.percent, transferred: event.transferred, total: event.total, bytesPerSecond: event.bytesPerSecond })
        return
      case 'not-available':
        this.stopProgress()
        this.set({ state: 'up-to-date', version: null, progress: null, error: null })
        return
      case 'downloaded':
        this.stopProgress()
        this.options.log.info({ version: event.version }, 'update downloaded: ready to install on restart')
        this.set({ state: 'ready', version: event.version, progress: null, error: null })
        return
      case 'error':
        this.fail(event.message)
        return
    }
  }

  private progress(progress: Progress): void {
    if (this.current.state !== 'downloading') return
    const now = this.timers.now()
    const wait = this.lastProgressAt + this.timing.progressIntervalMs - now
    if (wait <= 0) {
      this.lastProgressAt = now
      this.set({ progress })
      return
    }
    this.pendingProgress = progress
    this.cancelProgress ??= this.timers.after(wait, () => {
      this.cancelProgress = null
      const pending = this.pendingProgress
      this.pendingProgress = null
      if (pending === null || this.current.state !== 'downloading') return
      this.lastProgressAt = this.timers.now()
      this.set({ progress: pending })
    })
  }

  private stopProgress(): void {
    this.cancelProgress?.()
    this.cancelProgress = null
    this.pendingProgress = null
  }

  private fail(message: string): void {
    this.stopProgress()
    this.options.log.warn({ err: message.split('\n', 1)[0] }, 'update check or download failed')
    // A later failure (another check's) does not take back an update that is downloaded and waiting.
    if (this.current.state === 'ready') return
    this.set({ state: 'error', version: null, progress: null, error: describeUpdateError(message, this.feedUrl) })
  }

  private set(patch: Partial<UpdateStatus>): void {
    const next = { ...this.current, ...patch }
    if (sameStatus(next, this.current)) return
    this.current = next
    this.options.emit(next)
  }
}

function sameStatus(a: UpdateStatus, b: UpdateStatus): boolean {
  return (
    a.state === b.state &&
    a.version === b.version &&
    a.error === b.error &&
    a.lastCheckedAt === b.lastCheckedAt &&
    a.currentVersion === b.currentVersion &&
    JSON.stringify(a.progress) === JSON.stringify(b.progress)
  )
}
