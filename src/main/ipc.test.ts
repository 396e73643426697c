import { pathToFileURL } from 'node:url'
import { beforeEach, describe, expect, test, vi } from 'vitest'
import { z } from 'zod'
import { BrowserWindow, FakeWebFrame, ipcMain, resetFakeElectron } from '../../test/shell/fake-electron'
import { fakeCore, type FakeCore } from '../../test/shell/fake-core'
import {
  IPC_EVENT_CHANNEL,
  MUTE_FOREVER,
  ipcCallNames,
  ipcChannel,
  ipcEventNames,
  ParleyError,
  type IpcArgs,
  type IpcCallName,
  type IpcEvents,
} from '../shared/ipc'
import { ipcArgs } from '../shared/ipc-schema'
import { forwardCoreEvents, registerIpcHandlers, windowSenderCheck } from './ipc'
import type { RendererLocation } from './renderer-location'

vi.mock('electron', () => import('../../test/shell/fake-electron'))

const indexHtml = '/opt/parley/out/renderer/index.html'
const renderer: RendererLocation = { kind: 'app', directory: '/opt/parley/out/renderer' }
const ENTRY = 'app://parley/index.html'

/** One valid argument per call; the mapped type makes a new call in the contract a compile error here. */
const validArgs: { [K in IpcCallName]: IpcArgs<K> } = {
  getAppInfo: undefined,
  getSession: undefined,
  login: { serverUrl: 'http://127.0.0.1:8787', username: 'alice', password: 'parley-demo' },
  register: { serverUrl: 'https://chat.example.com', username: 'dora', password: 'correct horse', displayName: 'Dora', invite: 'aBcD1234aBcD1234aBcD1234' },
  logout: undefined,
  getConnection: undefined,
  retryNow: undefined,
  listConversations: undefined,
  listConversationPage: { after: { lastActivityAt: 1_700_000_000_000, id: 'c9' }, limit: 50, include: ['c1'] },
  createConversation: { memberIds: ['u2', 'u3'], title: 'Team' },
  setMuted: { conversationId: 'c1', mutedUntil: MUTE_FOREVER },
  renameConversation: { conversationId: 'c1', title: 'Hikers' },
  addMembers: { conversationId: 'c1', userIds: ['u4', 'u5'] },
  removeMember: { conversationId: 'c1', userId: 'u4' },
  setMemberRole: { conversationId: 'c1', userId: 'u2', role: 'admin' },
  leaveConversation: { conversationId: 'c1' },
  blockUser: { userId: 'u9' },
  unblockUser: { userId: 'u9' },
  listBlocked: undefined,
  updateProfile: { displayName: 'Dora the Explorer' },
  changePassword: { current: 'correct horse', next: 'battery staple' },
  listSessions: undefined,
  revokeSession: { sessionId: 's-2' },
  createInvite: { expiresInHours: 48 },
  getDraft: { conversationId: 'c1' },
  setDraft: { conversationId: 'c1', text: 'half a thought' },
  setActiveConversation: { conversationId: null },
  listUsers: { query: 'bo' },
  getUsers: { ids: ['u1', 'u2'] },
  loadMessages: { conversationId: 'c1', beforeSeq: 120 },
  releaseMessages: { conversationIds: ['c1'] },
  sendMessage: { conversationId: 'c1', body: 'hello' },
  pickAttachments: { conversationId: 'c1' },
  beginAttachment: { conversationId: 'c1', name: '照片.png', size: 1024 },
  appendAttachment: { stagedId: 'st-0123456789', bytes: new Uint8Array([1, 2, 3]) },
  finishAttachment: { stagedId: 'st-0123456789' },
  discardStaged: { stagedId: 'st-0123456789' },
  cancelSend: { conversationId: 'c1', clientId: 'k-1' },
  downloadAttachment: { attachmentId: 'a1' },
  cancelDownload: { attachmentId: 'a1' },
  openAttachment: { attachmentId: 'a1' },
  saveAttachmentAs: { attachmentId: 'a1' },
  showAttachmentInFolder: { attachmentId: 'a1' },
  retryMessage: { conversationId: 'c1', clientId: 'k-1' },
  discardMessage: { conversationId: 'c1', clientId: 'k-1' },
  editMessage: { conversationId: 'c1', messageKey: 'u1:k-1', body: 'fixed' },
  deleteForEveryone: { conversationId: 'c1', messageKey: 'u1:k-1' },
  setReaction: { conversationId: 'c1', messageKey: 'u1:k-1', emoji: '👍', on: true },
  markRead: { conversationId: 'c1', seq: 7 },
  setTyping: { conversationId: 'c1', typing: true },
  search: { query: 'lunch' },
  searchServer: { query: 'lunch' },
  getSettings: undefined,
  updateSettings: { theme: 'dark', showMessagePreview: false },
  getWindowState: undefined,
  firstScreenPainted: undefined,
  openExternal: { url: 'https://example.com/' },
  getUpdateStatus: undefined,
  checkForUpdates: undefined,
  installUpdate: undefined,
  takeDeepLink: undefined,
  getSpellcheckLanguages: undefined,
}

/** Arguments every call must refuse: wrong types for each field, non-objects, and anything at all for calls that take none. */
function invalidArgsFor(name: IpcCallName): unknown[] {
  const schema: z.ZodType = ipcArgs[name]
  if (schema instanceof z.ZodObject) {
    const everyFieldWrong = Object.fromEntries(Object.keys(schema.shape).map((key) => [key, { wrongType: true }]))
    return [everyFieldWrong, 'a string', 42, null, [validArgs[name]]]
  }
  return [{}, { evil: true }, 'a string', 0, null, []]
}

let window: BrowserWindow
let core: FakeCore
let dispose: () => void

beforeEach(async () => {
  resetFakeElectron()
  window = new BrowserWindow({})
  await window.loadURL(ENTRY)
  core = fakeCore()
  dispose = registerIpcHandlers(core, windowSenderCheck(() => window as unknown as Electron.BrowserWindow, renderer))
})

function fromOurWindow(): unknown {
  return { sender: window.webContents, senderFrame: window.webContents.mainFrame }
}

async function invoke(name: IpcCallName, args: unknown, event: unknown = fromOurWindow()): Promise<unknown> {
  const handler = ipcMain.handlers.get(ipcChannel(name))
  if (handler === undefined) throw new Error(`no handler for ${name}`)
  return handler(event, args)
}

describe('handlers', () => {
  test('every call in the contract has exactly one handler, and dispose removes them all', () => {
    expect([...ipcMain.handlers.keys()].sort()).toEqual(ipcCallNames.map(ipcChannel).sort())
    expect(ipcMain.handlers.size).toBe(ipcCallNames.length)
    // A second registration would need a second handler for the same channel: Electron (and the fake) refuse.
    expect(() => registerIpcHandlers(core, () => true)).toThrow(/second handler/)
    dispose()
    expect(ipcMain.handlers.size).toBe(0)
  })

  test.each(ipcCallNames)('%s refuses invalid arguments with bad_request and never calls the core', async (name) => {
    for (const args of invalidArgsFor(name)) {
      const reply = await invoke(name, args)
      expect(reply, `${name}(${JSON.stringify(args)})`).toMatchObject({ ok: false, error: { code: 'bad_request' } })
      expect((reply as { error: { message: string } }).error.message).toContain(name)
    }
    expect(core.calls).toEqual([])
  })

  test.each(ipcCallNames)('%s forwards valid arguments, parsed, to the same core method', async (name) => {
    const reply = await invoke(name, validArgs[name])
    expect(reply).toEqual({ ok: true, value: { answeredBy: name } })
    expect(core.calls).toEqual([{ name, args: ipcArgs[name].parse(validArgs[name]) }])
  })

  test('defaults from the schema reach the core', async () => {
    await invoke('loadMessages', { conversationId: 'c1' })
    expect(core.calls).toEqual([{ name: 'loadMessages', args: { conversationId: 'c1', limit: 50 } }])
  })

  test('a core error resolves an error envelope with its code; an unexpected one is internal', async () => {
    core.behaviour.login = () => {
      throw new ParleyError('unauthorized', 'Wrong username or password.')
    }
    core.behaviour.search = () => {
      throw new Error('database is locked')
    }
    core.behaviour.sendMessage = () => Promise.reject(Object.assign(new Error('fetch failed'), { code: 'unreachable' }))
    expect(await invoke('login', validArgs.login)).toEqual({
      ok: false,
      error: { code: 'unauthorized', message: 'Wrong username or password.' },
    })
    expect(await invoke('search', validArgs.search)).toEqual({ ok: false, error: { code: 'internal', message: 'database is locked' } })
    expect(await invoke('sendMessage', validArgs.sendMessage)).toEqual({ ok: false, error: { code: 'unreachable', message: 'fetch failed' } })
  })

  test('even a core that throws something that is not an Error gets an envelope, never a rejection', async () => {
    core.behaviour.logout = () => {
      throw null
    }
    core.behaviour.retryNow = () => {
      throw 'a string'
    }
    await expect(invoke('logout', undefined)).resolves.toMatchObject({ ok: false, error: { code: 'internal' } })
    await expect(invoke('retryNow', undefined)).resolves.toMatchObject({ ok: false, error: { code: 'internal' } })
  })
})

describe('sender check', () => {
  test.each([
    ['an iframe inside our window', () => ({ sender: window.webContents, senderFrame: new FakeWebFrame(ENTRY, window.webContents.mainFrame) })],
    ['another web contents', () => ({ sender: new BrowserWindow({}).webContents, senderFrame: new FakeWebFrame(ENTRY) })],
    ['our window navigated to a foreign page', () => ({ sender: window.webContents, senderFrame: new FakeWebFrame('https://evil.example/') })],
    ['another local file', () => ({ sender: window.webContents, senderFrame: new FakeWebFrame('file:///tmp/evil.html') })],
    ['the built index.html opened as a file', () => ({ sender: window.webContents, senderFrame: new FakeWebFrame(pathToFileURL(indexHtml).href) })],
    ['another host on the app scheme', () => ({ sender: window.webContents, senderFrame: new FakeWebFrame('app://evil/index.html') })],
    ['the app host on another port', () => ({ sender: window.webContents, senderFrame: new FakeWebFrame('app://parley:1/index.html') })],
    ['the app host with credentials', () => ({ sender: window.webContents, senderFrame: new FakeWebFrame('app://x:y@parley/index.html') })],
    ['a frame that is already gone', () => ({ sender: window.webContents, senderFrame: null })],
  ])('a call from %s is refused and never reaches the core', async (_label, event) => {
    expect(await invoke('getSession', undefined, event())).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(await invoke('sendMessage', validArgs.sendMessage, event())).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(core.calls).toEqual([])
  })

  test('anything on the app://parley origin is ours, with a query or hash too', async () => {
    for (const url of [`${ENTRY}?x=1#/conversation/c1`, 'app://parley/']) {
      const frame = new FakeWebFrame(url)
      expect(await invoke('getSession', undefined, { sender: window.webContents, senderFrame: frame }), url).toMatchObject({ ok: true })
    }
  })

  test('in development anything on the dev server origin is ours, other origins are not', () => {
    const check = windowSenderCheck(() => window as unknown as Electron.BrowserWindow, { kind: 'url', url: 'http://localhost:5173/' })
    const from = (url: string): boolean =>
      check({ sender: window.webContents, senderFrame: new FakeWebFrame(url) } as unknown as Electron.IpcMainInvokeEvent)
    expect(from('http://localhost:5173/#/chat')).toBe(true)
    expect(from('http://localhost:5174/')).toBe(false)
    expect(from('http://127.0.0.1:5173/')).toBe(false)
  })

  test('without a window nothing is trusted', async () => {
    dispose()
    registerIpcHandlers(
      core,
      windowSenderCheck(() => null, renderer),
    )
    expect(await invoke('getSession', undefined)).toMatchObject({ ok: false, error: { code: 'forbidden' } })
  })
})

describe('push events', () => {
  const samples: { [E in keyof IpcEvents]: IpcEvents[E] } = {
    session: { serverUrl: 'http://127.0.0.1:8787', user: null },
    connection: { state: 'offline', nextRetryAt: 1_000, lastError: 'ECONNREFUSED' },
    conversations: [],
    messages: { conversationId: 'c1', messages: [] },
    messagesRemoved: { conversationId: 'c1', keys: ['u1:k1'] },
    changeRefused: { conversationId: 'c1', messageKey: 'u1:k1', change: 'edit', code: 'forbidden', message: 'Not yours' },
    transfers: [{ direction: 'upload', id: 'st-0123456789', conversationId: 'c1', messageKey: 'u1:k1', loaded: 10, total: 100, state: 'active', error: null }],
    users: [],
    typing: { conversationId: 'c1', userIds: ['u2'] },
    windowFocus: { focused: true },
    openConversation: { conversationId: 'c1' },
    deepLink: { kind: 'message', conversationId: 'c1', seq: 7 },
    update: { state: 'ready', currentVersion: '1.0.0', version: '1.1.0', progress: null, error: null, lastCheckedAt: 1_000 },
    settings: {
      notifications: true,
      showMessagePreview: true,
      sendReadReceipts: true,
      language: 'en',
      theme: 'dark',
      downloadCacheMiB: 1024,
      quietHours: { enabled: true, start: 22 * 60, end: 7 * 60 },
      autoUpdate: true,
      updateUrl: null,
      launchAtLogin: false,
      startMinimized: false,
      closeToTray: true,
      historyBudget: { kind: 'messages', count: 5_000 },
      cacheMessageCap: 500_000,
      spellcheck: true,
      spellcheckLanguages: ['en-US'],
    },
  }

  test('every core event reaches the window on IPC_EVENT_CHANNEL as {event, payload}', () => {
    const stop = forwardCoreEvents(core, () => window.webContents as unknown as Electron.WebContents)
    for (const event of ipcEventNames) core.emit(event, samples[event])
    expect(window.webContents.send.mock.calls).toEqual(ipcEventNames.map((event) => [IPC_EVENT_CHANNEL, { event, payload: samples[event] }]))
    stop()
  })

  test('dispose unsubscribes from the core; nothing goes to a missing or destroyed window', () => {
    let target: Electron.WebContents | null = null
    const stop = forwardCoreEvents(core, () => target)
    expect(core.listenerCount()).toBe(ipcEventNames.length)
    core.emit('typing', samples.typing)
    window.webContents.destroyed = true
    target = window.webContents as unknown as Electron.WebContents
    core.emit('typing', samples.typing)
    expect(window.webContents.send).not.toHaveBeenCalled()
    stop()
    expect(core.listenerCount()).toBe(0)
  })
})
