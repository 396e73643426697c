/**
 * Benchmark sizes, as `--name=value` (test/kit/options.ts). A quick run:
 * `npm run bench:core -- --messages=20000 --rounds=1`; a subset of the
 * scenarios: `--scenarios=gapFill,reconnect`.
 */
import { choices, integer, text, readOptions as read, type OptionValues } from '../../test/kit/options'
import { resultsDir } from '../results'

export const SCENARIO_NAMES = ['ingest', 'openConversation', 'gapFill', 'reconnect', 'changes', 'weekend', 'eviction'] as const
export type ScenarioName = (typeof SCENARIO_NAMES)[number]

const spec = {
  /** The scenarios to run, in this order. */
  scenarios: choices<ScenarioName>(SCENARIO_NAMES, SCENARIO_NAMES),
  /** Messages ingested (scenario 1) and cached in the opened conversation (scenario 2). */
  messages: integer(100_000),
  /** Messages per storeMessages call: a server page. */
  batch: integer(200),
  /** Ingest rounds per target, run alternately so that other load hits all alike. */
  rounds: integer(3),
  /** Timed runs of each read (first page). */
  readRuns: integer(200),
  /** Timed runs of each search query. */
  searchRuns: integer(50),
  /** Seed of the generated message bodies. */
  seed: integer(20_240_601),
  /** Gap-fill: messages bob writes while alice's app is closed. */
  gapMessages: integer(10_000),
  /** Changes: edits and reaction toggles bob makes while alice's app is closed. */
  changes: integer(10_000),
  /**
   * Changes: reaction toggles (and as many sends) timed from bob's core to
   * alice's. 600, so that the p99 is not one or two samples (with 100 it
   * swung 1.1–1.6× a send's between runs; with 600, 0.8–1.1×).
   */
  toggles: integer(600),
  /** Back from a weekend: messages bob writes over the weekend, spread over this many conversations (weekend.ts). */
  weekendMessages: integer(20_000),
  weekendConversations: integer(200),
  /** Back from a weekend: runs of the catch-up (and of its baselines, alternating); medians reported. */
  weekendRuns: integer(3),
  /** Back from a weekend: write a CPU profile (.cpuprofile) of the last Parley run to this path ('' = none). */
  weekendProfile: text('', 'a file path'),
  resultsDir,
}

export type CoreBenchOptions = OptionValues<typeof spec>

export const readOptions = (argv?: readonly string[]): CoreBenchOptions => read(spec, argv)
