/**
 * The main side of the IPC contract (src/shared/ipc.ts): one handler per
 * call, and the core's push events forwarded to the window.
 *
 * Every handler resolves an `IpcEnvelope` — it never throws into Electron —
 * so an error keeps its code on the way to the renderer: a foreign sender is
 * `forbidden`; everything else goes through the core's `dispatchCall` (shared
 * with the e2e harness): arguments that fail their zod schema are
 * `bad_request` and never reach the core, an error from the core keeps its
 * `code` (or becomes `internal`).
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent, type WebContents } from 'electron'
import {
  IPC_EVENT_CHANNEL,
  ipcCallNames,
  ipcChannel,
  ipcEventNames,
  type IpcCallName,
  type IpcEnvelope,
  type IpcEventName,
  type IpcEvents,
} from '../shared/ipc'
import type { ParleyCore } from './core/core-api'
import { dispatchCall } from './core/dispatch'
import { shellLog } from './log'
import { isRendererUrl, type RendererLocation } from './renderer-location'

const log = shellLog('ipc')

/** What travels on IPC_EVENT_CHANNEL. */
export interface IpcEventMessage<E extends IpcEventName = IpcEventName> {
  event: E
  payload: IpcEvents[E]
}

/** Decides whether an invoke comes from our renderer. */
export type SenderCheck = (event: IpcMainInvokeEvent) => boolean

/**
 * Trusts only the top frame of our window while it shows our renderer — not
 * an iframe, not another window, not a page it was somehow navigated to.
 */
export function windowSenderCheck(getWindow: () => BrowserWindow | null, renderer: RendererLocation): SenderCheck {
  return (event) => {
    const window = getWindow()
    const frame = event.senderFrame
    if (window === null || window.isDestroyed() || frame === null) return false
    return event.sender === window.webContents && frame.parent === null && isRendererUrl(renderer, frame.url)
  }
}

export function registerIpcHandlers(core: ParleyCore, isTrustedSender: SenderCheck): () => void {
  for (const name of ipcCallNames) {
    ipcMain.handle(ipcChannel(name), (event, args: unknown) => handleCall(core, name, isTrustedSender, event, args))
  }
  return () => {
    for (const name of ipcCallNames) ipcMain.removeHandler(ipcChannel(name))
  }
}

async function handleCall(
  core: ParleyCore,
  name: IpcCallName,
  isTrustedSender: SenderCheck,
  event: IpcMainInvokeEvent,
  args: unknown,
): Promise<IpcEnvelope<unknown>> {
  if (!trusts(isTrustedSender, event)) {
    log.warn({ call: name, url: event.senderFrame?.url ?? null }, 'refused a call from a frame that is not the Parley window')
    return failure('forbidden', 'Only the Parley window may call this.')
  }
  try {
    const reply = await dispatchCall(core, name, args)
    if (!reply.ok && reply.error.code === 'internal') log.error({ call: name, err: reply.error.message }, 'a core call failed unexpectedly')
    return reply
  } catch (err) {
    log.error({ call: name, err: String(err) }, 'a core call failed unexpectedly')
    return failure('internal', 'Something went wrong.')
  }
}

function trusts(isTrustedSender: SenderCheck, event: IpcMainInvokeEvent): boolean {
  try {
    return isTrustedSender(event)
  } catch {
    return false
  }
}

/** Forwards every core push event for the window (`onWindow`) to its renderer; the target may change or vanish over time. */
export function forwardCoreEvents(core: ParleyCore, target: () => WebContents | null): () => void {
  const unsubscribers = ipcEventNames.map((event) =>
    core.onWindow(event, (payload) => {
      const contents = target()
      if (contents === null || contents.isDestroyed()) return
      const message: IpcEventMessage = { event, payload }
      contents.send(IPC_EVENT_CHANNEL, message)
    }),
  )
  return () => {
    for (const unsubscribe of unsubscribers) unsubscribe()
  }
}

function failure(code: string, message: string): { ok: false; error: { code: string; message: string } } {
  return { ok: false, error: { code, message } }
}
