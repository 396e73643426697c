/**
 * Sizes of a load run, from command-line flags (`--clients 100` or
 * `--clients=100`), else the environment (CLIENTS=100), else the defaults:
 * 500 clients for 5 minutes at 0.2 messages/s each, seed 1, two worker
 * processes, presence channels on. `--capacity 100,200,300` runs the
 * capacity search instead (run.ts).
 */
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

export const defaultOptions: LoadOptions = { clients: 500, durationS: 300, rate: 0.2, seed: 1, workers: 2, presence: true }

const FLAGS = {
  clients: 'CLIENTS',
  duration: 'DURATION_S',
  rate: 'RATE',
  seed: 'SEED',
  workers: 'WORKERS',
  presence: 'PRESENCE',
  capacity: 'CAPACITY',
} as const
type Flag = keyof typeof FLAGS

/** The value of `--name value`, `--name=value`, or the variable of that name. */
export function setting(name: Flag, argv: readonly string[] = process.argv.slice(2), env = process.env): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? ''
    if (arg === `--${name}`) return argv[i + 1]
    if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3)
  }
  const value = env[FLAGS[name]]
  return value === '' ? undefined : value
}

function number(name: Flag, fallback: number, check: (value: number) => boolean, what: string): number {
  const raw = setting(name)
  if (raw === undefined) return fallback
  const value = Number(raw)
  if (!Number.isFinite(value) || !check(value)) throw new Error(`--${name} / ${FLAGS[name]} must be ${what}, got ${raw}`)
  return value
}

const positiveInt = (value: number): boolean => Number.isInteger(value) && value > 0

export function readOptions(): LoadOptions {
  const presence = setting('presence')
  if (presence !== undefined && !['0', '1', 'true', 'false'].includes(presence)) {
    throw new Error(`--presence / PRESENCE must be true or false, got ${presence}`)
  }
  return {
    clients: number('clients', defaultOptions.clients, (v) => positiveInt(v) && v >= MIN_USERS, `an integer ≥ ${MIN_USERS}`),
    durationS: number('duration', defaultOptions.durationS, (v) => v > 0, 'a positive number of seconds'),
    rate: number('rate', defaultOptions.rate, (v) => v > 0 && v <= 10, 'messages/s per client, in (0, 10]'),
    seed: number('seed', defaultOptions.seed, (v) => Number.isInteger(v) && v >= 0, 'a non-negative integer'),
    workers: number('workers', defaultOptions.workers, (v) => positiveInt(v) && v <= 8, 'an integer from 1 to 8'),
    presence: presence === undefined ? defaultOptions.presence : presence === '1' || presence === 'true',
  }
}

/** `--capacity 100,200,300`: the client counts of a capacity search, or null for a single run. */
export function readCapacitySteps(): number[] | null {
  const raw = setting('capacity')
  if (raw === undefined) return null
  const steps = raw.split(',').map((part) => Number(part.trim()))
  if (steps.length === 0 || steps.some((step) => !positiveInt(step) || step < MIN_USERS)) {
    throw new Error(`--capacity / CAPACITY must list client counts ≥ ${MIN_USERS}, e.g. 100,200,300; got ${raw}`)
  }
  return steps
}
