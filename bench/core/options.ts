/**
 * Benchmark sizes: a CLI flag (`--messages=20000`), else the environment
 * (`MESSAGES=20000`), else the default. A quick smoke run:
 * `MESSAGES=20000 ROUNDS=1 npm run bench:core`.
 */

export interface CoreBenchOptions {
  /** Messages ingested (scenario 1) and cached in the opened conversation (scenario 2). */
  messages: number
  /** Messages per storeMessages call: a server page. */
  batch: number
  /** Ingest rounds per target, run alternately so that other load hits all alike. */
  rounds: number
  /** Timed runs of each read (first page). */
  readRuns: number
  /** Timed runs of each search query. */
  searchRuns: number
  /** Seed of the generated message bodies. */
  seed: number
}

const defaults: CoreBenchOptions = {
  messages: 100_000,
  batch: 200,
  rounds: 3,
  readRuns: 200,
  searchRuns: 50,
  seed: 20_240_601,
}

const flagOf = (option: string): string => `--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`
const envOf = (option: string): string => option.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()

export function readOptions(argv: readonly string[] = process.argv.slice(2), env = process.env): CoreBenchOptions {
  const options = { ...defaults }
  const flags = new Map(argv.map((arg) => [arg.split('=')[0] ?? '', arg.slice(arg.indexOf('=') + 1)]))
  for (const flag of flags.keys()) {
    if (!Object.keys(defaults).some((option) => flagOf(option) === flag)) {
      throw new Error(`Unknown argument ${flag}; known: ${Object.keys(defaults).map(flagOf).join(', ')} (as --name=value)`)
    }
  }
  for (const option of Object.keys(defaults) as (keyof CoreBenchOptions)[]) {
    const raw = flags.get(flagOf(option)) ?? env[envOf(option)]
    if (raw === undefined) continue
    const value = Number(raw)
    if (!Number.isInteger(value) || value < 1) throw new Error(`${flagOf(option)} must be a positive integer, got ${raw}`)
    options[option] = value
  }
  return options
}
