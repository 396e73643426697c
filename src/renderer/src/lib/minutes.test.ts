import { describe, expect, it } from 'vitest'
import { minutesToTime, timeToMinutes } from './minutes'

describe('quiet-hours times', () => {
  it('round-trips minutes after midnight and HH:MM', () => {
    expect(minutesToTime(0)).toBe('00:00')
    expect(minutesToTime(22 * 60)).toBe('22:00')
    expect(minutesToTime(7 * 60 + 5)).toBe('07:05')
    expect(timeToMinutes('07:05')).toBe(425)
    expect(timeToMinutes('23:59:00')).toBe(1_439)
    expect(timeToMinutes('')).toBeNull()
    expect(timeToMinutes('24:00')).toBeNull()
  })
})
