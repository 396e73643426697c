/**
 * The two servers under test, each started fresh in its own process: Parley
 * as `npm run server` would run it (one fan-out node: a temporary DATA_DIR,
 * connection limits raised), and the bare-ws baseline. Both listen on port 0
 * and are found through the URL they print when ready.
 */
import { spawnTsx, stopProcess, waitForLine } from '../../test/kit/processes'
import { newApp, startNodeSet, type FanoutNode } from '../fanout/nodes'
import { pusherUrl } from '../fanout/pusher-socket'
import type { FanoutTarget } from '../fanout/round'

export type Target = 'parley' | 'baseline'

const START_TIMEOUT_MS = 30_000

export interface RunningServer extends FanoutTarget {
  target: Target
  /** The one node. */
  server: FanoutNode
  stop(): Promise<void>
}

async function startParley(): Promise<RunningServer> {
  const set = await startNodeSet({ label: 'parley', nodes: 1 }, newApp())
  const [server] = set.nodes
  if (server === undefined) throw new Error('the Parley server did not start')
  return { target: 'parley', server, nodes: set.nodes, app: set.app, stop: set.stop }
}

async function startBaseline(): Promise<RunningServer> {
  const child = spawnTsx('bench/realtime/baseline-server.ts', process.env)
  const stop = (): Promise<void> => stopProcess(child)
  try {
    const match = await waitForLine(child, /^Baseline listening on http:\/\/127\.0\.0\.1:(\d+)/, START_TIMEOUT_MS)
    if (child.pid === undefined) throw new Error('the baseline has no pid')
    const port = Number(match[1])
    const server = { pid: child.pid, port, url: `http://127.0.0.1:${port}`, wsUrl: pusherUrl(port, 'baseline') }
    return { target: 'baseline', server, nodes: [server], app: null, stop }
  } catch (err) {
    await stop()
    throw err
  }
}

export function startServer(target: Target): Promise<RunningServer> {
  return target === 'parley' ? startParley() : startBaseline()
}
