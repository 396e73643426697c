/**
 * The unread count as a picture, for Windows' taskbar overlay icon
 * (`BrowserWindow.setOverlayIcon`): `app.setBadgeCount` does nothing there.
 * A red disc with the count in white, drawn from a 3×5 pixel font into a raw
 * BGRA bitmap (what `nativeImage.createFromBitmap` takes): 32×32 pixels at
 * scale factor 2, so 16×16 on the taskbar. Plain Node, no image library.
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
  const glyphs = [...label].map((char) => GLYPHS[char] ?? GLYPHS['+'] ?? [])
  const width = glyphs.length * 3 * DOT + (glyphs.length - 1) * GAP
  const left = Math.floor((BADGE_SIZE - width) / 2)
  const top = Math.floor((BADGE_SIZE - 5 * DOT) / 2)
  glyphs.forEach((rows, index) => {
    const x0 = left + index * (3 * DOT + GAP)
    rows.forEach((row, gy) => {
      for (let gx = 0; gx < row.length; gx++) {
        if (row[gx] !== '1') continue
        for (let dy = 0; dy < DOT; dy++) for (let dx = 0; dx < DOT; dx++) paint(x0 + gx * DOT + dx, top + gy * DOT + dy, WHITE)
      }
    })
  })
  return { data, width: BADGE_SIZE, height: BADGE_SIZE, scaleFactor: BADGE_SCALE_FACTOR }
}

/**
 * The tray icon with a red dot in its top-right corner (a white ring keeps it
 * apart from the icon): what the tray shows while something is unread on
 * Windows and Linux, whose trays have no badges. `bitmap` is BGRA
 * (`nativeImage.toBitmap()`), width × height; a new buffer is returned.
 */
export function withUnreadDot(bitmap: Buffer, width: number, height: number): Buffer {
  const data = Buffer.from(bitmap)
  const radius = Math.max(2, Math.round(Math.min(width, height) * 0.22))
  const ring = Math.max(1, Math.round(radius / 4))
  const cx = width - radius - ring
  const cy = radius + ring
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const distance = Math.hypot(x + 0.5 - (cx + 0.5), y + 0.5 - (cy + 0.5))
      if (distance <= radius) data.set(RED, (y * width + x) * 4)
      else if (distance <= radius + ring) data.set(WHITE, (y * width + x) * 4)
    }
  }
  return data
}
