/**
 * Sizes of `npm run bench:history`, as `--name=value` (test/kit/options.ts).
 * The default is issue 23's: a workspace of 1,000,000 messages against one of
 * 10,000 over the same 2,000 conversations. A quick run:
 * `npm run bench:history -- --messages=100000 --rounds=1 --backfill-ms=5000`.
 */
import { integer, readOptions, text, type OptionValues } from '../../test/kit/options'
import { resultsDir } from '../results'

const spec = {
  /** Messages of the big workspace. */
  messages: integer(1_000_000),
  /** Messages of the small workspace (the first this-many of the big one's, over the same conversations). */
  smallMessages: integer(10_000),
  /**
   * Messages of a third workspace signed in to in the same run (0: none): by
   * default one whose conversations hold at least a full latest page each, so
   * that big ÷ control compares the same first sign-in work over histories of
   * different size (10,000 over 2,000 conversations is 5 each).
   */
  controlMessages: integer(200_000, 0),
  conversations: integer(2_000, 2),
  /** Accounts the conversations' members are drawn from; the first is the one who signs in (a member of every conversation). */
  users: integer(500, 2),
  /** The datasets' seed: the same seed, the same workspaces. */
  seed: integer(23, 0),
  /** Sign-ins per workspace, alternating big and small; medians reported. */
  rounds: integer(3),
  /** The conversation opened as soon as the list shows it: its rank in the dataset's skew (0: the busiest). */
  openRank: integer(1, 0),
  /** The background backfill is timed over this window after its first page (big workspace, each round)… */
  backfillMs: integer(30_000),
  /** …or until it stored this many messages, whichever comes first. */
  backfillMessages: integer(300_000),
  /** Seeded server databases are kept here, keyed by size, seed and schema, for the next run ('' = seed every run). */
  seedCache: text('/tmp/parley-bench-history', "a directory, or '' for none"),
  /** Write a CPU profile (.cpuprofile) of the last big sign-in, from creating the core to ready, to this path ('' = none). */
  profile: text('', 'a file path'),
  resultsDir,
}

export type HistoryBenchOptions = OptionValues<typeof spec>

export const readHistoryOptions = (argv?: readonly string[]): HistoryBenchOptions => readOptions(spec, argv)
