/**
 * A stand-in for the `electron` module, for the shell's unit tests only: the
 * Electron binary cannot run on the build machines, so tests replace the
 * module with `vi.mock('electron', () => import('…/fake-electron'))` and
 * inspect what the shell did to these fakes. Nothing else is mocked.
 */
import { EventEmitter } from 'node:events'
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
  readonly setOverlayIcon = vi.fn<(overlay: unknown, description: string) => void>()
  readonly loadURL = vi.fn(async (url: string) => {
    this.webContents.mainFrame.url = url
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

export const shell = {
  openExternal: vi.fn(async (_url: string) => undefined),
  /** Resolves '' on success, else the OS's error text (like Electron). */
  openPath: vi.fn(async (_path: string) => ''),
  showItemInFolder: vi.fn<(path: string) => void>(),
}

/** Reversible "encryption", so a test can tell sealed bytes from the token. Only the asynchronous API: the synchronous one is deprecated. */
const SEALED = 'sealed:'
export const safeStorage = {
  isAsyncEncryptionAvailable: vi.fn(async () => true),
  getSelectedStorageBackend: vi.fn((): string => 'gnome_libsecret'),
  encryptStringAsync: vi.fn(async (text: string) => Buffer.from(SEALED + Buffer.from(text, 'utf8').toString('base64'))),
  decryptStringAsync: vi.fn(async (sealed: Buffer) => {
    const text = sealed.toString('utf8')
    if (!text.startsWith(SEALED)) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptStringAsync.')
    return { result: Buffer.from(text.slice(SEALED.length), 'base64').toString('utf8'), shouldReEncrypt: false }
  }),
}

export const net = {
  isOnline: vi.fn(() => true),
  fetch: vi.fn(async (_request: Request, _options?: { bypassCustomProtocolHandlers?: boolean }) => new Response('passed on')),
}
export const powerMonitor = new EventEmitter()

/** Enough of `app` for the shell's lifecycle: paths, the single-instance lock, ready, and quitting through before-quit. */
class FakeApp extends EventEmitter {
  isPackaged = false
  quitted = false
  /** Set once `whenReady` is called: what must happen before ready (privileged schemes) is refused after. */
  ready = false
  readonly paths = new Map<string, string>()
  readonly setBadgeCount = vi.fn((_count?: number) => true)
  readonly getPath = vi.fn((name: string) => this.paths.get(name) ?? `/fake/${name}`)
  readonly setPath = vi.fn((name: string, value: string) => {
    this.paths.set(name, value)
  })
  readonly setName = vi.fn<(name: string) => void>()
  readonly setAppUserModelId = vi.fn<(id: string) => void>()
  readonly requestSingleInstanceLock = vi.fn(() => true)
  readonly whenReady = vi.fn(() => {
    this.ready = true
    return Promise.resolve()
  })
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
    setPermissionRequestHandler: vi.fn<(handler: unknown) => void>(),
    setPermissionCheckHandler: vi.fn<(handler: unknown) => void>(),
  },
}

/** Privileged schemes (only before ready, like Electron) and the handlers registered with `protocol.handle`. */
export const protocol = {
  privileged: [] as { scheme: string; privileges?: Record<string, boolean> }[],
  handlers: new Map<string, (request: Request) => Response | Promise<Response>>(),
  registerSchemesAsPrivileged(schemes: { scheme: string; privileges?: Record<string, boolean> }[]): void {
    if (app.ready) throw new Error('protocol.registerSchemesAsPrivileged should be called before app is ready')
    this.privileged.push(...schemes)
  },
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void {
    if (this.handlers.has(scheme)) throw new Error(`The scheme has been registered: ${scheme}`)
    this.handlers.set(scheme, handler)
  },
  unhandle(scheme: string): void {
    this.handlers.delete(scheme)
  },
}

/** The dialogs answer as a test sets them up (mockResolvedValueOnce); by default: cancelled. Called with (window, options) or (options). */
export const dialog = {
  showErrorBox: vi.fn<(title: string, content: string) => void>(),
  showOpenDialog: vi.fn(async (..._args: unknown[]): Promise<{ canceled: boolean; filePaths: string[] }> => ({ canceled: true, filePaths: [] })),
  showSaveDialog: vi.fn(async (..._args: unknown[]): Promise<{ canceled: boolean; filePath?: string }> => ({ canceled: true, filePath: '' })),
  showMessageBox: vi.fn(async (..._args: unknown[]): Promise<{ response: number; checkboxChecked: boolean }> => ({ response: 0, checkboxChecked: false })),
}


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

export const Menu = {
  buildFromTemplate: vi.fn((template: unknown[]) => ({ template })),
  setApplicationMenu: vi.fn<(menu: { template: unknown[] } | null) => void>(),
}

const emptyImage = { isEmpty: () => true, resize: () => emptyImage }
export const nativeImage = {
  createFromPath: vi.fn((_path: string) => emptyImage),
  /** Keeps what it was given, so a test can look at the pixels. */
  createFromBitmap: vi.fn((buffer: Buffer, options: { width: number; height: number; scaleFactor?: number }) => ({ buffer, ...options })),
}

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
  safeStorage.isAsyncEncryptionAvailable.mockImplementation(async () => true)
  safeStorage.getSelectedStorageBackend.mockImplementation(() => 'gnome_libsecret')
  net.isOnline.mockImplementation(() => true)
  net.fetch.mockImplementation(async () => new Response('passed on'))
  shell.openPath.mockImplementation(async () => '')
  dialog.showOpenDialog.mockImplementation(async () => ({ canceled: true, filePaths: [] }))
  dialog.showSaveDialog.mockImplementation(async () => ({ canceled: true, filePath: '' }))
  dialog.showMessageBox.mockImplementation(async () => ({ response: 0, checkboxChecked: false }))
  powerMonitor.removeAllListeners()
  ipcRenderer.removeAllListeners()
  ipcRenderer.invoke.mockReset()
  app.removeAllListeners()
  app.paths.clear()
  app.quitted = false
  app.ready = false
  app.isPackaged = false
  protocol.privileged = []
  protocol.handlers.clear()
}
