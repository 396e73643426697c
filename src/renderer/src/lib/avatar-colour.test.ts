import { describe, expect, it } from 'vitest'
import { AVATAR_TEXT, avatarColour } from './avatar-colour'
import { contrastRatio, hslToRgb, parseHex } from './contrast'

const HUES = Array.from({ length: 360 }, (_, hue) => hue)

describe('avatarColour', () => {
  it('gives the initials at least 4.5:1 on every hue 0–359 (the same colours in light and dark)', () => {
    const failing = HUES.map((hue) => ({ hue, colour: avatarColour(hue), ratio: contrastRatio(AVATAR_TEXT, avatarColour(hue)) })).filter(({ ratio }) => ratio < 4.5)
    expect(failing).toEqual([])
  })

  it('is needed: the old hsl(hue 52% 50%) fails for more than half the hues, down to 1.9:1', () => {
    const old = HUES.map((hue) => contrastRatio(AVATAR_TEXT, hslToRgb(hue, 52, 50)))
    expect(Math.min(...old)).toBeLessThan(1.9)
    expect(old.filter((ratio) => ratio < 4.5).length).toBeGreaterThan(180)
  })

  it('keeps the hue and stays colourful: not grey, not near-black', () => {
    for (const hue of HUES) {
      const [r, g, b] = parseHex(avatarColour(hue))
      expect(Math.max(r, g, b) - Math.min(r, g, b), `hue ${hue}`).toBeGreaterThan(60)
      expect(Math.max(r, g, b), `hue ${hue}`).toBeGreaterThan(100)
    }
  })

  it('is stable, and wraps hues outside 0–359', () => {
    expect(avatarColour(200)).toBe(avatarColour(200))
    expect(avatarColour(360)).toBe(avatarColour(0))
    expect(avatarColour(-1)).toBe(avatarColour(359))
    expect(avatarColour(30)).not.toBe(avatarColour(210))
  })
})
