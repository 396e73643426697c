/**
 * The user's settings: one schema from which the type, the defaults, the
 * validation of settings.json (src/main/core/settings) and of the
 * `updateSettings` IPC call (ipc.ts) all derive.
 */
import { z } from 'zod'

export const settingsSchema = z.object({
  notifications: z.boolean(),
  showMessagePreview: z.boolean(),
  sendReadReceipts: z.boolean(),
  language: z.enum(['system', 'en', 'zh-CN']),
  theme: z.enum(['system', 'light', 'dark']),
  /** The download cache's cap in MiB; the least recently used files go first (docs/design.md §7.7). */
  downloadCacheMiB: z.number().int().min(100).max(1_000_000),
  /**
   * Quiet hours (local time, minutes after midnight): while on, nothing
   * notifies except messages that mention me. `start` > `end` spans midnight.
   */
  quietHours: z.object({
    enabled: z.boolean(),
    start: z.number().int().min(0).max(1_439),
    end: z.number().int().min(0).max(1_439),
  }),
  /** Check for a new version of the app at start and every 4 hours, and download it in the background (docs/design.md §7.9). */
  autoUpdate: z.boolean(),
  /** Where updates come from: null = the server I am signed in to (`/updates/`); else this feed (electron-updater's generic provider). */
  updateUrl: z.url({ protocol: /^https?$/ }).max(500).nullable(),
  /** Start Parley when I sign in to the computer. */
  launchAtLogin: z.boolean(),
  /** Start in the tray, without showing the window. */
  startMinimized: z.boolean(),
  /** Closing the window keeps Parley running in the tray (the menu bar on macOS), with the unread count in its tooltip. */
  closeToTray: z.boolean(),
  /** Spell-check in the composer (Electron's checker; Chinese has no dictionary). */
  spellcheck: z.boolean(),
  /** Dictionaries by Chromium's language codes (`en-US`, `de`); empty: the OS's languages. */
  spellcheckLanguages: z
    .array(z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a language code such as en-US'))
    .max(10),
})

export type Settings = z.output<typeof settingsSchema>
export type Language = Settings['language']
export type Theme = Settings['theme']

export const defaultSettings: Settings = {
  notifications: true,
  showMessagePreview: true,
  sendReadReceipts: true,
  language: 'system',
  theme: 'system',
  downloadCacheMiB: 1024,
  quietHours: { enabled: false, start: 22 * 60, end: 7 * 60 },
  autoUpdate: true,
  updateUrl: null,
  launchAtLogin: false,
  startMinimized: false,
  closeToTray: true,
  spellcheck: true,
  spellcheckLanguages: [],
}

/** Whether `minuteOfDay` (0–1439, local) falls in the quiet hours; an empty span (start = end) is never quiet. */
export function inQuietHours(quiet: Settings['quietHours'], minuteOfDay: number): boolean {
  if (!quiet.enabled || quiet.start === quiet.end) return false
  return quiet.start < quiet.end
    ? minuteOfDay >= quiet.start && minuteOfDay < quiet.end
    : minuteOfDay >= quiet.start || minuteOfDay < quiet.end
}

/**
 * Some of the settings, each valid: what `updateSettings` takes, and how
 * settings.json is read (over the defaults, so a file from a build with
 * fewer settings still counts).
 */
export const settingsPatchSchema = settingsSchema.partial()
export type SettingsPatch = z.output<typeof settingsPatchSchema>
