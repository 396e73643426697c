/** Tables for people, one JSON object for machines. */
import { arch, cpus, loadavg, platform } from 'node:os'
import type { CoreBenchOptions } from './options'
import type { ScenarioTable } from './scenario'

export interface CoreBenchReport {
  machine: { cores: number; cpu: string; node: string; platform: string; sqlite: string }
  /** 1-minute load average before and after: on a shared machine, what else was running. */
  loadAverage: { before: number; after: number }
  options: CoreBenchOptions
  scenarios: Record<string, Record<string, unknown>>
}

export function machine(sqlite: string): CoreBenchReport['machine'] {
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
    platform: `${platform()} ${arch()}`,
    sqlite,
  }
}

export const loadAverage = (): number => Math.round((loadavg()[0] ?? 0) * 100) / 100

export function formatTable(table: ScenarioTable): string {
  const all = [table.header, ...table.rows]
  const columns = Math.max(...all.map((row) => row.length))
  const width = Array.from({ length: columns }, (_, c) => Math.max(...all.map((row) => [...(row[c] ?? '')].length)))
  const line = (row: string[]) =>
    `  ${row.map((cell, c) => (c === 0 ? cell.padEnd(width[c] ?? 0) : cell.padStart(width[c] ?? 0))).join('  ')}`.trimEnd()
  return [table.title, ...all.map(line), ...table.notes.map((note) => `  ${note}`)].join('\n')
}
