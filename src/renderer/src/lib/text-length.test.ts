import { describe, expect, it } from 'vitest'
import { BODY_MAX, bodyLength, checkDraft } from './text-length'

describe('checkDraft', () => {
  it('ignores empty and whitespace-only text', () => {
    expect(checkDraft('')).toEqual({ ok: false, reason: 'empty' })
    expect(checkDraft(' \n\t ')).toEqual({ ok: false, reason: 'empty' })
  })

  it('sends the trimmed text', () => {
    expect(checkDraft('  hi\nthere \n')).toEqual({ ok: true, body: 'hi\nthere' })
  })

  it('counts code points after trimming, as the server does', () => {
    expect(bodyLength('  😀😀  ')).toBe(2)
    expect(checkDraft('😀'.repeat(BODY_MAX)).ok).toBe(true)
    expect(checkDraft(`${'a'.repeat(BODY_MAX)}   `).ok).toBe(true)
    expect(checkDraft('a'.repeat(BODY_MAX + 1))).toEqual({ ok: false, reason: 'too_long' })
  })
})
