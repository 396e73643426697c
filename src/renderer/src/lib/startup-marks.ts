/**
 * The renderer's start-up marks (src/shared/perf-marks.ts), each set once
 * the frame that shows its milestone has been painted: a task queued from
 * requestAnimationFrame runs after that frame's paint.
 */
import { markOnce } from '../../../shared/perf-marks'

export function markWhenPainted(name: string): void {
  if (performance.getEntriesByName(name, 'mark').length > 0) return
  requestAnimationFrame(() => setTimeout(() => markOnce(performance, name), 0))
}
