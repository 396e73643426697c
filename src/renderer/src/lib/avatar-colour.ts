/**
 * An avatar's colours (issue 22): white initials on a colour of the id's hue
 * (hueOf), its lightness chosen per hue so the initials reach WCAG's 4.5:1 —
 * the fixed hsl(hue 52% 50%) it replaces left 208 of the 360 hues below
 * that, down to 1.9:1 (yellow). Saturation
 * stays the same for every hue, lightness is at most MAX_LIGHTNESS and as high
 * as the contrast allows, so the circles keep an even weight; the same colours
 * serve the light and the dark theme (the initials sit on the circle, not on
 * the page).
 */
import { contrastRatio, hslToRgb, toHex } from './contrast'

/** The initials' colour. */
export const AVATAR_TEXT = '#ffffff'

/** Aimed a little above 4.5:1. */
export const AVATAR_TARGET_RATIO = 4.6

const SATURATION = 60
const MAX_LIGHTNESS = 45
const STEP = 0.5

const byHue = new Map<number, string>()

/** The background (#rrggbb) for a hue (0–359; others wrap round). */
export function avatarColour(hue: number): string {
  const h = ((Math.round(hue) % 360) + 360) % 360
  const known = byHue.get(h)
  if (known !== undefined) return known
  let colour = '#000000'
  for (let lightness = MAX_LIGHTNESS; lightness >= 0; lightness -= STEP) {
    const rgb = hslToRgb(h, SATURATION, lightness)
    if (contrastRatio(rgb, AVATAR_TEXT) >= AVATAR_TARGET_RATIO) {
      colour = toHex(rgb)
      break
    }
  }
  byHue.set(h, colour)
  return colour
}
