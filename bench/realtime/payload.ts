/**
 * The benchmark event: its `data` is JSON carrying the send time `t` (ms on a
 * wall clock every process shares) and the phase, padded to a fixed size so
 * Parley and the baseline carry the same bytes.
 */

export const EVENT_NAME = 'bench'
export const FANOUT_CHANNEL = 'bench-fanout'

/** `w`: warm-up, not counted; `m`: inside the measured window. */
export type Phase = 'w' | 'm'

interface Payload {
  t: number
  p: Phase
  pad: string
}

/**
 * Wall-clock milliseconds with sub-millisecond resolution. performance.timeOrigin
 * is taken from the system clock when each process starts, so values from the
 * publisher and subscriber processes are comparable (unlike hrtime).
 */
export function sharedClockMs(): number {
  return performance.timeOrigin + performance.now()
}

/** Event data of `length` characters, give or take a digit of `t` (never less than the unpadded JSON). */
export function encodePayload(phase: Phase, length: number): string {
  const bare: Payload = { t: sharedClockMs(), p: phase, pad: '' }
  const padding = Math.max(0, length - JSON.stringify(bare).length)
  return JSON.stringify({ ...bare, pad: 'x'.repeat(padding) })
}

export function decodePayload(data: string): { sentAt: number; phase: Phase } {
  const payload = JSON.parse(data) as Payload
  return { sentAt: payload.t, phase: payload.p }
}
