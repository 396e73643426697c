/**
 * CPU use over one measured window: CPU time of the processes that matter (the
 * server, this load-generating process) and of the whole machine from
 * `startMeter` to each `read`, plus each process's resident memory then.
 */
import { cpuTimeMs, machineBusyMs, residentMb } from '../../test/kit/proc-stats'

export interface ProcessUsage {
  cpuMs: number
  /** CPU time per wall-clock time: 1 = one core busy all window. */
  cores: number
  rssMb: number
}

export interface WindowUsage {
  /** performance.now() at `startMeter` and at this `read`. */
  startedAt: number
  endedAt: number
  elapsedMs: number
  /** By the names given to `startMeter`. */
  processes: Record<string, ProcessUsage>
  /** Busy cores of the whole machine (other work included), on average. */
  machineCores: number
}

export interface Meter {
  /** Usage since `startMeter`; may be called again later for a longer span. */
  read(): WindowUsage
}

export function startMeter(pids: Record<string, number>): Meter {
  const startedAt = performance.now()
  const machineStart = machineBusyMs()
  const cpuStart = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuTimeMs(pid)]))
  return {
    read() {
      const endedAt = performance.now()
      const elapsedMs = endedAt - startedAt
      const processes = Object.fromEntries(
        Object.entries(pids).map(([name, pid]): [string, ProcessUsage] => {
          const cpuMs = cpuTimeMs(pid) - (cpuStart[name] ?? 0)
          return [name, { cpuMs, cores: cpuMs / elapsedMs, rssMb: residentMb(pid) }]
        }),
      )
      return { startedAt, endedAt, elapsedMs, processes, machineCores: (machineBusyMs() - machineStart) / elapsedMs }
    },
  }
}
