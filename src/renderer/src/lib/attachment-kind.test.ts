import { describe, expect, it } from 'vitest'
import { isInlineImage, summarizeAttachments } from './attachment-kind'

const photo = (name = 'a.jpg') => ({ name, mime: 'image/jpeg', previewUrl: '/media/thumbnail/x' })
const file = (name = 'report.pdf') => ({ name, mime: 'application/pdf', previewUrl: null })

describe('isInlineImage', () => {
  it('is a raster type with a preview; never SVG', () => {
    expect(isInlineImage(photo())).toBe(true)
    expect(isInlineImage({ mime: 'image/png; charset=binary', previewUrl: '/media/x' })).toBe(true)
    expect(isInlineImage({ mime: 'image/jpeg', previewUrl: null })).toBe(false)
    expect(isInlineImage({ mime: 'image/svg+xml', previewUrl: '/media/x' })).toBe(false)
    expect(isInlineImage(file())).toBe(false)
  })
})

describe('summarizeAttachments', () => {
  it('says photo(s), one file by name, or a count of files', () => {
    expect(summarizeAttachments([])).toBeNull()
    expect(summarizeAttachments([photo()])).toEqual({ kind: 'photo', count: 1, name: null })
    expect(summarizeAttachments([photo(), photo()])).toEqual({ kind: 'photo', count: 2, name: null })
    expect(summarizeAttachments([file()])).toEqual({ kind: 'file', count: 1, name: 'report.pdf' })
    expect(summarizeAttachments([photo(), file()])).toEqual({ kind: 'file', count: 2, name: null })
  })
})
