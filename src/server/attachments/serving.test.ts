/** Download headers (serving.ts): byte ranges per RFC 9110 §14, names per RFC 6266/8187, served types. */
import { describe, expect, test } from 'vitest'
import { contentDisposition, parseRange, servedType } from './serving'

describe('parseRange', () => {
  test.each([
    [undefined, { kind: 'whole' }],
    ['bytes=0-9', { kind: 'partial', start: 0, end: 9 }],
    ['bytes=90-', { kind: 'partial', start: 90, end: 99 }],
    ['bytes=90-1000', { kind: 'partial', start: 90, end: 99 }],
    ['bytes=-10', { kind: 'partial', start: 90, end: 99 }],
    ['bytes=-1000', { kind: 'partial', start: 0, end: 99 }],
    ['bytes=100-', { kind: 'unsatisfiable' }],
    ['bytes=-0', { kind: 'unsatisfiable' }],
    ['bytes=5-3', { kind: 'whole' }],
    ['bytes=0-1,3-4', { kind: 'whole' }],
    ['items=0-1', { kind: 'whole' }],
    ['bytes=-', { kind: 'whole' }],
    ['bytes=abc', { kind: 'whole' }],
  ])('%s of 100 bytes → %o', (header, answer) => {
    expect(parseRange(header, 100)).toEqual(answer)
  })

  test('an empty file satisfies no range', () => {
    expect(parseRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' })
    expect(parseRange('bytes=-1', 0)).toEqual({ kind: 'unsatisfiable' })
  })
})

test('contentDisposition: an ASCII fallback and the exact UTF-8 name', () => {
  expect(contentDisposition('report.pdf')).toBe(`attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`)
  expect(contentDisposition('报告.pdf')).toBe(`attachment; filename="__.pdf"; filename*=UTF-8''%E6%8A%A5%E5%91%8A.pdf`)
  expect(contentDisposition(`it's (final) 100%*.txt`)).toBe(
    `attachment; filename="it's (final) 100_*.txt"; filename*=UTF-8''it%27s%20%28final%29%20100%25%2A.txt`,
  )
})

test('servedType: markup and scripts as bytes, text with its charset, the rest as sniffed', () => {
  for (const mime of ['text/html', 'image/svg+xml', 'application/xml', 'application/xhtml+xml', 'text/javascript']) {
    expect(servedType(mime)).toBe('application/octet-stream')
  }
  expect(servedType('text/plain')).toBe('text/plain; charset=utf-8')
  expect(servedType('image/png')).toBe('image/png')
  expect(servedType('application/pdf')).toBe('application/pdf')
})
