/**
 * The user's settings as a zod schema: the validation of settings.json
 * (src/main/core/settings) and of the `updateSettings` IPC call
 * (ipc-schema.ts). Main only; the type and the defaults are in settings.ts.
 */
import { z } from 'zod'
import { MAX_SPELLCHECK_LANGUAGES } from './settings'

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
  /**
   * How much older history the app fetches in the background and keeps for
   * reading offline (docs/design.md §7.1): all of it, the last `days`, or the
   * latest `count` messages of each conversation. Scrolling back fetches
   * beyond it on demand.
   */
  historyBudget: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('all') }),
    z.object({ kind: z.literal('days'), days: z.number().int().min(1).max(36_500) }),
    z.object({ kind: z.literal('messages'), count: z.number().int().min(50).max(10_000_000) }),
  ]),
  /**
   * The most sent messages the cache keeps (docs/design.md §7.1): past it,
   * history older than `historyBudget` is let go again, oldest first; history
   * inside the budget always stays. null: no cap.
   */
  cacheMessageCap: z.number().int().min(1_000).max(100_000_000).nullable(),
  /** Spell-check in the composer (Electron's checker; Chinese has no dictionary). */
  spellcheck: z.boolean(),
  /** Dictionaries by Chromium's language codes (`en-US`, `de`); empty: the OS's languages. */
  spellcheckLanguages: z
    .array(z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a language code such as en-US'))
    .max(MAX_SPELLCHECK_LANGUAGES),
})

/**
 * Some of the settings, each valid: what `updateSettings` takes, and how
 * settings.json is read (over the defaults, so a file from a build with
 * fewer settings still counts).
 */
export const settingsPatchSchema = settingsSchema.partial()
export type SettingsPatch = z.output<typeof settingsPatchSchema>
