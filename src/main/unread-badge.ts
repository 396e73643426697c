/**
 * The unread count as a picture, drawn from a 3×5 pixel font into raw BGRA
 * bitmaps (what `nativeImage.createFromBitmap` takes and `toBitmap` gives),
 * in white on red; plain Node, no image library. Two pictures:
 *
 * - Windows' taskbar overlay icon (`BrowserWindow.setOverlayIcon`;
 *   `app.setBadgeCount` does nothing there): a red disc with the count,
 *   32×32 pixels at scale factor 2, so 16×16 on the taskbar;
 * - the tray icon on Windows and Linux, whose trays have no badges: the icon
 *   with the count in a red pill in its top-right corner.
 */

const GLYPHS: Record<string, readonly string[]> = {
  '0': ['111', '101', '101', '101', '111'],
  '1': ['010', '110', '010', '010', '111'],
  '2': ['111', '001', '111', '100', '111'],
  '3': ['111', '001', '111', '001', '111'],
  '4': ['101', '101', '111', '001', '001'],
  '5': ['111', '100', '111', '001', '111'],
  '6': ['111', '100', '111', '101', '111'],
  '7': ['111', '001', '001', '001', '001'],
  '8': ['111', '101', '111', '101', '111'],
  '9': ['111', '101', '111', '001', '111'],
  '+': ['000', '010', '111', '010', '000'],
}

export const BADGE_SIZE = 32
export const BADGE_SCALE_FACTOR = 2
/** Each font pixel is this many bitmap pixels; glyphs are this far apart. */
const DOT = 2
const GAP = 2
/** BGRA. */
const RED = [0x25, 0x30, 0xd9, 0xff] as const
const WHITE = [0xff, 0xff, 0xff, 0xff] as const

export interface BadgeBitmap {
  /** BGRA, row by row. */
  data: Buffer
  width: number
  height: number
  scaleFactor: number
}

/** What the badge says: the count up to 99, then 99+. */
export function badgeLabel(count: number): string {
  return count > 99 ? '99+' : String(count)
}

export function badgeBitmap(label: string): BadgeBitmap {
  const data = Buffer.alloc(BADGE_SIZE * BADGE_SIZE * 4)
  const paint = (x: number, y: number, color: readonly number[]): void => data.set(color, (y * BADGE_SIZE + x) * 4)
  const center = (BADGE_SIZE - 1) / 2
  for (let y = 0; y < BADGE_SIZE; y++) {
    for (let x = 0; x < BADGE_SIZE; x++) {
      if ((x - center) ** 2 + (y - center) ** 2 <= (BADGE_SIZE / 2) ** 2) paint(x, y, RED)
    }
  }
  const width = labelWidth(label, DOT, GAP)
  paintLabel(data, BADGE_SIZE, BADGE_SIZE, label, { left: Math.floor((BADGE_SIZE - width) / 2), top: Math.floor((BADGE_SIZE - 5 * DOT) / 2), dot: DOT, gap: GAP })
  return { data, width: BADGE_SIZE, height: BADGE_SIZE, scaleFactor: BADGE_SCALE_FACTOR }
}

const glyphsOf = (label: string): readonly (readonly string[])[] => [...label].map((char) => GLYPHS[char] ?? GLYPHS['+'] ?? [])

/** How wide `label` is drawn with font pixels of `dot` bitmap pixels, glyphs `gap` apart. */
function labelWidth(label: string, dot: number, gap: number): number {
  const count = glyphsOf(label).length
  return count * 3 * dot + Math.max(0, count - 1) * gap
}

/** Paints `label` in white into the BGRA `data` (width × height), its top-left corner at left, top; what falls outside is left out. */
function paintLabel(data: Buffer, width: number, height: number, label: string, at: { left: number; top: number; dot: number; gap: number }): void {
  const { left, top, dot, gap } = at
  glyphsOf(label).forEach((rows, index) => {
    const x0 = left + index * (3 * dot + gap)
    rows.forEach((row, gy) => {
      for (let gx = 0; gx < row.length; gx++) {
        if (row[gx] !== '1') continue
        for (let dy = 0; dy < dot; dy++) {
          for (let dx = 0; dx < dot; dx++) {
            const x = x0 + gx * dot + dx
            const y = top + gy * dot + dy
            if (x >= 0 && x < width && y >= 0 && y < height) data.set(WHITE, (y * width + x) * 4)
          }
        }
      }
    })
  })
}

/**
 * The tray icon with `label` (badgeLabel's "7", "42", "99+") in a red pill in
 * its top-right corner: what the tray shows while something is unread on
 * Windows and Linux, whose trays have no badges. A font pixel is one icon
 * pixel per 16 (one on the 16 and 24 px tray icons, two at 32), a pixel of
 * red around the digits; one digit makes a disc, more stretch the pill
 * leftwards — "99+" still fits a 16 px icon. `bitmap` is BGRA
 * (`nativeImage.toBitmap()`), width × height; a new buffer is returned.
 */
export function withUnreadCount(bitmap: Buffer, width: number, height: number, label: string): Buffer {
  const data = Buffer.from(bitmap)
  const dot = Math.max(1, Math.floor(Math.min(width, height) / 16))
  const textWidth = labelWidth(label, dot, dot)
  const pillHeight = 7 * dot
  const pillWidth = Math.min(width, Math.max(pillHeight, textWidth + 2 * dot))
  const left = width - pillWidth
  const radius = pillHeight / 2
  for (let y = 0; y < Math.min(pillHeight, height); y++) {
    for (let x = left; x < width; x++) {
      // Inside the stadium: within `radius` of the segment joining the two end discs' centres.
      const nearest = Math.min(Math.max(x + 0.5, left + radius), left + pillWidth - radius)
      if (Math.hypot(x + 0.5 - nearest, y + 0.5 - radius) <= radius) data.set(RED, (y * width + x) * 4)
    }
  }
  paintLabel(data, width, height, label, { left: left + Math.floor((pillWidth - textWidth) / 2), top: dot, dot, gap: dot })
  return data
}
