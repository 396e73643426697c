/**
 * The core as its hosts see it — the Electron shell and the e2e harness:
 * one async method per IPC call (arguments already validated), the push-event
 * stream, and the shell's signals.
 */
import type { AppInfo, IpcCallName, MediaKind, IpcEventName, IpcEvents, IpcParsedArgs, IpcResults } from '../../shared/ipc'
import type { ShellServices, ShellSignals } from './shell-port'
import type { UpdateTimers } from './updates/updates'

export type CoreCalls = {
  [K in IpcCallName]: (args: IpcParsedArgs<K>) => Promise<IpcResults[K]>
}

export interface ParleyCore extends CoreCalls, ShellSignals {
  /** Subscribe to push events; returns the unsubscriber. */
  on<E extends IpcEventName>(event: E, listener: (payload: IpcEvents[E]) => void): () => void
  /**
   * The same, as the window gets them (the shell and the e2e harness forward these): `messages` only
   * for the conversations whose messages it holds — it loaded some (`loadMessages`) and has not let
   * them go (`releaseMessages`).
   */
  onWindow<E extends IpcEventName>(event: E, listener: (payload: IpcEvents[E]) => void): () => void
  /** Stop everything (sockets, timers, database); the core cannot be used afterwards. */
  dispose(): Promise<void>
  /**
   * The bytes behind a renderer `/media/…` path (ipc.ts parseMediaPath), for
   * the host to serve same-origin (docs/design.md §7.7): a cached thumbnail
   * (fetched first when online and not cached yet), a downloaded file, a
   * staged file. Null when there is nothing to serve (unknown, not
   * downloaded, offline, not this account's): the host answers 404.
   */
  readMedia(kind: MediaKind, id: string): Promise<MediaFile | null>
  /**
   * A parley:// link the OS handed the app (argv at start, second-instance,
   * open-url): validated (src/shared/deep-link.ts), then pushed to the
   * renderer as `deepLink` — or kept for `takeDeepLink` while no window
   * listens. False (and a log line) for anything that is not a Parley link.
   */
  openDeepLink(url: string): boolean
}

/** A file on disk to serve to the renderer. `mime` is safe to send: inline image types only, else application/octet-stream. */
export interface MediaFile {
  path: string
  mime: string
  size: number
}

export interface CoreOptions {
  /** Per-profile data directory (Electron's userData): one database per account lives under it. */
  userDataDir: string
  /** Prefilled on the sign-in screen: the local dev server. */
  defaultServerUrl: string
  appInfo: AppInfo
  services: ShellServices
  /** Heartbeat and backoff overrides (tests use short ones). */
  timing?: Partial<CoreTiming>
  now?: () => number
  random?: () => number
  /** The update schedule's clock (updates/updates.ts); tests pass a fake one. */
  updateTimers?: UpdateTimers
  /**
   * A window opens at start and will say when its first screen is painted
   * (`firstScreenPainted`): until then — at most `timing.firstPaintWaitMs` —
   * a saved sign-in's realtime link and first sync wait, so the cache is on
   * screen before the network work starts (design §7.4). The shell and the
   * e2e harness turn it on; hosts without a window leave it off, and a
   * window that starts hidden releases it at once.
   */
  awaitFirstPaint?: boolean
}

export interface CoreTiming {
  /** pusher-js pongTimeout: how long to wait for any frame after a ping. */
  pongTimeoutMs: number
  /** After resume/unlock/network change: how long a ping may go unanswered before reconnecting. */
  wakeCheckMs: number
  /** A connection attempt (config fetch, socket, inbox subscription) that takes longer has failed. */
  connectTimeoutMs: number
  /** Reconnect backoff: first delay, factor 2, cap; full jitter. */
  backoffBaseMs: number
  backoffCapMs: number
  /** Outbox retry backoff for network errors and 5xx/408/429. */
  outboxBaseMs: number
  outboxCapMs: number
  /** A conversation's delivered marker is posted at most once per this long (the first at once): a catch-up's pages share a few posts. */
  deliveredDelayMs: number
  /** Typing: send at most every…, stop after idle…, expire incoming after… */
  typingThrottleMs: number
  typingIdleMs: number
  typingExpiryMs: number
  /** A saved sign-in sealed by a locked keyring is tried again after base·2ⁿ, at most cap. */
  keyringRetryBaseMs: number
  keyringRetryCapMs: number
  /** Sizes, not times (tests shrink them): messages in the latest page of a conversation first met, and in each older page (history.ts). */
  latestPageSize: number
  olderPageSize: number
  /** With `awaitFirstPaint`: the longest a saved sign-in's first connection waits for the window's first paint. */
  firstPaintWaitMs: number
}

export const defaultTiming: CoreTiming = {
  pongTimeoutMs: 10_000,
  wakeCheckMs: 3_000,
  connectTimeoutMs: 10_000,
  backoffBaseMs: 500,
  backoffCapMs: 30_000,
  outboxBaseMs: 500,
  outboxCapMs: 30_000,
  deliveredDelayMs: 200,
  typingThrottleMs: 3_000,
  typingIdleMs: 3_000,
  typingExpiryMs: 6_000,
  keyringRetryBaseMs: 1_000,
  keyringRetryCapMs: 30_000,
  latestPageSize: 50,
  olderPageSize: 200,
  firstPaintWaitMs: 2_500,
}

export type { AppInfo }
