/**
 * The last line of defence of src/server/index.ts (issue 14): an error that
 * escaped every handler is logged as CRASH_LOG_MESSAGE at fatal level, the
 * open sockets hear 4200 ("reconnect elsewhere"), and the process exits 1 so
 * a supervisor starts a clean one. No request can reach that handler (the
 * hostile suites make sure of it), so the failure is planted from outside: a
 * real `npm run server` process preloads fixtures/planted-failure.mjs, which
 * throws, or leaves a promise rejected, when the process gets SIGUSR2.
 */
import { expect, test } from 'vitest'
import { CRASH_LOG_MESSAGE } from '../../src/server/logger'
import { RawSocket } from '../helpers/clients'
import { CHILD_CREDENTIALS, startChildServer, until } from './support'

const PLANTED = new URL('./fixtures/planted-failure.mjs', import.meta.url).href

/** The server's JSON log lines (pino), in order. */
function logLines(output: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
}

test.each([
  ['an exception thrown from a callback', 'exception', 'uncaughtException'],
  ['a promise rejected with no handler', 'rejection', 'unhandledRejection'],
])('%s: logged as a crash at fatal level, the sockets hear 4200, the process exits 1', async (_what, failure, kind) => {
  const server = await startChildServer({
    NODE_OPTIONS: [process.env.NODE_OPTIONS, `--import=${PLANTED}`].filter(Boolean).join(' '),
    PLANTED_FAILURE: failure,
  })
  const socket = new RawSocket(`ws://127.0.0.1:${server.port}/app/${CHILD_CREDENTIALS.key}?protocol=7`)
  try {
    await socket.waitFor((frame) => frame.event === 'pusher:connection_established')
    expect(server.output()).not.toContain(CRASH_LOG_MESSAGE)

    server.child.kill('SIGUSR2')
    await until(() => server.child.exitCode !== null || server.child.signalCode !== null, 'the server exits', 5_000)
    expect(server.child.exitCode).toBe(1)
    expect(await socket.closed(1_000)).toBe(4200)
    const crash = logLines(server.output()).find((line) => line.msg === CRASH_LOG_MESSAGE)
    expect(crash, server.output()).toMatchObject({ level: 60, kind, err: { message: 'planted by crash-exit.test.ts' } })
  } finally {
    socket.close()
    await server.stop()
  }
})
