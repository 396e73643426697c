/** The argument checks both stores make, so they refuse exactly the same things. */
import { BLOB_KEY } from './blob-store'

/** `key` if a store accepts it; a RangeError otherwise. */
export function checkedKey(key: string): string {
  // `.` and `..` fit the alphabet but name directories on a filesystem; neither store takes them.
  if (!BLOB_KEY.test(key) || key === '.' || key === '..') throw new RangeError(`not a blob key: ${JSON.stringify(key.slice(0, 200))}`)
  return key
}

/** An inclusive byte range of whole numbers, start ≤ end; a RangeError otherwise. */
export function checkRange(range: { start: number; end: number } | undefined): void {
  if (range === undefined) return
  const { start, end } = range
  if (!(Number.isSafeInteger(start) && Number.isSafeInteger(end) && start >= 0 && end >= start)) {
    throw new RangeError(`not a byte range: ${start}-${end}`)
  }
}
