/**
 * The boxes a message's images take, computed from the dimensions the
 * message carries — before any thumbnail has loaded — so a row's height is
 * known at its first render and react-virtuoso never has to correct it.
 *
 * One image: its own aspect ratio, fitted into MAX_SIDE × MAX_SIDE (and no
 * narrower or shorter than MIN_SIDE, so a 5000×20 strip stays clickable).
 * Several: two columns of square cells; an odd last image spans both columns.
 */
export const MAX_SIDE = 320
export const MIN_SIDE = 64
export const GAP = 4
/** Images without known dimensions are shown in a 4:3 box. */
const DEFAULT_RATIO = 4 / 3

export interface Box {
  width: number
  height: number
}

export interface GridCell extends Box {
  column: number
  row: number
  /** 2 for an odd last image of several. */
  columnSpan: 1 | 2
}

export interface GridLayout {
  width: number
  height: number
  cells: GridCell[]
}

export function fitImage(width: number | null, height: number | null, max = MAX_SIDE): Box {
  const ratio = width !== null && height !== null && width > 0 && height > 0 ? width / height : DEFAULT_RATIO
  let w: number
  let h: number
  if (width !== null && height !== null && width > 0 && height > 0 && width <= max && height <= max) {
    w = width
    h = height
  } else if (ratio >= 1) {
    w = max
    h = max / ratio
  } else {
    h = max
    w = max * ratio
  }
  return { width: Math.round(Math.max(MIN_SIDE, w)), height: Math.round(Math.max(MIN_SIDE, h)) }
}

export function imageGrid(images: readonly { width: number | null; height: number | null }[]): GridLayout {
  if (images.length === 0) return { width: 0, height: 0, cells: [] }
  if (images.length === 1) {
    const only = images[0] as { width: number | null; height: number | null }
    const box = fitImage(only.width, only.height)
    return { ...box, cells: [{ ...box, column: 0, row: 0, columnSpan: 1 }] }
  }
  const cell = Math.floor((MAX_SIDE - GAP) / 2)
  const rows = Math.ceil(images.length / 2)
  const cells = images.map((_, index): GridCell => {
    const lastOdd = index === images.length - 1 && images.length % 2 === 1
    return {
      column: index % 2,
      row: Math.floor(index / 2),
      columnSpan: lastOdd ? 2 : 1,
      width: lastOdd ? cell * 2 + GAP : cell,
      height: cell,
    }
  })
  return { width: cell * 2 + GAP, height: rows * cell + (rows - 1) * GAP, cells }
}
