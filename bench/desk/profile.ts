/**
 * Profiles of one run, for finding where the time goes: the core's CPU
 * profile (this process, through the inspector: a .cpuprofile for Chrome's
 * DevTools or speedscope) and the page's Chromium trace (CDP tracing: the
 * Performance panel opens it). `topSelf` lists a profile's heaviest
 * functions by self time.
 */
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount?: number
}

interface CpuProfile {
  nodes: ProfileNode[]
  startTime: number
  endTime: number
  samples?: number[]
  timeDeltas?: number[]
}

/** Start profiling this process; the returned function stops and writes the profile to `path`. */
export async function profileThisProcess(path: string): Promise<() => Promise<CpuProfile>> {
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.setSamplingInterval', { interval: 200 })
  await session.post('Profiler.start')
  return async () => {
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile }
    session.disconnect()
    writeFileSync(path, JSON.stringify(profile))
    return profile
  }
}

/** The `count` functions with the most self time, ms (sample counts × the mean interval). */
export function topSelf(profile: CpuProfile, count = 15): { fn: string; selfMs: number }[] {
  const samples = profile.samples ?? []
  const msPerSample = samples.length === 0 ? 0 : (profile.endTime - profile.startTime) / 1000 / samples.length
  const byNode = new Map<number, number>()
  for (const id of samples) byNode.set(id, (byNode.get(id) ?? 0) + 1)
  const byFunction = new Map<string, number>()
  for (const node of profile.nodes) {
    const hits = byNode.get(node.id) ?? 0
    if (hits === 0) continue
    const { functionName, url, lineNumber } = node.callFrame
    const where = url === '' ? '' : ` ${url.replace(/^.*\/(src|node_modules)\//, '$1/')}:${lineNumber + 1}`
    const key = `${functionName || '(anonymous)'}${where}`
    byFunction.set(key, (byFunction.get(key) ?? 0) + hits)
  }
  return [...byFunction]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([fn, hits]) => ({ fn, selfMs: Math.round(hits * msPerSample * 10) / 10 }))
}
