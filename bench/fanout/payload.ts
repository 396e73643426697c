/**
 * The fan-out event: its `data` is JSON carrying the send time `t` (ms on the
 * wall clock every process shares) and the phase it was sent in, padded to a
 * fixed size so Parley and the bare-ws baseline carry the same bytes.
 */
import { sharedClockMs } from '../../test/kit/worker'

export const EVENT_NAME = 'bench'
export const FANOUT_CHANNEL = 'bench-fanout'

/** `w`: warm-up, not counted; `m`: the saturated window (throughput, CPU); `p`: the paced window (latency). */
export type Phase = 'w' | 'm' | 'p'

interface Payload {
  t: number
  p: Phase
  pad: string
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
