/** Until when a conversation is muted, in words for the muted icon's tooltip: "Muted until 15:30", "Muted until Tue 18 Jun, 09:00". */
import type { TFunction } from 'i18next'
import { isMuted, isMutedForever } from '../lib/mute'
import { calendarDaysBetween } from '../lib/time'

export function muteStatusText(t: TFunction, mutedUntil: number | null, now: number, locale: string): string | null {
  if (!isMuted(mutedUntil, now)) return null
  if (isMutedForever(mutedUntil)) return t('mute.untilTurnedOn')
  const at = mutedUntil as number
  const sameDay = calendarDaysBetween(at, now) === 0
  const time = new Intl.DateTimeFormat(
    locale,
    sameDay ? { hour: 'numeric', minute: '2-digit' } : { weekday: 'short', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' },
  ).format(at)
  return t('mute.until', { time })
}
