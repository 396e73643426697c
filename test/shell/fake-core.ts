/**
 * A recording stand-in for the desktop core, for the shell's IPC tests: it
 * implements `ParleyCore`, records every call and signal, answers each call
 * with `{ answeredBy: <call> }` unless a test sets `behaviour[call]`, and
 * lets a test push events. The real core is tested in src/main/core.
 */
import { ipcCallNames, type IpcCallName, type IpcEventName, type IpcEvents, type MediaKind } from '../../src/shared/ipc'
import type { MediaFile, ParleyCore } from '../../src/main/core/core-api'

type Listener = (payload: never) => void

export interface FakeCore extends ParleyCore {
  readonly media: Map<string, MediaFile>
  readonly calls: { name: IpcCallName; args: unknown }[]
  readonly signals: { name: string; args: unknown[] }[]
  readonly behaviour: Partial<Record<IpcCallName, (args: unknown) => unknown>>
  emit<E extends IpcEventName>(event: E, payload: IpcEvents[E]): void
  listenerCount(): number
}

export function fakeCore(): FakeCore {
  const listeners = new Map<IpcEventName, Set<Listener>>()
  const calls: FakeCore['calls'] = []
  const signals: FakeCore['signals'] = []
  const behaviour: FakeCore['behaviour'] = {}
  const signal =
    (name: string) =>
    (...args: unknown[]): void => {
      signals.push({ name, args })
    }
  const methods = Object.fromEntries(
    ipcCallNames.map((name) => [
      name,
      async (args: unknown) => {
        calls.push({ name, args })
        const answer = behaviour[name]
        return answer ? answer(args) : { answeredBy: name }
      },
    ]),
  )
  const core = {
    ...methods,
    calls,
    signals,
    behaviour,
    on(event: IpcEventName, listener: Listener) {
      let set = listeners.get(event)
      if (set === undefined) listeners.set(event, (set = new Set()))
      set.add(listener)
      return () => {
        set.delete(listener)
      }
    },
    /** As `on`: the fake keeps no holds (the real core's filter of `messages` is tested against the real core). */
    onWindow(event: IpcEventName, listener: Listener) {
      return core.on(event, listener)
    },
    emit(event: IpcEventName, payload: unknown) {
      for (const listener of listeners.get(event) ?? []) (listener as (payload: unknown) => void)(payload)
    },
    listenerCount: () => [...listeners.values()].reduce((sum, set) => sum + set.size, 0),
    windowFocusChanged: signal('windowFocusChanged'),
    systemResumed: signal('systemResumed'),
    networkChanged: signal('networkChanged'),
    notificationClicked: signal('notificationClicked'),
    openDeepLink: (url: string) => {
      signals.push({ name: 'openDeepLink', args: [url] })
      return true
    },
    dispose: async () => {
      signals.push({ name: 'dispose', args: [] })
    },
    /** What readMedia answers, by `${kind}/${id}` (a test fills it); anything else is null. */
    media: new Map<string, MediaFile>(),
    readMedia: async (kind: MediaKind, id: string) => {
      signals.push({ name: 'readMedia', args: [kind, id] })
      return (core.media as Map<string, MediaFile>).get(`${kind}/${id}`) ?? null
    },
  }
  return core as unknown as FakeCore
}
