/**
 * File sizes as people read them, in the UI's locale (Intl): bytes below
 * 1 KB, then kB / MB / GB with one decimal below 10 and none above (binary
 * steps of 1,024, as file managers on Windows and Linux count).
 */
const UNITS = ['kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const

const formats = new Map<string, Intl.NumberFormat>()

function formatter(locale: string, unit: string, unitDisplay: 'long' | 'short', digits: number): Intl.NumberFormat {
  const key = `${locale}|${unit}|${unitDisplay}|${digits}`
  let format = formats.get(key)
  if (format === undefined) {
    format = new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay, maximumFractionDigits: digits })
    formats.set(key, format)
  }
  return format
}

export function formatFileSize(bytes: number, locale: string): string {
  if (!Number.isFinite(bytes) || bytes < 1024) return formatter(locale, 'byte', 'long', 0).format(Math.max(0, Math.round(bytes || 0)))
  let value = bytes / 1024
  let step = 0
  while (value >= 1024 && step < UNITS.length - 1) {
    value /= 1024
    step++
  }
  // 1023.96 kB would round to "1,024 kB": show the next unit instead.
  if (value >= 1023.95 && step < UNITS.length - 1) {
    value /= 1024
    step++
  }
  const digits = value < 10 ? 1 : 0
  return formatter(locale, UNITS[step] as string, 'short', digits).format(value)
}

/** "3.2 MB of 20 MB": what a progress bar says. */
export function formatProgress(loaded: number, total: number, locale: string): { loaded: string; total: string; percent: number } {
  const percent = total > 0 ? Math.min(100, Math.max(0, Math.floor((loaded / total) * 100))) : 0
  return { loaded: formatFileSize(loaded, locale), total: formatFileSize(total, locale), percent }
}
