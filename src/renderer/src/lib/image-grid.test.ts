import { describe, expect, it } from 'vitest'
import { GAP, MAX_SIDE, MIN_SIDE, fitImage, imageGrid } from './image-grid'

describe('fitImage', () => {
  it('keeps the aspect ratio within MAX_SIDE', () => {
    expect(fitImage(4000, 3000)).toEqual({ width: MAX_SIDE, height: 240 })
    expect(fitImage(1080, 1920)).toEqual({ width: 180, height: MAX_SIDE })
    expect(fitImage(1000, 1000)).toEqual({ width: MAX_SIDE, height: MAX_SIDE })
  })

  it('does not enlarge small images', () => {
    expect(fitImage(200, 100)).toEqual({ width: 200, height: 100 })
  })

  it('keeps extreme strips big enough to click', () => {
    expect(fitImage(5000, 20)).toEqual({ width: MAX_SIDE, height: MIN_SIDE })
    expect(fitImage(10, 10)).toEqual({ width: MIN_SIDE, height: MIN_SIDE })
  })

  it('uses 4:3 when the size is unknown', () => {
    expect(fitImage(null, null)).toEqual({ width: MAX_SIDE, height: 240 })
    expect(fitImage(0, 100)).toEqual({ width: MAX_SIDE, height: 240 })
  })
})

describe('imageGrid', () => {
  const image = (width: number, height: number) => ({ width, height })
  const cell = Math.floor((MAX_SIDE - GAP) / 2)

  it('is empty without images and one fitted box for one', () => {
    expect(imageGrid([])).toEqual({ width: 0, height: 0, cells: [] })
    expect(imageGrid([image(800, 600)])).toEqual({ width: 320, height: 240, cells: [{ width: 320, height: 240, column: 0, row: 0, columnSpan: 1 }] })
  })

  it('puts several in two columns of squares, the odd last one across both', () => {
    const three = imageGrid([image(1, 2), image(3, 1), image(5, 5)])
    expect(three.width).toBe(cell * 2 + GAP)
    expect(three.height).toBe(cell * 2 + GAP)
    expect(three.cells.map((c) => [c.column, c.row, c.columnSpan, c.width, c.height])).toEqual([
      [0, 0, 1, cell, cell],
      [1, 0, 1, cell, cell],
      [0, 1, 2, cell * 2 + GAP, cell],
    ])
  })

  it('takes up to ten: five rows, no wider than one image', () => {
    const ten = imageGrid(Array.from({ length: 10 }, () => image(640, 480)))
    expect(ten.cells).toHaveLength(10)
    expect(ten.width).toBeLessThanOrEqual(MAX_SIDE)
    expect(ten.height).toBe(5 * cell + 4 * GAP)
    expect(ten.cells.every((c) => c.columnSpan === 1)).toBe(true)
  })
})
