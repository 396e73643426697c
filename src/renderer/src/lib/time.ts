/**
 * Dates and times in the active locale, all through Intl: message times, day
 * separators, sidebar times and the relative "last seen" phrase. Pure — the
 * current time and the locale are arguments.
 */
const DAY_MS = 24 * 60 * 60_000

const cache = new Map<string, Intl.DateTimeFormat | Intl.RelativeTimeFormat>()

function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `d|${locale}|${JSON.stringify(options)}`
  let format = cache.get(key)
  if (format === undefined) cache.set(key, (format = new Intl.DateTimeFormat(locale, options)))
  return format as Intl.DateTimeFormat
}

function relativeFormat(locale: string): Intl.RelativeTimeFormat {
  const key = `r|${locale}`
  let format = cache.get(key)
  if (format === undefined) cache.set(key, (format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' })))
  return format as Intl.RelativeTimeFormat
}

/** Whole local calendar days from `at` to `now` (0 = same day, 1 = yesterday). */
export function calendarDaysBetween(at: number, now: number): number {
  const a = new Date(at)
  const b = new Date(now)
  const startA = new Date(a.getFullYear(), a.getMonth(), a.getDate()).getTime()
  const startB = new Date(b.getFullYear(), b.getMonth(), b.getDate()).getTime()
  return Math.round((startB - startA) / DAY_MS)
}

function capitalize(text: string, locale: string): string {
  return text.charAt(0).toLocaleUpperCase(locale) + text.slice(1)
}

/** "14:05" / "2:05 PM" / "下午2:05". */
export function formatTime(at: number, locale: string): string {
  return dateFormat(locale, { hour: 'numeric', minute: '2-digit' }).format(at)
}

/** Full date and time, for tooltips. */
export function formatDateTime(at: number, locale: string): string {
  return dateFormat(locale, { dateStyle: 'full', timeStyle: 'short' }).format(at)
}

/** Day separator: "Today", "Yesterday", a weekday this week, else the date (with the year when not this year). */
export function formatDay(at: number, now: number, locale: string): string {
  const days = calendarDaysBetween(at, now)
  if (days === 0 || days === 1) return capitalize(relativeFormat(locale).format(-days, 'day'), locale)
  if (days > 1 && days < 7) return dateFormat(locale, { weekday: 'long' }).format(at)
  const sameYear = new Date(at).getFullYear() === new Date(now).getFullYear()
  return dateFormat(locale, sameYear ? { month: 'long', day: 'numeric' } : { year: 'numeric', month: 'long', day: 'numeric' }).format(at)
}

/** Sidebar: the time today, "Yesterday", a short weekday this week, else a short date. */
export function formatListTime(at: number, now: number, locale: string): string {
  const days = calendarDaysBetween(at, now)
  if (days <= 0) return formatTime(at, locale)
  if (days === 1) return capitalize(relativeFormat(locale).format(-1, 'day'), locale)
  if (days < 7) return dateFormat(locale, { weekday: 'short' }).format(at)
  const sameYear = new Date(at).getFullYear() === new Date(now).getFullYear()
  return dateFormat(locale, sameYear ? { month: 'short', day: 'numeric' } : { year: 'numeric', month: 'short', day: 'numeric' }).format(at)
}

/**
 * How long ago, for "last seen …": "5 minutes ago", "3 hours ago",
 * "yesterday", "3 days ago"; older than a week, the date. Under a minute is
 * the caller's "just now".
 */
export function formatRelative(at: number, now: number, locale: string): string {
  const seconds = Math.max(0, Math.round((now - at) / 1000))
  const rtf = relativeFormat(locale)
  if (seconds < 60) return rtf.format(-seconds, 'second')
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return rtf.format(-minutes, 'minute')
  const hours = Math.floor(minutes / 60)
  if (hours < 24 && calendarDaysBetween(at, now) === 0) return rtf.format(-hours, 'hour')
  const days = Math.max(1, calendarDaysBetween(at, now))
  if (days < 7) return rtf.format(-days, 'day')
  return formatDay(at, now, locale)
}
