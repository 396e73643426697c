/**
 * What every benchmark hands over: a report for people on stdout, then the
 * results as one JSON line (the last line of stdout, what `bench:smoke`
 * checks), also written to <results dir>/<name>.json. Each report names the
 * machine it was measured on.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { arch, cpus, platform } from 'node:os'
import { resolve } from 'node:path'
import { text } from '../test/kit/options'
import { repoRoot } from '../test/kit/processes'

export interface Machine {
  cores: number
  cpu: string
  node: string
  platform: string
}

export function machine(): Machine {
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
    platform: `${platform()} ${arch()}`,
  }
}

/** `--results-dir=…`, every benchmark's: where its JSON goes (bench:smoke sends it to a temporary directory). */
export const resultsDir = text('bench/results', 'a directory, absolute or relative to the repository')

export function publishResults(name: string, report: string, results: unknown, dir: string): void {
  const directory = resolve(repoRoot, dir)
  mkdirSync(directory, { recursive: true })
  writeFileSync(resolve(directory, `${name}.json`), `${JSON.stringify(results, null, 2)}\n`)
  console.log(report)
  console.log(JSON.stringify(results))
}

/**
 * Run a benchmark's `main`. A failure prints its error and ends the process
 * at once with code 1: a run that failed half-way can leave a socket, a
 * timer or a browser open, and waiting for them kept the benchmark (and
 * bench:smoke in CI) from ever exiting. Its own clean-up (`finally`) has run
 * by then; a success ends when nothing is left to run, as before.
 */
export function runBenchmark(main: () => Promise<unknown>): void {
  main().catch((err: unknown) => {
    console.error(err)
    process.exit(1)
  })
}
