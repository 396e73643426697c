import { describe, expect, it } from 'vitest'
import { contrastRatio, hslToRgb, parseHex, relativeLuminance, toHex } from './contrast'

describe('contrast', () => {
  it('parses and writes hex colours', () => {
    expect(parseHex('#2c6bed')).toEqual([44, 107, 237])
    expect(parseHex('fff')).toEqual([255, 255, 255])
    expect(toHex([44, 107, 237])).toBe('#2c6bed')
    expect(() => parseHex('#12345')).toThrow(/Not a hex colour/)
  })

  it('converts hsl to 8-bit sRGB as CSS does', () => {
    expect(toHex(hslToRgb(0, 100, 50))).toBe('#ff0000')
    expect(toHex(hslToRgb(120, 100, 25))).toBe('#008000')
    expect(toHex(hslToRgb(240, 100, 50))).toBe('#0000ff')
    expect(toHex(hslToRgb(0, 0, 100))).toBe('#ffffff')
    // What the avatars used to be for hue 90: hsl(90 52% 50%).
    expect(toHex(hslToRgb(90, 52, 50))).toBe('#80c23d')
  })

  it('gives WCAG relative luminance and ratios', () => {
    expect(relativeLuminance([0, 0, 0])).toBe(0)
    expect(relativeLuminance([255, 255, 255])).toBe(1)
    expect(contrastRatio('#000000', '#ffffff')).toBe(21)
    expect(contrastRatio('#ffffff', '#ffffff')).toBe(1)
    // The ratios issue 22 reported (axe-core's figures, rounded to two places).
    expect(contrastRatio('#7a808b', '#ffffff')).toBeCloseTo(3.97, 2)
    expect(contrastRatio('#ffffff', '#5b8ef5')).toBeCloseTo(3.17, 2)
    expect(contrastRatio('#ffffff', '#2c6bed')).toBeCloseTo(4.74, 2)
    // Order does not matter.
    expect(contrastRatio('#2c6bed', '#ffffff')).toBe(contrastRatio('#ffffff', '#2c6bed'))
  })
})
