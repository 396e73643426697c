/** Tables for people, one JSON object for machines. */
import { loadavg } from 'node:os'
import { formatTable } from '../../test/kit/table'
import { machine, type Machine } from '../results'
import type { CoreBenchOptions } from './options'
import type { ScenarioTable } from './scenario'

export interface CoreBenchReport {
  machine: Machine & { sqlite: string }
  /** 1-minute load average before and after: on a shared machine, what else was running. */
  loadAverage: { before: number; after: number }
  options: CoreBenchOptions
  scenarios: Record<string, Record<string, unknown>>
}

export const machineWith = (sqlite: string): CoreBenchReport['machine'] => ({ ...machine(), sqlite })

export const loadAverage = (): number => Math.round((loadavg()[0] ?? 0) * 100) / 100

/** A scenario's table: its title, the figures (indented), its notes. */
export function formatScenarioTable(table: ScenarioTable): string {
  return [table.title, formatTable(table.header, table.rows, { indent: 2 }), ...table.notes.map((note) => `  ${note}`)].join('\n')
}

export function formatReport(report: CoreBenchReport, tables: readonly ScenarioTable[]): string {
  const { cores, cpu, node, sqlite } = report.machine
  const { before, after } = report.loadAverage
  return [
    `Parley core benchmark — ${cores} cores (${cpu}), Node ${node}, SQLite ${sqlite}, load average ${before} → ${after}\n`,
    tables.map(formatScenarioTable).join('\n\n'),
  ].join('\n')
}
