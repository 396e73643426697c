/**
 * A full garbage collection in this process, for benchmarks that compare runs
 * made one after another: each run starts without the garbage the one
 * before it left (else its collection lands in the next run's figures).
 */
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

/** This process's gc(): the global one under --expose-gc, else V8's, exposed for a fresh context; null when neither works. */
export function collector(): (() => void) | null {
  const global = (globalThis as { gc?: () => void }).gc
  if (typeof global === 'function') return global
  try {
    setFlagsFromString('--expose-gc')
    const gc: unknown = runInNewContext('gc')
    return typeof gc === 'function' ? (gc as () => void) : null
  } catch {
    return null
  }
}

/** Collect twice (the first collection's finalizers free more for the second); false when gc() is unavailable. */
export function collectGarbage(): boolean {
  const gc = collector()
  if (gc === null) return false
  gc()
  gc()
  return true
}
