/**
 * What the kernel says about another process, read from /proc (Linux): its
 * resident memory and the CPU time of all its threads; and how busy the whole
 * machine was, to tell how much other work shared it. Nothing has to be added
 * to the servers under test to measure them.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

/** Kernel clock ticks per second, the unit of utime/stime in /proc/<pid>/stat. */
const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100

/** Resident set size in kB (VmRSS of /proc/<pid>/status). */
export function residentKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status)
  if (match?.[1] === undefined) throw new Error(`no VmRSS in /proc/${pid}/status`)
  return Number(match[1])
}

/** User + system CPU time of the whole process so far, in ms. */
export function cpuTimeMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // The command name (field 2) may contain spaces and parentheses: split after its closing one.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // utime and stime are fields 14 and 15 of the line, 12 and 13 after the command name.
  const ticks = Number(fields[11]) + Number(fields[12])
  return (ticks * 1000) / ticksPerSecond
}

/** CPU time all cores spent busy so far (anything but idle and I/O wait), in ms, from /proc/stat. */
export function machineBusyMs(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? ''
  // cpu  user nice system idle iowait irq softirq steal …
  const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number)
  const ticks = [user, nice, system, irq, softirq, steal].reduce((sum: number, value) => sum + (value ?? 0), 0)
  return (ticks * 1000) / ticksPerSecond
}
