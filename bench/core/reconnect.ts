/**
 * Reconnect: alice's core talks to a real server through a TCP proxy that is
 * blackholed (a half-open link: no FIN, no RST). Measured: time until the
 * core stops calling the link connected — by its heartbeat, and after a
 * resume-from-sleep signal — and, after the proxy is restored while bob kept
 * writing, the time until everything bob wrote is cached. The yardsticks are
 * the configured bounds (activity timeout + pong timeout; the wake check).
 */
import { TcpProxy } from '../../test/helpers/tcp-proxy'
import { aliceCore, bobWrites, newUserData, startLiveServer, until } from './live-server'
import type { Scenario } from './scenario'

const ACTIVITY_S = 5
const PONG_MS = 2_000
const WAKE_MS = 3_000
const DURING_GAP = 200

export const reconnectScenario: Scenario = {
  name: 'reconnect',
  async run({ workDir, progress }) {
    progress('reconnect: server with a 5 s activity timeout, alice behind a proxy…')
    const setup = await startLiveServer(workDir, { ACTIVITY_TIMEOUT: String(ACTIVITY_S), PONG_GRACE: '2' })
    const proxy = new TcpProxy(setup.server.port)
    await proxy.start()
    const url = `http://127.0.0.1:${proxy.port}`
    const core = await aliceCore(setup, url, newUserData(workDir, 'alice'), {
      pongTimeoutMs: PONG_MS,
      wakeCheckMs: WAKE_MS,
    })
    const state = async () => (await core.getConnection()).state
    const cached = () => core.currentAccount?.cache.highestSeq(setup.conversationId) ?? 0
    try {
      await until(async () => (await state()) === 'connected', 20_000, 'connected')
      let total = 0

      // 1. Heartbeat: blackhole, wait for the core to notice by itself.
      proxy.blackhole()
      let start = performance.now()
      await until(async () => (await state()) !== 'connected', 60_000, 'heartbeat notices')
      const heartbeatMs = performance.now() - start
      await bobWrites(setup, DURING_GAP, 'hb')
      total += DURING_GAP
      proxy.restore()
      start = performance.now()
      await core.retryNow()
      await until(() => cached() === total, 60_000, 'synced after heartbeat')
      const syncAfterHeartbeatMs = performance.now() - start

      // 2. Resume from sleep: blackhole, then the shell's resume signal.
      await until(async () => (await state()) === 'connected', 20_000, 'connected again')
      proxy.blackhole()
      start = performance.now()
      core.systemResumed()
      await until(async () => (await state()) !== 'connected', 60_000, 'wake check notices')
      const wakeMs = performance.now() - start
      await bobWrites(setup, DURING_GAP, 'wake')
      total += DURING_GAP
      proxy.restore()
      start = performance.now()
      await core.retryNow()
      await until(() => cached() === total, 60_000, 'synced after wake')
      const syncAfterWakeMs = performance.now() - start

      const heartbeatBound = ACTIVITY_S * 1000 + PONG_MS
      const json = { heartbeatMs, heartbeatBoundMs: heartbeatBound, wakeMs, wakeBoundMs: WAKE_MS, syncAfterHeartbeatMs, syncAfterWakeMs, messagesDuringGap: DURING_GAP }
      return {
        json,
        tables: [
          {
            title: 'Reconnect: a blackholed link (half-open), through a TCP proxy to a real server process',
            header: ['', 'measured (ms)', 'bound (ms)', 'measured ÷ bound'],
            rows: [
              ['blackhole → not connected (heartbeat)', heartbeatMs.toFixed(0), String(heartbeatBound), (heartbeatMs / heartbeatBound).toFixed(2)],
              ['blackhole + resume → not connected (wake check)', wakeMs.toFixed(0), String(WAKE_MS), (wakeMs / WAKE_MS).toFixed(2)],
              [`restore → ${DURING_GAP} missed messages cached (after heartbeat)`, syncAfterHeartbeatMs.toFixed(0), '', ''],
              [`restore → ${DURING_GAP} missed messages cached (after wake)`, syncAfterWakeMs.toFixed(0), '', ''],
            ],
            notes: [
              `activity timeout ${ACTIVITY_S} s + pong timeout ${PONG_MS / 1000} s here (defaults: 30 s + 10 s → a dead link is seen within 40 s)`,
            ],
          },
        ],
      }
    } finally {
      await core.dispose()
      await proxy.stop()
      setup.server.child.kill('SIGKILL')
    }
  },
}
