/**
 * bench:desk's sizes, as `--name=value` (test/kit/options.ts). A quick run:
 * `npm run bench:desk -- --messages=20000 --runs=3 --switches=60`; one
 * scenario: `--scenarios=coldStart`.
 */
import { boolean, choices, integer, readOptions as read, text, type OptionValues } from '../../test/kit/options'
import { resultsDir } from '../results'

export const SCENARIO_NAMES = ['coldStart', 'sidebar', 'day', 'weekend'] as const
export type ScenarioName = (typeof SCENARIO_NAMES)[number]

/** Cold start (cold-start.ts): a large cache against an empty one. */
const coldStart = {
  /** Conversations in the large cache … */
  conversations: integer(500),
  /** … and messages over them (the first, newest conversation the largest). */
  messages: integer(200_000),
  /** The baseline: the messages of the one conversation in the empty cache (one page). */
  baselineMessages: integer(50),
  /** Starts of each cache, alternating, after one untimed start of each (then as many offline). */
  runs: integer(5),
  /** true: the core holds a restored sign-in's connection until the window's first paint, as the app does (design §7.4); false: connects at once (the start before it, for a same-run before/after). */
  awaitFirstPaint: boolean(true),
}

/** Sidebar (sidebar.ts): switching conversation in a long list against a short one. */
const sidebar = {
  sidebarConversations: integer(2_000),
  sidebarBaseline: integer(20),
  /** Timed switches in each list (alternating between the two), after a round of untimed ones … */
  switches: integer(200),
  /** … among the top of both lists (alike in both) … */
  switchAmong: integer(8, 2),
  /** … a pause between two, ms (as a person clicks). */
  pauseMs: integer(150, 0),
}

const spec = {
  /** The scenarios to run, in this order. */
  scenarios: choices<ScenarioName>(SCENARIO_NAMES, SCENARIO_NAMES),
  ...coldStart,
  ...sidebar,
  /** A day at the desk (day-at-the-desk.ts): messages arriving during the day … */
  dayMessages: integer(50_000),
  /** … over this many conversations … */
  dayConversations: integer(300, 2),
  /** … at this rate (messages per second), while the user switches among the first few … */
  dayRate: integer(250),
  daySwitchAmong: integer(20, 2),
  /** … one every this many ms … */
  daySwitchEveryMs: integer(1_500, 0),
  /** … and scrolls back once through the whole history of the newest, which holds this many messages before the day. */
  dayHistory: integer(20_000),
  /** Messages every other conversation holds before the day. */
  dayShortHistory: integer(60),
  /** A heap snapshot of the renderer at start-up and at the end: what grew, by constructor (slow on a large heap). */
  dayCensus: boolean(false),
  /** After the day, the core is sampled again once idle this long (ms). */
  dayIdleMs: integer(15_000, 0),
  /** The core's process runs the heap trimmer, as the shell does (src/main/heap-trimmer.ts); false: what V8 alone keeps. */
  dayHeapTrim: boolean(true),
  /** Back from a weekend (weekend.ts, bench/core/weekend.ts with the window): messages missed … */
  weekendMessages: integer(20_000),
  /** … over this many conversations; catch-ups timed (each after its baselines). */
  weekendConversations: integer(200, 2),
  weekendRuns: integer(3),
  /** Back from a weekend: write a CPU profile (.cpuprofile) of the core's process over the last catch-up to this path ('' = none). */
  weekendProfile: text('', 'a file path'),
  /** Seed of the generated histories. */
  seed: integer(20_251_206),
  /** A directory for profiles of one more large-cache start (core: .cpuprofile; renderer: Chromium trace); empty: none. */
  profileDir: text('', 'a directory, absolute or relative to the repository'),
  resultsDir,
}

export type DeskBenchOptions = OptionValues<typeof spec>

export const readOptions = (argv?: readonly string[]): DeskBenchOptions => read(spec, argv)
