import { describe, expect, it } from 'vitest'
import { MUTE_FOREVER } from '../../../shared/ipc'
import { isMuted, isMutedForever, msUntilUnmuted, mutedUntilFor, TIMER_MAX_MS } from './mute'

const now = Date.UTC(2025, 5, 18, 12, 0)

describe('mute', () => {
  it('computes mutedUntil from the clock when chosen', () => {
    expect(mutedUntilFor('hour', now)).toBe(now + 3_600_000)
    expect(mutedUntilFor('eightHours', now)).toBe(now + 8 * 3_600_000)
    expect(mutedUntilFor('week', now)).toBe(now + 7 * 24 * 3_600_000)
    expect(mutedUntilFor('forever', now)).toBe(MUTE_FOREVER)
  })

  it('mutes until the time, not at it', () => {
    expect(isMuted(null, now)).toBe(false)
    expect(isMuted(now + 1, now)).toBe(true)
    expect(isMuted(now, now)).toBe(false)
    expect(isMuted(MUTE_FOREVER, now)).toBe(true)
    expect(isMutedForever(MUTE_FOREVER)).toBe(true)
    expect(isMutedForever(now + 1)).toBe(false)
  })

  it('says how long to wait for the mute to run out', () => {
    expect(msUntilUnmuted(now + 5_000, now)).toBe(5_000)
    expect(msUntilUnmuted(null, now)).toBeNull()
    expect(msUntilUnmuted(now - 1, now)).toBeNull()
    expect(msUntilUnmuted(MUTE_FOREVER, now)).toBeNull()
    expect(msUntilUnmuted(now + 60 * 24 * 3_600_000, now)).toBe(TIMER_MAX_MS)
  })
})
