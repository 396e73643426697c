/**
 * The arrow keys between the search box and its hits: ↓ in the box goes to
 * the first hit; on a hit, ↑/↓ move (↑ from the first goes back to the box,
 * ↓ stops at the last) and Home/End go to the first and the last.
 */

export const SEARCH_RESULTS_ID = 'search-results'

/** The hits on screen, in order. */
export function hitButtons(): HTMLElement[] {
  return [...document.querySelectorAll<HTMLElement>(`#${SEARCH_RESULTS_ID} [data-testid=search-hit]`)]
}

/** ↓ in the search box: the first hit, when there are hits; whether focus moved. */
export function focusFirstHit(): boolean {
  const first = hitButtons()[0]
  first?.focus()
  return first !== undefined && document.activeElement === first
}

/** Where a key pressed on hit `index` of `count` moves focus: another hit, the box, or nowhere (null: not one of ours). */
export function hitStep(key: string, index: number, count: number): number | 'box' | null {
  if (count === 0 || index < 0) return null
  switch (key) {
    case 'ArrowDown':
      return Math.min(index + 1, count - 1)
    case 'ArrowUp':
      return index === 0 ? 'box' : index - 1
    case 'Home':
      return 0
    case 'End':
      return count - 1
    default:
      return null
  }
}
