/**
 * What the core needs from, and offers to, the Electron shell — the only
 * seam between plain-Node code and `electron`. The shell implements
 * `ShellServices` (safeStorage, notifications, badge) and feeds `ShellSignals`
 * (focus, power, network) into the core; tests and the e2e harness provide
 * their own implementations.
 */

import type { SpellcheckLanguages } from '../../shared/ipc'

/** Keeps the session token; the shell seals it with the OS keyring (safeStorage) where there is one. */
export interface TokenVault {
  /** The stored token, or null; rejects with `TokenVaultLocked` while the keyring that sealed it is locked. */
  load(account: string): Promise<string | null>
  save(account: string, token: string): Promise<void>
  clear(account: string): Promise<void>
}

/** The token is there but sealed by a keyring that is locked right now (at login, before the user unlocks it): try again later. */
export class TokenVaultLocked extends Error {
  constructor(message = 'The OS keyring is locked') {
    super(message)
    this.name = 'TokenVaultLocked'
  }
}

export interface NotificationRequest {
  /** One notification per conversation: a new one replaces the previous. */
  conversationId: string
  title: string
  body: string
}

/** Side effects the core asks of the shell. */
export interface ShellServices {
  tokenVault: TokenVault
  showNotification(notification: NotificationRequest): void
  closeNotification(conversationId: string): void
  /** Total unread count for the dock badge and the tray. */
  setBadgeCount(count: number): void
  /** Opens an http(s) URL in the user's browser. */
  openExternal(url: string): void
  /** The native open dialog (several files); the chosen paths, [] when cancelled. */
  pickFiles(): Promise<string[]>
  /** The native save dialog, suggesting `suggestedName`; the chosen path, or null when cancelled. */
  chooseSavePath(suggestedName: string): Promise<string | null>
  /**
   * Opens a file with the OS's app for it. `executable` (attachment-name.ts):
   * the shell asks the user first and resolves false when they decline.
   */
  openPath(path: string, options: { executable: boolean }): Promise<boolean>
  /** Shows the file selected in the OS's file manager. */
  showInFolder(path: string): void
  /** The app's updater (electron-updater in the shell); absent where there is none (tests that do not need one). */
  updater?: UpdaterPort
  /** The spell-check dictionaries Chromium offers, and the OS's languages among them. */
  spellcheckLanguages?(): SpellcheckLanguages
}

/**
 * What the shell's updater (electron-updater's generic provider) offers the
 * core's update state machine (docs/design.md §7.9). The shell translates
 * electron-updater's events into `UpdaterEvent`s; the core decides when to
 * check, what to show, and never installs without the user's word.
 */
export interface UpdaterPort {
  /** Why updates cannot work in this build (a development run, a deb, an unsigned macOS app), or null. */
  readonly unsupportedReason: string | null
  /** The generic provider's feed: where `latest*.yml` and the files are (`<server>/updates/`). */
  setFeedUrl(url: string): void
  /** Check, and download in the background when there is something newer; the outcome comes as events. */
  check(): Promise<void>
  /** Quit and install what was downloaded. */
  quitAndInstall(): void
  /** Subscribe to the updater's events; returns the unsubscriber. */
  on(listener: (event: UpdaterEvent) => void): () => void
}

export type UpdaterEvent =
  | { type: 'checking' }
  | { type: 'available'; version: string }
  | { type: 'not-available' }
  | { type: 'progress'; percent: number; transferred: number; total: number; bytesPerSecond: number }
  | { type: 'downloaded'; version: string }
  | { type: 'error'; message: string }

/** Events from the shell that the core reacts to. */
export interface ShellSignals {
  windowFocusChanged(focused: boolean): void
  /** The machine woke from sleep or the screen was unlocked: never trust a socket that slept. */
  systemResumed(): void
  networkChanged(online: boolean): void
  notificationClicked(conversationId: string): void
}
