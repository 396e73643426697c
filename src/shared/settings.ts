/**
 * The user's settings: the type (derived from the one schema, settings-schema.ts,
 * which validates settings.json in src/main/core/settings and the
 * `updateSettings` IPC call in ipc-schema.ts), the defaults, and plain helpers.
 * No zod at run time: the renderer imports this module.
 */
import type { z } from 'zod'
import type { settingsSchema } from './settings-schema'

export type Settings = z.output<typeof settingsSchema>
export type Language = Settings['language']
export type Theme = Settings['theme']
export type HistoryBudget = Settings['historyBudget']

/** How many spell-check dictionaries may be chosen at once (`spellcheckLanguages`). */
export const MAX_SPELLCHECK_LANGUAGES = 10

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
  historyBudget: { kind: 'days', days: 90 },
  cacheMessageCap: 500_000,
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
