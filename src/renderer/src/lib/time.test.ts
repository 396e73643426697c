import { describe, expect, it } from 'vitest'
import { calendarDaysBetween, formatDay, formatListTime, formatRelative, formatTime } from './time'

const now = new Date(2025, 5, 18, 15, 30).getTime() // Wednesday 18 June 2025, 15:30 local
const minutes = (n: number) => now - n * 60_000
const hours = (n: number) => now - n * 3_600_000
const daysBack = (n: number, hour = 12) => new Date(2025, 5, 18 - n, hour, 0).getTime()

describe('formatRelative (last seen)', () => {
  it('English', () => {
    expect(formatRelative(minutes(5), now, 'en')).toBe('5 minutes ago')
    expect(formatRelative(minutes(1), now, 'en')).toBe('1 minute ago')
    expect(formatRelative(hours(3), now, 'en')).toBe('3 hours ago')
    expect(formatRelative(daysBack(1), now, 'en')).toBe('yesterday')
    expect(formatRelative(daysBack(3), now, 'en')).toBe('3 days ago')
    expect(formatRelative(new Date(2025, 0, 2).getTime(), now, 'en')).toBe('January 2')
    expect(formatRelative(new Date(2023, 0, 2).getTime(), now, 'en')).toBe('January 2, 2023')
  })

  it('Simplified Chinese', () => {
    expect(formatRelative(minutes(5), now, 'zh-CN')).toBe('5分钟前')
    expect(formatRelative(hours(3), now, 'zh-CN')).toBe('3小时前')
    expect(formatRelative(daysBack(1), now, 'zh-CN')).toBe('昨天')
    expect(formatRelative(daysBack(3), now, 'zh-CN')).toBe('3天前')
    expect(formatRelative(new Date(2025, 0, 2).getTime(), now, 'zh-CN')).toBe('1月2日')
  })

  it('says yesterday for late last evening even if fewer than 24 hours passed', () => {
    const lateYesterday = new Date(2025, 5, 17, 23, 0).getTime()
    const earlyToday = new Date(2025, 5, 18, 1, 0).getTime()
    expect(formatRelative(lateYesterday, earlyToday, 'en')).toBe('yesterday')
  })
})

describe('formatDay (day separators)', () => {
  it('English', () => {
    expect(formatDay(daysBack(0), now, 'en')).toBe('Today')
    expect(formatDay(daysBack(1), now, 'en')).toBe('Yesterday')
    expect(formatDay(daysBack(2), now, 'en')).toBe('Monday')
    expect(formatDay(daysBack(30), now, 'en')).toBe('May 19')
    expect(formatDay(new Date(2024, 11, 31).getTime(), now, 'en')).toBe('December 31, 2024')
  })

  it('Simplified Chinese', () => {
    expect(formatDay(daysBack(0), now, 'zh-CN')).toBe('今天')
    expect(formatDay(daysBack(1), now, 'zh-CN')).toBe('昨天')
    expect(formatDay(daysBack(2), now, 'zh-CN')).toBe('星期一')
    expect(formatDay(new Date(2024, 11, 31).getTime(), now, 'zh-CN')).toBe('2024年12月31日')
  })
})

describe('formatListTime and formatTime', () => {
  it('shows the time today, a weekday this week, a date before', () => {
    expect(formatListTime(new Date(2025, 5, 18, 9, 5).getTime(), now, 'en-GB')).toBe('9:05')
    expect(formatListTime(daysBack(1), now, 'en')).toBe('Yesterday')
    expect(formatListTime(daysBack(3), now, 'en')).toBe('Sun')
    expect(formatListTime(daysBack(3), now, 'zh-CN')).toBe('周日')
    expect(formatListTime(daysBack(30), now, 'en')).toBe('May 19')
  })

  it('formats times per locale', () => {
    const t = new Date(2025, 5, 18, 14, 5).getTime()
    expect(formatTime(t, 'en-US')).toMatch(/^2:05\sPM$/)
    expect(formatTime(t, 'en-GB')).toBe('14:05')
    expect(formatTime(t, 'zh-CN')).toBe('14:05')
  })
})

describe('calendarDaysBetween', () => {
  it('counts calendar days, not 24-hour periods', () => {
    expect(calendarDaysBetween(new Date(2025, 5, 17, 23, 59).getTime(), new Date(2025, 5, 18, 0, 1).getTime())).toBe(1)
    expect(calendarDaysBetween(new Date(2025, 5, 18, 0, 1).getTime(), new Date(2025, 5, 18, 23, 59).getTime())).toBe(0)
  })
})
