/**
 * Muting a conversation for a while (docs/design.md §4.6): the choices of the
 * mute menu, the `mutedUntil` each one sends (from the clock now), and whether
 * a `mutedUntil` still mutes at a given time — the renderer re-checks it when
 * the mute runs out, since the core's `muted` was true when the view was made.
 */
import { MUTE_FOREVER } from '../../../shared/ipc'

export const MUTE_CHOICES = ['hour', 'eightHours', 'week', 'forever'] as const
export type MuteChoice = (typeof MUTE_CHOICES)[number]

const HOUR_MS = 60 * 60_000
const DURATIONS: Record<Exclude<MuteChoice, 'forever'>, number> = { hour: HOUR_MS, eightHours: 8 * HOUR_MS, week: 7 * 24 * HOUR_MS }

/** The `mutedUntil` of a choice made at `now`. */
export function mutedUntilFor(choice: MuteChoice, now: number): number {
  return choice === 'forever' ? MUTE_FOREVER : now + DURATIONS[choice]
}

export function isMuted(mutedUntil: number | null, now: number): boolean {
  return mutedUntil !== null && mutedUntil > now
}

/** Until turned back on (as opposed to until a time that can be shown). */
export function isMutedForever(mutedUntil: number | null): boolean {
  return mutedUntil !== null && mutedUntil >= MUTE_FOREVER
}

/** setTimeout's largest delay; a longer mute is re-checked after this long. */
export const TIMER_MAX_MS = 2_147_483_647

/** Milliseconds until the mute runs out (capped for setTimeout), or null when there is nothing to wait for. */
export function msUntilUnmuted(mutedUntil: number | null, now: number): number | null {
  if (!isMuted(mutedUntil, now) || isMutedForever(mutedUntil)) return null
  return Math.min(TIMER_MAX_MS, (mutedUntil as number) - now)
}
