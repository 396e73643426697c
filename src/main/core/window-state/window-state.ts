/**
 * The window's place, size, maximized state and zoom, kept in
 * window-state.json in the profile directory, and the decisions about them
 * that need no Electron: where a saved window may reopen (on a monitor that
 * still exists, else centred on the primary one), and the zoom steps.
 */
import { join } from 'node:path'
import { z } from 'zod'
import { readJsonFile, writeJsonFile } from '../json-file'

export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

/** Zoom limits: 50 %–300 %. */
const MIN_ZOOM = 0.5
const MAX_ZOOM = 3
const coordinate = z.number().int().min(-100_000).max(100_000)
const length = z.number().int().min(1).max(100_000)

export const windowStateSchema = z.object({
  bounds: z.object({ x: coordinate, y: coordinate, width: length, height: length }).nullable(),
  maximized: z.boolean(),
  zoomFactor: z.number().min(MIN_ZOOM).max(MAX_ZOOM),
})

export type WindowState = z.output<typeof windowStateSchema>

export const defaultWindowState: WindowState = { bounds: null, maximized: false, zoomFactor: 1 }

/** The window's size when nothing is saved, and the smallest it may be. */
export const DEFAULT_SIZE = { width: 1100, height: 720 } as const
export const MIN_SIZE = { width: 720, height: 480 } as const

/** Less than this share of the saved window on any monitor counts as "mostly off-screen". */
const MIN_VISIBLE_SHARE = 0.5

/**
 * Where the window opens. `displays` are the work areas of the monitors
 * connected now, `primary` the primary one's. The saved bounds are kept when
 * at least half of the window is on them; else the saved size (or the
 * default), clamped to the primary work area, centred on it.
 */
export function placeWindow(saved: Rect | null, displays: readonly Rect[], primary: Rect): Rect {
  if (saved !== null && visibleArea(saved, displays) >= saved.width * saved.height * MIN_VISIBLE_SHARE) return saved
  const width = Math.max(Math.min(saved?.width ?? DEFAULT_SIZE.width, primary.width), Math.min(MIN_SIZE.width, primary.width))
  const height = Math.max(Math.min(saved?.height ?? DEFAULT_SIZE.height, primary.height), Math.min(MIN_SIZE.height, primary.height))
  return {
    x: primary.x + Math.round((primary.width - width) / 2),
    y: primary.y + Math.round((primary.height - height) / 2),
    width,
    height,
  }
}

/** How much of `rect` lies on the displays (monitors do not overlap). */
function visibleArea(rect: Rect, displays: readonly Rect[]): number {
  let area = 0
  for (const display of displays) {
    const width = Math.min(rect.x + rect.width, display.x + display.width) - Math.max(rect.x, display.x)
    const height = Math.min(rect.y + rect.height, display.y + display.height) - Math.max(rect.y, display.y)
    if (width > 0 && height > 0) area += width * height
  }
  return area
}

/** Chromium's zoom steps within Parley's limits, 50 %–300 %. */
export const ZOOM_STEPS = [0.5, 0.67, 0.75, 0.8, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2, 2.5, 3] as const

/** The next step in (+1) or out (−1) from `current`, staying within the limits; 0 resets to 100 %. */
export function nextZoom(current: number, direction: -1 | 0 | 1): number {
  if (direction === 0) return 1
  if (direction > 0) return ZOOM_STEPS.find((step) => step > current + 0.001) ?? MAX_ZOOM
  return [...ZOOM_STEPS].reverse().find((step) => step < current - 0.001) ?? MIN_ZOOM
}

/** window-state.json: what it holds validly, else the defaults; every change rewrites it. */
export class WindowStateFile {
  private readonly path: string
  private state: WindowState

  constructor(userDataDir: string) {
    this.path = join(userDataDir, 'window-state.json')
    this.state = readJsonFile(this.path, windowStateSchema) ?? defaultWindowState
  }

  get current(): WindowState {
    return this.state
  }

  update(patch: Partial<WindowState>): WindowState {
    const next = windowStateSchema.safeParse({ ...this.state, ...patch })
    if (!next.success) return this.state
    this.state = next.data
    writeJsonFile(this.path, this.state)
    return this.state
  }
}
