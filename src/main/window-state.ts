/**
 * The window's size, position, maximized state and zoom across starts
 * (window-state.json, core/window-state): where it reopens — on a monitor
 * that still exists, else centred on the primary one (the core's
 * `placeWindow`) — saved half a second after it stops moving or resizing
 * and when it closes; the zoom (View menu, Ctrl/Cmd + = − 0, Ctrl+wheel)
 * in Chromium's steps from 50 % to 300 %, applied whenever the page loads.
 */
import { screen, type BrowserWindow } from 'electron'
import { nextZoom, placeWindow, type Rect, type WindowStateFile } from './core/window-state/window-state'
import { shellLog } from './log'

const log = shellLog('window-state')

const SAVE_DELAY_MS = 500

export interface WindowPlacement {
  bounds: Rect
  maximized: boolean
}

/** Where the window opens now, given the monitors connected. */
export function restoredPlacement(file: WindowStateFile): WindowPlacement {
  const { bounds, maximized } = file.current
  const displays = screen.getAllDisplays().map((display) => display.workArea)
  return { bounds: placeWindow(bounds, displays, screen.getPrimaryDisplay().workArea), maximized }
}

export type ZoomDirection = -1 | 0 | 1

/** Zoom the window's page one step in (+1), out (−1) or back to 100 % (0), and keep it. */
export function zoomWindow(window: BrowserWindow | null, file: WindowStateFile, direction: ZoomDirection): void {
  if (window === null || window.isDestroyed()) return
  const zoomFactor = nextZoom(file.current.zoomFactor, direction)
  window.webContents.setZoomFactor(zoomFactor)
  if (zoomFactor !== file.current.zoomFactor) save(file, { zoomFactor })
}

/** Follow the window: its bounds and maximized state into the file, the saved zoom onto every page it loads. */
export function trackWindowState(window: BrowserWindow, file: WindowStateFile): () => void {
  let timer: NodeJS.Timeout | null = null
  const saveNow = (): void => {
    if (timer !== null) clearTimeout(timer)
    timer = null
    if (window.isDestroyed()) return
    // The bounds it returns to from maximized (or minimized), so a maximized window restores to its old size.
    const { x, y, width, height } = window.getNormalBounds()
    save(file, { bounds: { x: Math.round(x), y: Math.round(y), width: Math.round(width), height: Math.round(height) }, maximized: window.isMaximized() })
  }
  const saveSoon = (): void => {
    if (timer !== null) clearTimeout(timer)
    timer = setTimeout(saveNow, SAVE_DELAY_MS)
  }
  const applyZoom = (): void => window.webContents.setZoomFactor(file.current.zoomFactor)
  const onZoomChanged = (_event: unknown, direction: 'in' | 'out'): void => zoomWindow(window, file, direction === 'in' ? 1 : -1)
  const moves = ['resize', 'move', 'maximize', 'unmaximize'] as const
  for (const event of moves) window.on(event as 'resize', saveSoon)
  window.on('close', saveNow)
  window.webContents.on('did-finish-load', applyZoom)
  // Ctrl+wheel and pinch: the same steps and limits as the menu.
  window.webContents.on('zoom-changed', onZoomChanged)
  return () => {
    if (timer !== null) saveNow()
    for (const event of moves) window.off(event as 'resize', saveSoon)
    window.off('close', saveNow)
    if (!window.webContents.isDestroyed()) {
      window.webContents.off('did-finish-load', applyZoom)
      window.webContents.off('zoom-changed', onZoomChanged)
    }
  }
}

function save(file: WindowStateFile, patch: Parameters<WindowStateFile['update']>[0]): void {
  try {
    file.update(patch)
  } catch (err) {
    log.warn({ err: String(err) }, 'could not save the window state')
  }
}
