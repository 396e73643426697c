/**
 * The server under test as its own process, started the way `npm run server`
 * starts it (Node + tsx on src/server/index.ts) on a free loopback port with a
 * fresh DATA_DIR and limits high enough never to answer 429. Ready when it
 * prints its URL; stopped with SIGTERM (SIGKILL if it lingers), and killed
 * whenever this process exits, so it never outlives the benchmark.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
const READY = /^Parley server listening on (http:\/\/\S+)$/
const START_TIMEOUT_MS = 30_000
const STOP_TIMEOUT_MS = 10_000

export interface ServerProcess {
  url: string
  pid: number
  stop(): Promise<void>
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      probe.close(() => resolve(port))
    })
  })
}

export async function startServer(dataDir: string): Promise<ServerProcess> {
  const port = await freePort()
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/index.ts'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      SEND_RATE_LIMIT: '100000000',
      AUTH_RATE_LIMIT: '100000',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const killOnExit = (): void => void child.kill('SIGKILL')
  process.once('exit', killOnExit)
  const exited = once(child, 'exit')

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server did not start in time')), START_TIMEOUT_MS)
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = READY.exec(line)
      if (match?.[1] !== undefined) {
        clearTimeout(timer)
        resolve(match[1])
      } else {
        console.error(`[server] ${line}`)
      }
    })
    exited.then(
      ([code]) => reject(new Error(`the server exited with ${String(code)} before it was ready`)),
      reject,
    ).finally(() => clearTimeout(timer))
  }).catch((err: unknown) => {
    child.kill('SIGKILL')
    throw err
  })
  if (child.pid === undefined) throw new Error('the server has no pid')

  return {
    url,
    pid: child.pid,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        const force = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS)
        await exited
        clearTimeout(force)
      }
      process.off('exit', killOnExit)
    },
  }
}
