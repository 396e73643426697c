import { describe, expect, it } from 'vitest'
import { formatFileSize, formatProgress } from './file-size'

describe('formatFileSize', () => {
  it('counts in steps of 1,024 with one decimal below 10', () => {
    expect(formatFileSize(0, 'en')).toBe('0 bytes')
    expect(formatFileSize(1, 'en')).toBe('1 byte')
    expect(formatFileSize(1023, 'en')).toBe('1,023 bytes')
    expect(formatFileSize(1024, 'en')).toBe('1 kB')
    expect(formatFileSize(1536, 'en')).toBe('1.5 kB')
    expect(formatFileSize(20 * 1024 * 1024, 'en')).toBe('20 MB')
    expect(formatFileSize(4 * 1024 ** 3, 'en')).toBe('4 GB')
  })

  it('never shows 1,024 of a unit', () => {
    expect(formatFileSize(1024 * 1024 - 1, 'en')).toBe('1 MB')
  })

  it('follows the locale', () => {
    expect(formatFileSize(512, 'zh-CN')).toBe('512字节')
    expect(formatFileSize(2.5 * 1024 * 1024, 'zh-CN')).toBe('2.5 MB')
    expect(formatFileSize(2.5 * 1024 * 1024, 'de')).toBe('2,5 MB')
    expect(formatFileSize(1500 * 1024 * 1024 * 1024 * 1024, 'en')).toBe('1,500 TB')
  })

  it('survives nonsense', () => {
    expect(formatFileSize(Number.NaN, 'en')).toBe('0 bytes')
    expect(formatFileSize(-5, 'en')).toBe('0 bytes')
  })
})

describe('formatProgress', () => {
  it('gives whole percents, clamped', () => {
    expect(formatProgress(512 * 1024, 2 * 1024 * 1024, 'en')).toEqual({ loaded: '512 kB', total: '2 MB', percent: 25 })
    expect(formatProgress(10, 0, 'en').percent).toBe(0)
    expect(formatProgress(11, 10, 'en').percent).toBe(100)
  })
})
