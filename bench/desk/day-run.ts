/**
 * "A day at the desk" on its own, for before/after comparisons of renderer
 * builds (`npm run bench:desk -- --scenarios=day` runs it with the others):
 * `npx tsx bench/desk/day-run.ts [--renderer-dir=/elsewhere/out/renderer]
 * [--messages=…]`; tiny: `--size=smoke`. Prints the report, then the results as one JSON line, also
 * written to <results dir>/desk-day.json. Needs the built renderer
 * (`npx electron-vite build`).
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { RENDERER_DIR } from '../../e2e/fixtures/paths'
import { boolean, choices, integer, readOptions, text } from '../../test/kit/options'
import { cleanUpNow, removeWorkDir } from '../../test/kit/processes'
import { machine, publishResults, resultsDir } from '../results'
import { DAY_FULL, DAY_SMOKE, dayAtTheDesk, dayReport, tmpWorkDir, type DayOptions } from './day-at-the-desk'

const spec = {
  /** A preset; the options below override it one by one. */
  size: choices<'full' | 'smoke'>(['full'], ['full', 'smoke']),
  messages: integer(0, 0),
  conversations: integer(0, 0),
  switchAmong: integer(0, 0),
  history: integer(0, 0),
  rate: integer(0, 0),
  switchEveryMs: integer(0, 0),
  shortHistory: integer(0, 0),
  idleMs: integer(0, 0),
  /** Heap snapshots of the renderer at start-up and at the end: what grew, by constructor. */
  census: boolean(false),
  /** The core's process runs the heap trimmer, as the shell does; false: what V8 alone keeps. */
  heapTrim: boolean(true),
  /** V8 flags for the core's process, space-separated (e.g. `--max-semi-space-size=16`: what a cap on V8's young generation would change). */
  coreV8Flags: text('', 'V8 flags, space-separated'),
  /** Another build of the renderer to run (e.g. an older one, for a before/after figure). */
  rendererDir: text(RENDERER_DIR, 'a directory holding a built renderer (index.html)'),
  resultsDir,
}

async function main(): Promise<void> {
  const options = readOptions(spec)
  if (!existsSync(join(options.rendererDir, 'index.html'))) throw new Error(`${options.rendererDir}/index.html is missing: run \`npx electron-vite build\` first`)
  const preset = options.size.includes('smoke') ? DAY_SMOKE : DAY_FULL
  const day: DayOptions = { ...preset }
  for (const key of ['messages', 'conversations', 'switchAmong', 'history', 'rate', 'switchEveryMs', 'shortHistory', 'idleMs'] as const) {
    if (options[key] > 0) day[key] = options[key]
  }
  day.census = options.census
  day.heapTrim = options.heapTrim
  day.coreV8Flags = options.coreV8Flags.split(' ').filter((flag) => flag !== '')
  const workDir = tmpWorkDir()
  try {
    const result = await dayAtTheDesk(day, { workDir, rendererDir: options.rendererDir })
    publishResults('desk-day', dayReport(result), { machine: machine(), dayAtTheDesk: result }, options.resultsDir)
  } finally {
    removeWorkDir(workDir)
  }
}

main()
  .then(() => process.exit(0))
  .catch((err: unknown) => {
    console.error(err)
    cleanUpNow()
    process.exit(1)
  })
