/**
 * Sizes of a load run, as `--name=value` (test/kit/options.ts): 500 clients
 * for 5 minutes at 0.2 messages/s each, seed 1, two worker processes,
 * presence channels on, unless told otherwise. `--capacity=100,200,300` runs
 * the capacity search instead (run.ts), 60 s per step unless --duration says
 * otherwise.
 */
import { boolean, decimal, integer, integers, readOptions, type OptionValues } from '../../test/kit/options'
import { resultsDir } from '../results'
import { MIN_USERS } from './social-graph'

export interface LoadOptions {
  clients: number
  durationS: number
  /** Messages per second per client. */
  rate: number
  seed: number
  /** Load-generating processes the clients are spread over. */
  workers: number
  /** Subscribe each client to its conversations' presence channels too. */
  presence: boolean
}

const RUN_S = 300
const CAPACITY_STEP_S = 60

const spec = {
  clients: integer(500, MIN_USERS),
  /** Seconds of sending: 300 for a run, 60 per step of a capacity search. */
  durationS: { ...decimal(null, 'a positive number of seconds', (value) => value > 0), flag: 'duration' },
  rate: decimal(0.2, 'messages/s per client, in (0, 10]', (value) => value > 0 && value <= 10),
  seed: integer(1, 0),
  workers: integer(2, 1, 8),
  presence: boolean(true),
  /** The client counts of a capacity search; none: a single run. */
  capacity: integers(null, MIN_USERS),
  resultsDir,
}

export interface LoadArguments {
  options: LoadOptions
  capacity: number[] | null
  resultsDir: string
}

export function readLoadArguments(argv?: readonly string[]): LoadArguments {
  const { capacity, resultsDir: dir, durationS, ...rest }: OptionValues<typeof spec> = readOptions(spec, argv)
  return { options: { ...rest, durationS: durationS ?? (capacity === null ? RUN_S : CAPACITY_STEP_S) }, capacity, resultsDir: dir }
}
