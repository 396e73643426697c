/**
 * The desktop core in a Node process of its own, for a bench that measures
 * the core's memory apart from the bench's (writers, Playwright's client):
 * the parent's `startCoreProcess` forks this file, which creates the core
 * and answers over the IPC channel — calls through dispatchCall, as the shell
 * and the e2e harness make them, `/media/…` reads, memory after a forced GC —
 * and forwards every push event. What the parent gets back is a
 * `HarnessTarget` for `wireHarnessPageTo`.
 *
 * Forked with tsx and --expose-gc, and with the 'advanced' serialization so
 * bytes (an attachment's Uint8Array) cross as bytes. The child exits when the
 * parent goes away (worker.ts `runWorker`), so it never outlives a run.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { getHeapSpaceStatistics } from 'node:v8'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { pino } from 'pino'
import { createCore, type CoreOptions, type ParleyCore } from '../../src/main/core'
import type { MediaFile } from '../../src/main/core/core-api'
import { dispatchCall } from '../../src/main/core/dispatch'
import { EventHub } from '../../src/main/core/event-hub'
import { startHeapTrimmer } from '../../src/main/heap-trimmer'
import { ipcEventNames, type IpcEnvelope, type IpcEventName, type IpcEvents, type MediaKind } from '../../src/shared/ipc'
import { recordingServices } from '../../test/helpers/core'
import { nextMessage, repoRoot } from '../../test/kit/processes'
import { runWorker, tellParent, workerConfig } from '../../test/kit/worker'
import type { HarnessTarget } from '../../e2e/fixtures/harness-app'

/**
 * What the child needs to create its core (the shell services are its own: recordingServices, notifications
 * not kept), and whether it runs the heap trimmer beside it, as the shell does (src/main/heap-trimmer.ts).
 */
export type CoreProcessOptions = Pick<CoreOptions, 'userDataDir' | 'defaultServerUrl' | 'appInfo'> & { heapTrim: boolean }

/** The core process's memory, after two full collections. */
export interface CoreMemory {
  rss: number
  heapUsed: number
  /** What RSS is made of (Linux, /proc/self/status; 0 elsewhere): anonymous memory (heaps: V8's, the workers', SQLite's, malloc's) and file pages mapped in. */
  rssAnon: number
  rssFile: number
  /** Node's own accounting: V8 heaps reserved, and memory outside them held by JS objects (buffers). */
  heapTotal: number
  external: number
  /** V8's heap by space: bytes reserved and in use (`v8.getHeapSpaceStatistics`). */
  spaces: Record<string, { size: number; used: number }>
  /** How often the heap trimmer has given the young generation back so far (0 without it). */
  heapTrims: number
  /** Resident anonymous memory by kind of mapping (Linux, /proc/self/smaps): malloc's main heap (`[heap]`), the rest of it. */
  anonymous: { brkHeap: number; mapped: number }
}

/** Resident bytes of `[heap]` and of the other anonymous mappings, from /proc/self/smaps. */
function anonymousBreakdown(): { brkHeap: number; mapped: number } {
  if (process.platform !== 'linux') return { brkHeap: 0, mapped: 0 }
  let brkHeap = 0
  let mapped = 0
  let kind: 'heap' | 'anon' | 'file' = 'file'
  for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    const header = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line)
    if (header) {
      const name = header[1] ?? ''
      kind = name === '[heap]' ? 'heap' : name === '' || name.startsWith('[anon') ? 'anon' : 'file'
      continue
    }
    const rss = /^Rss:\s+(\d+) kB$/.exec(line)
    if (rss === null || kind === 'file') continue
    if (kind === 'heap') brkHeap += Number(rss[1]) * 1024
    else mapped += Number(rss[1]) * 1024
  }
  return { brkHeap, mapped }
}

/** A `VmRSS`-style line of /proc/self/status, in bytes (0 when there is none). */
function statusBytes(status: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status)
  return match ? Number(match[1]) * 1024 : 0
}

type ToCore =
  | { type: 'call'; id: number; name: unknown; args: unknown }
  | { type: 'media'; id: number; kind: MediaKind; mediaId: string }
  | { type: 'memory'; id: number }
  | { type: 'focus'; id: number; focused: boolean }
  | { type: 'dispose'; id: number }

/** A message to the core before `request` numbers it. */
type Unnumbered<M = ToCore> = M extends ToCore ? Omit<M, 'id'> : never

type FromCore =
  | { type: 'ready' }
  | { type: 'reply'; id: number; value: unknown }
  | { type: 'failed'; id: number; error: string }
  | { type: 'event'; event: IpcEventName; payload: unknown }

export interface CoreProcess extends HarnessTarget {
  readonly pid: number
  memory(): Promise<CoreMemory>
  /** The shell's signal that the window gained or lost focus. */
  windowFocusChanged(focused: boolean): Promise<void>
  /** Dispose of the core and wait for the process to exit. */
  dispose(): Promise<void>
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Fork the core process, with `v8Flags` if any; resolves once its core is created (the saved session, if any, restored). */
export async function startCoreProcess(options: CoreProcessOptions, v8Flags: readonly string[] = []): Promise<CoreProcess> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [JSON.stringify(options)], {
    cwd: repoRoot,
    execArgv: ['--import', 'tsx', '--expose-gc', ...v8Flags],
    serialization: 'advanced',
    stdio: ['ignore', 2, 2, 'ipc'],
  })
  const pid = child.pid
  if (pid === undefined) throw new Error('the core process did not start')
  const events = new EventHub<IpcEvents>((err, event) => console.error(`[core process] a "${event}" listener threw:`, err))
  const pending = new Map<number, { what: string; resolve(value: unknown): void; reject(err: Error): void }>()
  let nextId = 1
  let exit: string | null = null
  const ready = nextMessage<FromCore, 'ready'>(child, 'ready', 120_000)

  child.on('message', (message: FromCore) => {
    if (message.type === 'event') events.emit(message.event, message.payload as never)
    else if (message.type !== 'ready') {
      const request = pending.get(message.id)
      pending.delete(message.id)
      if (message.type === 'reply') request?.resolve(message.value)
      else request?.reject(new Error(`the core process (pid ${pid}), ${request?.what ?? 'a request'}: ${message.error}`))
    }
  })
  child.once('exit', (code, signal) => {
    exit = `the core process (pid ${pid}) exited (${signal ?? `code ${code}`})`
    for (const request of pending.values()) request.reject(new Error(`${exit} before answering ${request.what}`))
    pending.clear()
  })

  const request = (message: Unnumbered, what: string): Promise<unknown> =>
    new Promise((resolve, reject) => {
      if (exit !== null) return reject(new Error(`${exit}: cannot ask for ${what}`))
      const id = nextId++
      pending.set(id, { what, resolve, reject })
      // With a callback, a closed channel is this request's failure, not an 'error' event on the child.
      child.send({ ...message, id } as ToCore, (err) => {
        if (err === null) return
        pending.delete(id)
        reject(new Error(`the core process (pid ${pid}): cannot ask for ${what}: ${err.message}`))
      })
    })

  let disposed: Promise<void> | null = null
  await ready
  return {
    pid,
    dispatch: (name, args) => request({ type: 'call', name, args }, `"${String(name)}"`) as Promise<IpcEnvelope<unknown>>,
    readMedia: (kind, mediaId) => request({ type: 'media', kind, mediaId }, `media ${kind}/${mediaId}`) as Promise<MediaFile | null>,
    on: (event, listener) => events.on(event, listener),
    memory: () => request({ type: 'memory' }, 'its memory') as Promise<CoreMemory>,
    windowFocusChanged: async (focused) => void (await request({ type: 'focus', focused }, 'a focus change')),
    dispose() {
      disposed ??= (async () => {
        if (exit !== null) return
        const gone = new Promise((resolve) => child.once('exit', resolve))
        await request({ type: 'dispose' }, 'dispose')
        await gone
      })()
      return disposed
    },
  }
}

/** The child: one core, answering the parent until told to dispose of it. */
function serveCore(): void {
  runWorker(async () => {
    // Notifications go to the OS (one per conversation, replaced): the recording list of every one would be
    // the bench's memory growing with the day, not the core's.
    const services = { ...recordingServices(), showNotification: () => undefined, closeNotification: () => undefined }
    const { heapTrim, ...coreOptions } = workerConfig<CoreProcessOptions>()
    const core: ParleyCore = await createCore({ ...coreOptions, services }, pino({ level: 'silent' }))
    const trimmer = heapTrim ? startHeapTrimmer(pino({ level: 'silent' })) : null
    const gc = (globalThis as { gc?: () => void }).gc
    if (gc === undefined) throw new Error('the core process needs gc(): fork it with --expose-gc')
    for (const event of ipcEventNames) {
      core.onWindow(event, (payload) => {
        if (process.connected) tellParent<FromCore>({ type: 'event', event, payload })
      })
    }
    const answer = async (id: number, work: () => Promise<unknown>): Promise<void> => {
      try {
        tellParent<FromCore>({ type: 'reply', id, value: await work() })
      } catch (err) {
        tellParent<FromCore>({ type: 'failed', id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) })
      }
    }
    process.on('message', (message: ToCore) => {
      switch (message.type) {
        case 'call':
          return void answer(message.id, () => dispatchCall(core, message.name, message.args))
        case 'media':
          return void answer(message.id, () => core.readMedia(message.kind, message.mediaId))
        case 'memory':
          return void answer(message.id, async () => {
            // Twice, a moment apart: the first collection's finalizers free more for the second.
            gc()
            await sleep(100)
            gc()
            const { rss, heapUsed, heapTotal, external } = process.memoryUsage()
            const status = process.platform === 'linux' ? readFileSync('/proc/self/status', 'utf8') : ''
            const spaces = Object.fromEntries(getHeapSpaceStatistics().map((space) => [space.space_name, { size: space.space_size, used: space.space_used_size }]))
            return { rss, heapUsed, heapTotal, external, spaces, heapTrims: trimmer?.trims ?? 0, anonymous: anonymousBreakdown(), rssAnon: statusBytes(status, 'RssAnon'), rssFile: statusBytes(status, 'RssFile') } satisfies CoreMemory
          })
        case 'focus':
          return void answer(message.id, async () => {
            core.windowFocusChanged(message.focused)
            return null
          })
        case 'dispose':
          trimmer?.stop()
          return void core.dispose().then(
            () => process.send?.({ type: 'reply', id: message.id, value: null } satisfies FromCore, () => process.exit(0)),
            (err: unknown) => {
              console.error(err)
              process.exit(1)
            },
          )
      }
    })
    tellParent<FromCore>({ type: 'ready' })
  })
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) serveCore()
