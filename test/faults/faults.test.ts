/**
 * Randomized, seeded, reproducible faults (issue 6): three desktop cores, each
 * behind its own TCP proxy to ONE real server process, send, mark read and
 * read while links are cut, blackholed (half-open) and slowed down, the server
 * is SIGKILLed and restarted, and the apps restart. After every round the
 * caches equal the server, outboxes are empty, markers agree, and presence has
 * no ghosts — see fleet.ts for the checks and plan.ts for the fault model.
 *
 *   FAULT_SEED=<any text>  the seed (default 1); printed at the start and with every failure
 *   FAULT_ROUNDS=<n>       how many rounds (default 20)
 *   FAULT_VERBOSE=1        print every round's plan and timeline, not only a failing one's
 *
 * A failing round prints the seed, its plan and a timeline of what happened;
 * the same seed replays the same plan.
 */
import { afterAll, beforeAll, describe, test } from 'vitest'
import { Fleet } from './fleet'
import { describePlan, planRound } from './plan'

const SEED = process.env.FAULT_SEED?.trim() || '1'
const ROUNDS = Math.max(1, Number.parseInt(process.env.FAULT_ROUNDS ?? '', 10) || 20)
const VERBOSE = process.env.FAULT_VERBOSE === '1'

describe(`faults (FAULT_SEED=${SEED}, FAULT_ROUNDS=${ROUNDS})`, () => {
  let fleet: Fleet
  let failedRound: number | null = null
  const startedAt = Date.now()

  beforeAll(async () => {
    console.log(`fault suite: FAULT_SEED=${SEED} FAULT_ROUNDS=${ROUNDS}`)
    fleet = new Fleet()
    await fleet.start()
  }, 120_000)

  afterAll(async () => {
    console.log(`fault suite: ${failedRound === null ? 'done' : `failed in round ${failedRound}`} after ${((Date.now() - startedAt) / 1000).toFixed(1)} s`)
    await fleet?.stop()
  }, 60_000)

  for (let round = 1; round <= ROUNDS; round++) {
    test(`round ${round}`, async (context) => {
      // The world is not in a known state after a failure: later rounds would only repeat it.
      if (failedRound !== null) context.skip()
      const plan = planRound(SEED, round)
      try {
        await fleet.runRound(plan)
        if (VERBOSE) console.log([describePlan(plan), 'timeline:', ...fleet.timeline.map((line) => `  ${line}`)].join('\n'))
      } catch (err) {
        failedRound = round
        const state = await fleet.describeState().catch((e: unknown) => `(state unavailable: ${String(e)})`)
        console.error(
          [
            `FAULT SUITE FAILURE — replay with FAULT_SEED=${SEED} FAULT_ROUNDS=${round}`,
            describePlan(plan),
            'timeline:',
            ...fleet.timeline.map((line) => `  ${line}`),
            'state:',
            state,
          ].join('\n'),
        )
        if (err instanceof Error) err.message = `[FAULT_SEED=${SEED} round ${round}] ${err.message}`
        throw err
      }
    }, 180_000)
  }
})
