/**
 * The CI version of `npm run bench:load` (issue 6, "Load and soak"): 100
 * clients — real pusher-js + REST, each in 3 direct conversations and 2 groups
 * — send for 60 s against one real server process; then every client must
 * hold exactly the server's history of each of its conversations. Fails on
 * loss, on a duplicate left in a client's state, on a phantom or on a failed
 * send; never on timing (latency and throughput are only printed). Every wait
 * inside is bounded by a condition or a generous deadline.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { runLoad } from '../../bench/load/load-run'
import { cleanUpNow } from '../kit/processes'
import { formatReport } from '../../bench/load/report'

const CLIENTS = 100
/** Each client is in 3 direct conversations and 2 groups (an even count gives everyone 3 partners). */
const CONVERSATIONS_PER_CLIENT = 5

// Should the test time out mid-run, no server or worker outlives it.
afterAll(() => cleanUpNow())

describe('load and soak', () => {
  it(`${CLIENTS} clients for 60 s: every client ends with exactly the server's history`, async () => {
    const report = await runLoad({ clients: CLIENTS, durationS: 60, rate: 0.2, seed: 1, workers: 2, presence: true }, (line) =>
      console.error(`[load] ${line}`),
    )
    console.log(formatReport(report))

    const v = report.verification
    expect(report.sends.ok).toBeGreaterThan(0)
    expect(v.conversationsChecked).toBe(CLIENTS * CONVERSATIONS_PER_CLIENT)
    expect(v.serverMessages).toBeGreaterThan(0)
    expect(
      {
        lost: v.lost,
        duplicatesInState: v.duplicatesInState,
        phantom: v.phantom,
        seqMismatch: v.seqMismatch,
        mismatchedConversations: v.mismatchedConversations,
        failedSends: report.sends.failed,
      },
      [...report.problems, ...report.sends.errors].join('\n'),
    ).toEqual({ lost: 0, duplicatesInState: 0, phantom: 0, seqMismatch: 0, mismatchedConversations: 0, failedSends: 0 })
    expect(v.heldMessages).toBe(v.serverMessages)
  }, 240_000)
})
