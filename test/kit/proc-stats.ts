/**
 * What Linux /proc says about another process and the machine, so nothing has
 * to be added to the servers under test to measure them: a pid's CPU time
 * (user + system, all threads) and resident memory, the busy CPU time of all
 * cores (to tell how much other work shared the machine), and the load average.
 * Every benchmark and the hostile-input tests read them from here.
 */
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { loadavg } from 'node:os'

/** Kernel clock ticks per second, the unit of /proc's CPU times. */
const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100

/** User + system CPU time of `pid` so far, in ms. */
export function cpuTimeMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // The command name (field 2) may contain spaces and parentheses: split after its closing one.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // utime and stime are fields 14 and 15 of the line, the 12th and 13th after the name.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond
}

/**
 * The same, summed over every thread of `pid` from /proc/<pid>/task/<tid>/schedstat,
 * in ns: for spans of tens of ms, where cpuTimeMs's clock ticks (10 ms) are too coarse.
 */
export function threadCpuTimeMs(pid: number): number {
  let ns = 0
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0])
    } catch {
      // The thread ended between listing and reading.
    }
  }
  return ns / 1e6
}

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  if (match?.[1] === undefined) throw new Error(`no ${field} in /proc/${pid}/status`)
  return Number(match[1])
}

/** Resident set size of `pid` in kB (VmRSS of /proc/<pid>/status). */
export const residentKb = (pid: number): number => statusKb(pid, 'VmRSS')

/** The highest resident set size `pid` has had, in kB (VmHWM). */
export const peakResidentKb = (pid: number): number => statusKb(pid, 'VmHWM')

/** Resident set size of `pid` in MB. */
export const residentMb = (pid: number): number => residentKb(pid) / 1024

/** Busy (not idle, not iowait) CPU time of all cores together so far, in ms. */
export function machineBusyMs(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? ''
  // cpu  user nice system idle iowait irq softirq steal …
  const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number)
  const total = ticks.reduce((sum, value) => sum + value, 0)
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0)
  return ((total - idle) * 1000) / ticksPerSecond
}

/** The 1-minute load average. */
export const loadAverage1m = (): number => loadavg()[0] ?? 0
