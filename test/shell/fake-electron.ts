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

export interface FakeContextMenuParams {
  x: number
  y: number
  isEditable: boolean
  misspelledWord: string
  dictionarySuggestions: string[]
  linkURL: string
  selectionText: string
  editFlags: { canCut: boolean; canCopy: boolean; canPaste: boolean; canSelectAll: boolean; canUndo: boolean; canRedo: boolean; canDelete: boolean; canEditRichly: boolean }
}

export function emptyContextMenuParams(): FakeContextMenuParams {
  return {
    x: 10,
    y: 20,
    isEditable: false,
    misspelledWord: '',
    dictionarySuggestions: [],
    linkURL: '',
    selectionText: '',
    editFlags: { canCut: false, canCopy: false, canPaste: false, canSelectAll: false, canUndo: false, canRedo: false, canDelete: false, canEditRichly: false },
  }
}

export class FakeWebContents extends EventEmitter {
  readonly send = vi.fn<(channel: string, ...args: unknown[]) => void>()
  readonly mainFrame = new FakeWebFrame('about:blank')
  windowOpenHandler: WindowOpenHandler | null = null
  destroyed = false
  zoomFactor = 1
  readonly setZoomFactor = vi.fn((factor: number) => {
    this.zoomFactor = factor
  })
  getZoomFactor(): number {
    return this.zoomFactor
  }

  setWindowOpenHandler(handler: WindowOpenHandler): void {
    this.windowOpenHandler = handler
  }

  /** The context menu's "replace with this suggestion". */
  readonly replaceMisspelling = vi.fn<(word: string) => void>()
  /** The window's session: the default one, as for Parley's window. */
  get session(): typeof session.defaultSession {
    return session.defaultSession
  }
  /** What Chromium sends on a right-click (the fields Parley's context menu reads, as Electron names them). */
  rightClick(params: Partial<FakeContextMenuParams> = {}): void {
    this.emit('context-menu', { preventDefault: () => undefined }, { ...emptyContextMenuParams(), ...params })
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
  /** Where the window is (window state): from the options, then moved by setBounds. */
  bounds = { x: 0, y: 0, width: 800, height: 600 }
  maximized = false
  readonly setBounds = vi.fn((bounds: { x: number; y: number; width: number; height: number }) => {
    this.bounds = { ...bounds }
  })
  readonly maximize = vi.fn(() => {
    this.maximized = true
  })
  /** Like Electron: 'close' first, which a listener may prevent; then 'closed'. */
  readonly close = vi.fn(() => {
    let prevented = false
    this.emit('close', { preventDefault: () => (prevented = true) })
    if (prevented) return
    this.destroyed = true
    this.visible = false
    this.emit('closed')
  })

  constructor(readonly options: Record<string, unknown>) {
    super()
    BrowserWindow.instances.push(this)
    const { x, y, width, height } = options as { x?: number; y?: number; width?: number; height?: number }
    this.bounds = { x: x ?? 0, y: y ?? 0, width: width ?? 800, height: height ?? 600 }
  }

  getBounds(): { x: number; y: number; width: number; height: number } {
    return { ...this.bounds }
  }
  getNormalBounds(): { x: number; y: number; width: number; height: number } {
    return { ...this.bounds }
  }
  isMaximized(): boolean {
    return this.maximized
  }
  isVisible(): boolean {
    return this.visible
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
  /** parley:// registrations: (protocol, path?, args?). */
  readonly setAsDefaultProtocolClient = vi.fn((_protocol: string, _path?: string, _args?: string[]) => true)
  readonly setLoginItemSettings = vi.fn<(settings: { openAtLogin?: boolean; openAsHidden?: boolean; path?: string; args?: string[] }) => void>()
  readonly hide = vi.fn<() => void>()
  readonly whenReady = vi.fn(() => {
    this.ready = true
    return Promise.resolve()
  })
  readonly getAppPath = vi.fn(() => '/fake/app')
  readonly getVersion = vi.fn(() => '0.0.0-test')
  readonly getSystemLocale = vi.fn(() => 'en-US')
  /** The OS's languages, most preferred first (spell-check's "system languages"). */
  readonly getPreferredSystemLanguages = vi.fn((): string[] => ['en-US'])
  readonly exit = vi.fn<(code?: number) => void>()
  /** Like Electron: before-quit first, and a listener may prevent the quit. */
  readonly quit = vi.fn(() => {
    let prevented = false
    this.emit('before-quit', { preventDefault: () => (prevented = true) })
    if (!prevented) this.quitted = true
  })
}
export const app = new FakeApp()

const DICTIONARIES = ['de', 'de-DE', 'en-AU', 'en-GB', 'en-US', 'es', 'es-ES', 'fr', 'fr-FR', 'pt-BR', 'pt-PT']
export const session = {
  defaultSession: {
    setPermissionRequestHandler: vi.fn<(handler: unknown) => void>(),
    setPermissionCheckHandler: vi.fn<(handler: unknown) => void>(),
    /** Spell-check: what Chromium has dictionaries for (empty on macOS), and what was set. */
    availableSpellCheckerLanguages: [...DICTIONARIES],
    setSpellCheckerEnabled: vi.fn<(enable: boolean) => void>(),
    /** Like Electron: a code without a dictionary throws. */
    setSpellCheckerLanguages: vi.fn((languages: string[]) => {
      const unknown = languages.filter((code) => !session.defaultSession.availableSpellCheckerLanguages.includes(code))
      if (unknown.length > 0) throw new Error(`Invalid language code provided: "${unknown[0]}" is not a valid language code`)
    }),
    addWordToSpellCheckerDictionary: vi.fn((_word: string) => true),
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
  readonly setImage = vi.fn<(image: unknown) => void>()
  readonly destroy = vi.fn<() => void>()
  constructor(readonly image: unknown) {
    super()
    Tray.instances.push(this)
  }
}

/** A built menu; popup() is recorded in Menu.popups. */
export interface FakeMenu {
  template: unknown[]
  popup(options?: { window?: unknown; x?: number; y?: number }): void
}
export const Menu = {
  popups: [] as { template: unknown[]; options: { window?: unknown; x?: number; y?: number } | undefined }[],
  buildFromTemplate: vi.fn((template: unknown[]): FakeMenu => ({ template, popup: (options) => void Menu.popups.push({ template, options }) })),
  setApplicationMenu: vi.fn<(menu: { template: unknown[] } | null) => void>(),
}

const emptyImage = { isEmpty: () => true, resize: () => emptyImage, getSize: () => ({ width: 0, height: 0 }), toBitmap: () => Buffer.alloc(0) }
export const nativeImage = {
  createFromPath: vi.fn((_path: string) => emptyImage),
  /** Keeps what it was given, so a test can look at the pixels. */
  createFromBitmap: vi.fn((buffer: Buffer, options: { width: number; height: number; scaleFactor?: number }) => ({ buffer, ...options })),
}

type Rect = { x: number; y: number; width: number; height: number }
/** The monitors connected now (a test unplugs one by changing `displays`); the first is the primary. */
export const screen = {
  displays: [{ id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 }, workArea: { x: 0, y: 0, width: 1920, height: 1040 } }] as {
    id: number
    bounds: Rect
    workArea: Rect
  }[],
  getAllDisplays: vi.fn(() => screen.displays),
  getPrimaryDisplay: vi.fn(() => screen.displays[0]),
}

export const clipboard = { writeText: vi.fn<(text: string) => void>() }

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
  Menu.popups = []
  session.defaultSession.availableSpellCheckerLanguages = [...DICTIONARIES]
  app.getPreferredSystemLanguages.mockImplementation(() => ['en-US'])
  screen.displays = [{ id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 }, workArea: { x: 0, y: 0, width: 1920, height: 1040 } }]
}
