/**
 * What a core benchmark scenario is: it gets the shared generated history and
 * a scratch directory, measures Parley next to a baseline from the same run,
 * and returns tables for people and one JSON object for machines. Add a
 * scenario by writing one and listing it in run.ts and options.ts.
 */
import type { Message } from '../../src/shared/api'
import type { CoreBenchOptions, ScenarioName } from './options'

export interface ScenarioContext {
  options: CoreBenchOptions
  /** One conversation's history, seq 1…options.messages (generated once per run). */
  messages: readonly Message[]
  /** A scratch directory of the scenario's own, removed after the run. */
  workDir: string
  /** Progress, to stderr. */
  progress(line: string): void
}

export interface ScenarioTable {
  title: string
  header: string[]
  rows: string[][]
  notes: string[]
}

export interface ScenarioResult {
  tables: ScenarioTable[]
  json: Record<string, unknown>
}

export interface Scenario {
  /** Key in the JSON output, and in --scenarios. */
  name: ScenarioName
  run(context: ScenarioContext): Promise<ScenarioResult>
}
