import { describe, expect, it } from 'vitest'
import { extensionLabel, truncateMiddle } from './file-name'

describe('truncateMiddle', () => {
  it('leaves short names alone', () => {
    expect(truncateMiddle('report.pdf', 20)).toBe('report.pdf')
    expect(truncateMiddle('exactly-twenty-c.pdf', 20)).toBe('exactly-twenty-c.pdf')
  })

  it('cuts the middle and keeps the start, the end of the stem and the extension', () => {
    const short = truncateMiddle('quarterly-report-final-version-2025.pdf', 24)
    expect([...short]).toHaveLength(24)
    expect(short.startsWith('quarterly-re')).toBe(true)
    expect(short.endsWith('2025.pdf')).toBe(true)
    expect(short).toContain('…')
  })

  it('never splits a surrogate pair, and counts emoji as two columns', () => {
    const name = `${'😀'.repeat(30)}.png`
    const short = truncateMiddle(name, 12)
    expect(short).toBe('😀😀…😀.png')
    expect(short).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/)
    expect(short.endsWith('.png')).toBe(true)
  })

  it('treats a very long "extension" as part of the name', () => {
    const short = truncateMiddle('archive.thisisnotreallyanextension', 16)
    expect([...short]).toHaveLength(16)
    expect(short.startsWith('archive.')).toBe(true)
  })

  it('works for Chinese names and names without an extension', () => {
    // Chinese characters take two columns, as on screen.
    expect(truncateMiddle('二〇二五年第三季度财务报告最终版本.docx', 14)).toBe('二〇二…本.docx')
    expect(truncateMiddle('会议记录 meeting notes for the whole quarterly planning.txt', 26)).toBe('会议记录 meeti…lanning.txt')
    const plain = truncateMiddle('a'.repeat(50), 10)
    expect([...plain]).toHaveLength(10)
  })
})

describe('extensionLabel', () => {
  it('is the extension in capitals, at most four letters', () => {
    expect(extensionLabel('report.pdf')).toBe('PDF')
    expect(extensionLabel('archive.tar.gz')).toBe('GZ')
    expect(extensionLabel('sheet.xlsx')).toBe('XLSX')
    expect(extensionLabel('notes')).toBe('')
    expect(extensionLabel('.bashrc')).toBe('')
    expect(extensionLabel('weird.extension')).toBe('')
    expect(extensionLabel('trailing.')).toBe('')
  })
})
