/**
 * Samples the server process (RSS, CPU) and the machine (busy cores, load
 * average) once a second while the clients send, and the load generators'
 * CPU over the same window, so the report shows what the run cost and how
 * busy the shared machine was meanwhile.
 */
import { cpuTimeMs, loadAverage1m, machineBusyMs, residentMb } from '../../test/kit/proc-stats'

const EVERY_MS = 1_000

export interface UsageSummary {
  seconds: number
  server: {
    /** CPU time ÷ wall time over the window: 1 = one core busy throughout. */
    cpuCores: number
    /** Busiest one-second sample. */
    cpuCoresPeak: number
    rssMbStart: number
    rssMbMax: number
    rssMbEnd: number
  }
  /** All load-generating workers together. */
  loadGeneratorCpuCores: number
  machineBusyCores: number
  loadAverage1m: { start: number; mean: number; max: number; end: number }
}

export class Sampler {
  private readonly startedAt = performance.now()
  private readonly serverCpuStart: number
  private readonly workersCpuStart: number
  private readonly machineStart = machineBusyMs()
  private readonly rssStart: number
  private rssMax: number
  private cpuPeak = 0
  private lastCpu: number
  private lastAt = performance.now()
  private readonly loads: number[] = [loadAverage1m()]
  private readonly timer: NodeJS.Timeout

  constructor(
    private readonly serverPid: number,
    private readonly workerPids: number[],
  ) {
    this.serverCpuStart = cpuTimeMs(serverPid)
    this.lastCpu = this.serverCpuStart
    this.workersCpuStart = this.workersCpu()
    this.rssStart = residentMb(serverPid)
    this.rssMax = this.rssStart
    this.timer = setInterval(() => this.sample(), EVERY_MS)
  }

  private workersCpu(): number {
    return this.workerPids.reduce((sum, pid) => sum + cpuTimeMs(pid), 0)
  }

  private sample(): void {
    try {
      const now = performance.now()
      const cpu = cpuTimeMs(this.serverPid)
      this.cpuPeak = Math.max(this.cpuPeak, (cpu - this.lastCpu) / (now - this.lastAt))
      this.lastCpu = cpu
      this.lastAt = now
      this.rssMax = Math.max(this.rssMax, residentMb(this.serverPid))
      this.loads.push(loadAverage1m())
    } catch {
      // The server went away: the run reports that itself.
    }
  }

  stop(): UsageSummary {
    clearInterval(this.timer)
    this.sample()
    const elapsedMs = performance.now() - this.startedAt
    const rssEnd = residentMb(this.serverPid)
    return {
      seconds: elapsedMs / 1000,
      server: {
        cpuCores: (cpuTimeMs(this.serverPid) - this.serverCpuStart) / elapsedMs,
        cpuCoresPeak: this.cpuPeak,
        rssMbStart: this.rssStart,
        rssMbMax: Math.max(this.rssMax, rssEnd),
        rssMbEnd: rssEnd,
      },
      loadGeneratorCpuCores: (this.workersCpu() - this.workersCpuStart) / elapsedMs,
      machineBusyCores: (machineBusyMs() - this.machineStart) / elapsedMs,
      loadAverage1m: {
        start: this.loads[0] ?? 0,
        mean: this.loads.reduce((sum, load) => sum + load, 0) / this.loads.length,
        max: Math.max(...this.loads),
        end: this.loads[this.loads.length - 1] ?? 0,
      },
    }
  }
}
