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
