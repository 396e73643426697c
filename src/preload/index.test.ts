import { beforeAll, beforeEach, expect, test, vi } from 'vitest'
import { contextBridge, ipcRenderer, resetFakeElectron } from '../../test/shell/fake-electron'
import { IPC_EVENT_CHANNEL, ipcCallNames, ipcChannel, ParleyError, type ParleyBridge } from '../shared/ipc'
import { parleyErrorFrom } from './bridge-error'

vi.mock('electron', () => import('../../test/shell/fake-electron'))

let exposed: [string, unknown][]
let parley: ParleyBridge

beforeAll(async () => {
  resetFakeElectron()
  await import('./index')
  exposed = contextBridge.exposeInMainWorld.mock.calls.map(([key, api]) => [key, api])
  parley = exposed[0]?.[1] as ParleyBridge
})

beforeEach(() => {
  ipcRenderer.invoke.mockReset()
})

/** What contextBridge makes of a rejection: a plain Error in the page's world, with only the message kept. */
function acrossTheBridge(err: unknown): Error {
  return new Error((err as Error).message)
}

test('the preload exposes exactly one key, parley: one method per call plus on, nothing else', () => {
  expect(exposed.map(([key]) => key)).toEqual(['parley'])
  expect(Object.keys(parley).sort()).toEqual([...ipcCallNames, 'on'].sort())
  for (const value of Object.values(parley)) expect(typeof value).toBe('function')
})

test('a call invokes its channel with the arguments and resolves the envelope value', async () => {
  ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: { serverUrl: 'http://127.0.0.1:8787', user: null } })
  await expect(parley.getSession()).resolves.toEqual({ serverUrl: 'http://127.0.0.1:8787', user: null })
  ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: null })
  await expect(parley.markRead({ conversationId: 'c1', seq: 3 })).resolves.toBeNull()
  expect(ipcRenderer.invoke.mock.calls).toEqual([
    [ipcChannel('getSession'), undefined],
    [ipcChannel('markRead'), { conversationId: 'c1', seq: 3 }],
  ])
})

test('an error envelope rejects with the code, and the code survives contextBridge in the message', async () => {
  ipcRenderer.invoke.mockResolvedValueOnce({ ok: false, error: { code: 'unauthorized', message: 'Wrong username or password.' } })
  const err = await parley.login({ serverUrl: 'http://x.test', username: 'a', password: 'b' }).catch((e: unknown) => e)
  expect(err).toBeInstanceOf(ParleyError)
  expect(err).toMatchObject({ code: 'unauthorized', message: '[unauthorized] Wrong username or password.' })

  const inThePage = parleyErrorFrom(acrossTheBridge(err))
  expect(inThePage).toBeInstanceOf(ParleyError)
  expect(inThePage).toMatchObject({ code: 'unauthorized', message: 'Wrong username or password.' })
})

test('a failed invoke or a malformed reply rejects with internal', async () => {
  ipcRenderer.invoke.mockRejectedValueOnce(new Error("No handler registered for 'parley:call:getSession'"))
  await expect(parley.getSession()).rejects.toMatchObject({ code: 'internal' })
  ipcRenderer.invoke.mockResolvedValueOnce('not an envelope')
  await expect(parley.getSession()).rejects.toMatchObject({ code: 'internal' })
  expect(parleyErrorFrom(new Error('something else'))).toMatchObject({ code: 'internal', message: 'something else' })
})

test('on delivers only its event, and the unsubscriber really unsubscribes', () => {
  const messages: unknown[] = []
  const typing: unknown[] = []
  const offMessages = parley.on('messages', (payload) => messages.push(payload))
  const offTyping = parley.on('typing', (payload) => typing.push(payload))
  expect(ipcRenderer.listenerCount(IPC_EVENT_CHANNEL)).toBe(1)

  const payload = { conversationId: 'c1', messages: [] }
  ipcRenderer.emit(IPC_EVENT_CHANNEL, {}, { event: 'messages', payload })
  expect(messages).toEqual([payload])
  expect(typing).toEqual([])

  offMessages()
  offMessages()
  ipcRenderer.emit(IPC_EVENT_CHANNEL, {}, { event: 'messages', payload })
  expect(messages).toEqual([payload])

  offTyping()
  expect(ipcRenderer.listenerCount(IPC_EVENT_CHANNEL)).toBe(0)
})

test('the same listener subscribed twice is two subscriptions; a throwing listener does not stop the others', () => {
  const seen: unknown[] = []
  const listener = (payload: unknown): void => {
    seen.push(payload)
  }
  const consoleError = vi.spyOn(console, 'error').mockImplementation(() => undefined)
  const offThrowing = parley.on('windowFocus', () => {
    throw new Error('listener bug')
  })
  const offFirst = parley.on('windowFocus', listener)
  const offSecond = parley.on('windowFocus', listener)
  ipcRenderer.emit(IPC_EVENT_CHANNEL, {}, { event: 'windowFocus', payload: { focused: true } })
  expect(seen).toEqual([{ focused: true }, { focused: true }])
  expect(consoleError).toHaveBeenCalledOnce()
  offFirst()
  ipcRenderer.emit(IPC_EVENT_CHANNEL, {}, { event: 'windowFocus', payload: { focused: false } })
  expect(seen).toHaveLength(3)
  offSecond()
  offThrowing()
  consoleError.mockRestore()
})

test('on refuses unknown events and non-function listeners', () => {
  expect(() => parley.on('nope' as 'messages', () => undefined)).toThrow(/unknown event/)
  expect(() => parley.on('messages', 'x' as unknown as () => void)).toThrow(/function/)
  expect(ipcRenderer.listenerCount(IPC_EVENT_CHANNEL)).toBe(0)
})
