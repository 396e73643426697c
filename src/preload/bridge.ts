/**
 * `window.parley`, built from the IPC contract (src/shared/ipc.ts): one
 * method per call that invokes its channel and unwraps the `IpcEnvelope`
 * (errors reject — see bridge-error.ts for how their code survives the
 * bridge), and `on(event, listener)` for push events, returning the
 * unsubscriber. It holds the only reference to ipcRenderer; the page never
 * sees channel names.
 */
import type { IpcRenderer, IpcRendererEvent } from 'electron'
import { IPC_EVENT_CHANNEL, ipcCallNames, ipcChannel, ipcEventNames, type IpcCallName, type IpcEventName, type ParleyBridge } from '../shared/ipc'
import { bridgeError } from './bridge-error'

export type BridgeIpc = Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>

type Listener = (payload: unknown) => void

export function createParleyBridge(ipc: BridgeIpc): ParleyBridge {
  const listeners = new Map<IpcEventName, Set<Listener>>()
  let attached = false

  const dispatch = (_event: IpcRendererEvent, message: unknown): void => {
    if (!isEventMessage(message)) return
    for (const listener of [...(listeners.get(message.event) ?? [])]) {
      try {
        listener(message.payload)
      } catch (err) {
        console.error(`parley: a listener for "${message.event}" threw`, err)
      }
    }
  }

  // One ipcRenderer listener serves every subscription; it is attached while anyone listens.
  const on = (event: IpcEventName, listener: Listener): (() => void) => {
    if (!ipcEventNames.includes(event)) throw new TypeError(`parley.on: unknown event ${JSON.stringify(event)}`)
    if (typeof listener !== 'function') throw new TypeError('parley.on: the listener must be a function')
    const subscription: Listener = (payload) => listener(payload)
    let set = listeners.get(event)
    if (set === undefined) listeners.set(event, (set = new Set()))
    set.add(subscription)
    if (!attached) {
      ipc.on(IPC_EVENT_CHANNEL, dispatch)
      attached = true
    }
    return () => {
      if (!set.delete(subscription)) return
      if (set.size === 0) listeners.delete(event)
      if (listeners.size === 0 && attached) {
        ipc.removeListener(IPC_EVENT_CHANNEL, dispatch)
        attached = false
      }
    }
  }

  const call = async (name: IpcCallName, args: unknown): Promise<unknown> => {
    let reply: unknown
    try {
      reply = await ipc.invoke(ipcChannel(name), args)
    } catch (err) {
      throw bridgeError('internal', `${name} did not reach the app: ${err instanceof Error ? err.message : String(err)}`)
    }
    if (!isEnvelope(reply)) throw bridgeError('internal', `${name} got a malformed reply`)
    if (reply.ok) return reply.value
    throw bridgeError(reply.error.code, reply.error.message)
  }

  const bridge: Record<string, unknown> = { on }
  for (const name of ipcCallNames) bridge[name] = (args?: unknown) => call(name, args)
  return bridge as ParleyBridge
}

function isEventMessage(value: unknown): value is { event: IpcEventName; payload: unknown } {
  return typeof value === 'object' && value !== null && typeof (value as { event?: unknown }).event === 'string'
}

type WireEnvelope = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } }

function isEnvelope(value: unknown): value is WireEnvelope {
  if (typeof value !== 'object' || value === null) return false
  const reply = value as { ok?: unknown; error?: { code?: unknown; message?: unknown } }
  if (reply.ok === true) return 'value' in reply
  return reply.ok === false && typeof reply.error?.code === 'string' && typeof reply.error.message === 'string'
}
