/**
 * Colour contrast as WCAG 2.1 defines it (issue 22): the relative luminance
 * of an sRGB colour and the ratio (L1 + 0.05) / (L2 + 0.05) of two — 4.5:1
 * for text, 3:1 for large text and for icons that carry meaning. Colours are
 * 8-bit sRGB, as the browser renders them (what axe-core measures).
 */

export type Rgb = readonly [number, number, number]

/** `#rgb` or `#rrggbb` → [r, g, b] (0–255). */
export function parseHex(hex: string): Rgb {
  const digits = hex.replace(/^#/, '')
  const full = digits.length === 3 ? [...digits].map((digit) => digit + digit).join('') : digits
  if (!/^[0-9a-f]{6}$/i.test(full)) throw new Error(`Not a hex colour: ${hex}`)
  return [0, 2, 4].map((at) => parseInt(full.slice(at, at + 2), 16)) as unknown as Rgb
}

/** [r, g, b] (0–255) → `#rrggbb`. */
export function toHex(rgb: Rgb): string {
  return `#${rgb.map((channel) => channel.toString(16).padStart(2, '0')).join('')}`
}

/** hsl(hue saturation% lightness%) → 8-bit sRGB, rounded as CSS does. */
export function hslToRgb(hue: number, saturation: number, lightness: number): Rgb {
  const s = saturation / 100
  const l = lightness / 100
  const a = s * Math.min(l, 1 - l)
  const channel = (n: number) => {
    const k = (n + hue / 30) % 12
    return Math.round((l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))) * 255)
  }
  return [channel(0), channel(8), channel(4)]
}

function linear(channel: number): number {
  const c = channel / 255
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
}

/** WCAG relative luminance, 0 (black) to 1 (white). */
export function relativeLuminance([r, g, b]: Rgb): number {
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
}

/** The contrast ratio of two colours (hex strings or [r, g, b]), 1 to 21; order does not matter. */
export function contrastRatio(a: Rgb | string, b: Rgb | string): number {
  const la = relativeLuminance(typeof a === 'string' ? parseHex(a) : a)
  const lb = relativeLuminance(typeof b === 'string' ? parseHex(b) : b)
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05)
}
