/**
 * What a bench:desk scenario is: it gets the browser, the built renderer's
 * URL and a scratch directory, starts its own seeded server (server.ts) and
 * apps (desktop.ts), measures against a baseline from the same run, and
 * returns tables for people and one JSON object for machines. Add one by
 * writing it and listing it in run.ts and options.ts.
 */
import type { Browser } from 'playwright-core'
import type { ScenarioResult } from '../core/scenario'
import type { DeskBenchOptions, ScenarioName } from './options'

export interface DeskContext {
  options: DeskBenchOptions
  browser: Browser
  /** The built renderer, served over http://127.0.0.1. */
  rendererUrl: string
  /** A scratch directory of the scenario's own, removed after the run. */
  workDir: string
  progress(line: string): void
}

/** A scenario's key (JSON, --scenarios) and its run: tables for people, one JSON object for machines. */
export interface DeskScenario {
  name: ScenarioName
  run(context: DeskContext): Promise<ScenarioResult>
}
