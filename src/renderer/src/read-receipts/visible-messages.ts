/**
 * Which messages are on screen, measured by an IntersectionObserver on the
 * message list's scroller: a row counts once at least half of it — or half
 * the viewport, for a message taller than that — is inside. Rows register
 * themselves with their seq while mounted (the list is virtualized, so only
 * rows near the viewport exist at all). Reports the highest visible seq.
 */
const THRESHOLDS = Array.from({ length: 11 }, (_, i) => i / 10)

export function countsAsVisible(entry: Pick<IntersectionObserverEntry, 'isIntersecting' | 'intersectionRatio' | 'intersectionRect' | 'rootBounds'>): boolean {
  if (!entry.isIntersecting) return false
  if (entry.intersectionRatio >= 0.5) return true
  const viewport = entry.rootBounds?.height ?? 0
  return viewport > 0 && entry.intersectionRect.height >= viewport / 2
}

export class VisibleMessages {
  private observer: IntersectionObserver | null = null
  private root: HTMLElement | null = null
  private paused = false
  private readonly seqs = new Map<Element, number>()
  private readonly visible = new Set<Element>()
  private highest: number | null = null

  constructor(private readonly onChange: (highestVisibleSeq: number | null) => void) {}

  /** The scroller the rows are measured against (null: not mounted). */
  setRoot(root: HTMLElement | null): void {
    if (root === this.root) return
    this.root = root
    this.connect()
  }

  /** Stop measuring (the list unmounts); `resume` starts again with the same rows and root. */
  pause(): void {
    this.paused = true
    this.connect()
  }

  resume(): void {
    if (!this.paused) return
    this.paused = false
    this.connect()
  }

  observe(element: Element, seq: number): void {
    this.seqs.set(element, seq)
    this.observer?.observe(element)
  }

  unobserve(element: Element): void {
    this.seqs.delete(element)
    this.observer?.unobserve(element)
    if (this.visible.delete(element)) this.report()
  }

  private connect(): void {
    this.observer?.disconnect()
    this.observer = null
    this.visible.clear()
    if (this.root !== null && !this.paused) {
      this.observer = new IntersectionObserver((entries) => this.onEntries(entries), { root: this.root, threshold: THRESHOLDS })
      for (const element of this.seqs.keys()) this.observer.observe(element)
    }
    this.report()
  }

  private onEntries(entries: IntersectionObserverEntry[]): void {
    for (const entry of entries) {
      if (!this.seqs.has(entry.target)) continue
      if (countsAsVisible(entry)) this.visible.add(entry.target)
      else this.visible.delete(entry.target)
    }
    this.report()
  }

  private report(): void {
    let highest: number | null = null
    for (const element of this.visible) {
      const seq = this.seqs.get(element)
      if (seq !== undefined && (highest === null || seq > highest)) highest = seq
    }
    if (highest === this.highest) return
    this.highest = highest
    this.onChange(highest)
  }
}
