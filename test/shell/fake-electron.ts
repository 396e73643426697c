/**
 * A stand-in for the `electron` module, for the shell's unit tests only: the
 * Electron binary cannot run on the build machines, so tests replace the
 * module with `vi.mock('electron', () => import('…/fake-electron'))` and
 * inspect what the shell did to these fakes. Nothing else is mocked.
 */
import { EventEmitter } from 'node:events'
import { pathToFileURL } from 'node:url'
import { vi } from 'vitest'

export class FakeWebFrame {
  constructor(
    public url: string,
    readonly parent: FakeWebFrame | null = null,
  ) {}
}

type WindowOpenHandler = (details: { url: string }) => { action: 'allow' | 'deny' }

export class FakeWebContents extends EventEmitter {
  readonly send = vi.fn<(channel: string, ...args: unknown[]) => void>()
  readonly mainFrame = new FakeWebFrame('about:blank')
  windowOpenHandler: WindowOpenHandler | null = null
  destroyed = false

  setWindowOpenHandler(handler: WindowOpenHandler): void {
    this.windowOpenHandler = handler
  }

  isDestroyed(): boolean {
    return this.destroyed
  }
}

export class BrowserWindow extends EventEmitter {
  static instances: BrowserWindow[] = []
  static getAllWindows(): BrowserWindow[] {
    return BrowserWindow.instances.filter((window) => !window.destroyed)
  }

  readonly webContents = new FakeWebContents()
  minimized = false
  visible = false
  focused = false
  destroyed = false
  readonly show = vi.fn(() => {
    this.visible = true
  })
  readonly hide = vi.fn(() => {
    this.visible = false
  })
  readonly focus = vi.fn(() => {
    this.focused = true
  })
  readonly restore = vi.fn(() => {
    this.minimized = false
  })
  readonly loadURL = vi.fn(async (url: string) => {
    this.webContents.mainFrame.url = url
  })
  readonly loadFile = vi.fn(async (path: string) => {
    this.webContents.mainFrame.url = pathToFileURL(path).href
  })

  constructor(readonly options: Record<string, unknown>) {
    super()
    BrowserWindow.instances.push(this)
  }

  isMinimized(): boolean {
    return this.minimized
  }
  isFocused(): boolean {
    return this.focused
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
}

type InvokeHandler = (event: unknown, ...args: unknown[]) => unknown

export const ipcMain = {
  handlers: new Map<string, InvokeHandler>(),
  handle(channel: string, handler: InvokeHandler): void {
    // Electron refuses a second handler for a channel the same way.
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`)
    this.handlers.set(channel, handler)
  },
  removeHandler(channel: string): void {
    this.handlers.delete(channel)
  },
}

export class Notification extends EventEmitter {
  static instances: Notification[] = []
  static isSupported = vi.fn(() => true)
  shown = false
  closed = false

  constructor(readonly options: { title?: string; body?: string; icon?: string }) {
    super()
    Notification.instances.push(this)
  }
  show(): void {
    this.shown = true
  }
  close(): void {
    this.closed = true
  }
}

export const shell = { openExternal: vi.fn(async (_url: string) => undefined) }

/** Reversible "encryption", so a test can tell sealed bytes from the token. */
const SEALED = 'sealed:'
export const safeStorage = {
  isEncryptionAvailable: vi.fn(() => true),
  getSelectedStorageBackend: vi.fn(() => 'gnome_libsecret'),
  encryptString: vi.fn((text: string) => Buffer.from(SEALED + Buffer.from(text, 'utf8').toString('base64'))),
  decryptString: vi.fn((sealed: Buffer) => {
    const text = sealed.toString('utf8')
    if (!text.startsWith(SEALED)) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.')
    return Buffer.from(text.slice(SEALED.length), 'base64').toString('utf8')
  }),
}

export const net = { isOnline: vi.fn(() => true) }
export const powerMonitor = new EventEmitter()

/** Enough of `app` for the shell's lifecycle: paths, the single-instance lock, ready, and quitting through before-quit. */
class FakeApp extends EventEmitter {
  isPackaged = false
  quitted = false
  readonly paths = new Map<string, string>()
  readonly setBadgeCount = vi.fn((_count?: number) => true)
  readonly getPath = vi.fn((name: string) => this.paths.get(name) ?? `/fake/${name}`)
  readonly setPath = vi.fn((name: string, value: string) => {
    this.paths.set(name, value)
  })
  readonly setName = vi.fn<(name: string) => void>()
  readonly setAppUserModelId = vi.fn<(id: string) => void>()
  readonly requestSingleInstanceLock = vi.fn(() => true)
  readonly whenReady = vi.fn(() => Promise.resolve())
  readonly getAppPath = vi.fn(() => '/fake/app')
  readonly getVersion = vi.fn(() => '0.0.0-test')
  readonly getSystemLocale = vi.fn(() => 'en-US')
  readonly exit = vi.fn<(code?: number) => void>()
  /** Like Electron: before-quit first, and a listener may prevent the quit. */
  readonly quit = vi.fn(() => {
    let prevented = false
    this.emit('before-quit', { preventDefault: () => (prevented = true) })
    if (!prevented) this.quitted = true
  })
}
export const app = new FakeApp()

export const session = {
  defaultSession: {
    webRequest: { onHeadersReceived: vi.fn<(listener: unknown) => void>() },
    setPermissionRequestHandler: vi.fn<(handler: unknown) => void>(),
    setPermissionCheckHandler: vi.fn<(handler: unknown) => void>(),
  },
}

export const dialog = { showErrorBox: vi.fn<(title: string, content: string) => void>() }

export class Tray extends EventEmitter {
  static instances: Tray[] = []
  readonly setToolTip = vi.fn<(text: string) => void>()
  readonly setTitle = vi.fn<(text: string) => void>()
  readonly setContextMenu = vi.fn<(menu: unknown) => void>()
  readonly destroy = vi.fn<() => void>()
  constructor(readonly image: unknown) {
    super()
    Tray.instances.push(this)
  }
}

export const Menu = { buildFromTemplate: vi.fn((template: unknown[]) => ({ template })) }

const emptyImage = { isEmpty: () => true, resize: () => emptyImage }
export const nativeImage = { createFromPath: vi.fn((_path: string) => emptyImage) }

export const contextBridge = { exposeInMainWorld: vi.fn<(key: string, api: unknown) => void>() }

class FakeIpcRenderer extends EventEmitter {
  readonly invoke = vi.fn<(channel: string, ...args: unknown[]) => Promise<unknown>>()
}
export const ipcRenderer = new FakeIpcRenderer()

/** Back to a fresh Electron between tests. */
export function resetFakeElectron(): void {
  vi.clearAllMocks()
  BrowserWindow.instances = []
  Notification.instances = []
  Notification.isSupported.mockImplementation(() => true)
  Tray.instances = []
  ipcMain.handlers.clear()
  safeStorage.isEncryptionAvailable.mockImplementation(() => true)
  safeStorage.getSelectedStorageBackend.mockImplementation(() => 'gnome_libsecret')
  net.isOnline.mockImplementation(() => true)
  powerMonitor.removeAllListeners()
  ipcRenderer.removeAllListeners()
  ipcRenderer.invoke.mockReset()
  app.removeAllListeners()
  app.paths.clear()
  app.quitted = false
}
