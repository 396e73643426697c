import { describe, expect, it } from 'vitest'
import { isInlineImage } from './attachment-kind'

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
