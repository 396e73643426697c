/**
 * What bench:desk runs inside the page (an init script, before the
 * renderer's own code): it watches the screen, not the app's state. Handed
 * to Playwright as source, so `installProbe` uses nothing from outside itself.
 *
 * - `window.__deskProbe.switchTo(target)`: click the conversation's row in the
 *   list, then wait until its latest message is painted in view; resolves
 *   with the milliseconds from the click.
 * - `openOnList`: at start, once the app has marked the list painted, click
 *   that conversation as a person would and record when its latest message
 *   is painted in view (`window.__deskProbe.opened`).
 * - `reopened` (with `openOnList`): the app reopens that conversation by
 *   itself (the one open when it last ran): nothing is clicked; `clickedAt`
 *   is the frame its view first appears in.
 *
 * "Painted in view": the row of the latest seq is in the open conversation's
 * list, at least half of it inside the scroller's viewport, in an animation
 * frame, and a task
 * queued from that frame has run (it runs after the frame is painted).
 */

export interface ProbeTarget {
  conversationId: string
  lastSeq: number
}

export interface Opened {
  /** Epoch ms (the page's performance.timeOrigin + now). */
  clickedAt: number
  visibleAt: number
  /** The message list can be scrolled (it holds more than one screen). */
  scrollable: boolean
}

export interface DeskProbe {
  switchTo(target: ProbeTarget): Promise<number>
  opened: Promise<Opened> | null
  domNodes(): number
  /** Where the target's latest row is, for an error message. */
  describe(target: ProbeTarget): string
}

export function installProbe(config: { openOnList: ProbeTarget | null; reopened?: boolean; listPaintedMark: string }): void {
  const latestRow = (target: ProbeTarget): Element | null =>
    document.querySelector(
      `[data-testid="conversation"][data-conversation-id="${target.conversationId}"] [data-testid="message"][data-seq="${target.lastSeq}"]`,
    )
  const inView = (target: ProbeTarget): { scroller: Element } | null => {
    const row = latestRow(target)
    const scroller = row?.closest('.message-list__scroller')
    if (!row || !scroller) return null
    const box = row.getBoundingClientRect()
    const view = scroller.getBoundingClientRect()
    // At least half of it shown (or half the viewport, for a row taller than that).
    const shown = Math.min(box.bottom, view.bottom) - Math.max(box.top, view.top)
    return shown > 0 && shown >= Math.min(box.height, view.height) / 2 ? { scroller } : null
  }
  const whenPaintedInView = (target: ProbeTarget): Promise<{ at: number; scrollable: boolean }> =>
    new Promise((resolve) => {
      const frame = () => {
        const seen = inView(target)
        if (seen === null) requestAnimationFrame(frame)
        else setTimeout(() => resolve({ at: performance.now(), scrollable: seen.scroller.scrollHeight > seen.scroller.clientHeight }), 0)
      }
      requestAnimationFrame(frame)
    })
  const click = (conversationId: string): number => {
    const item = document.querySelector<HTMLElement>(`[data-testid="conversation-item"][data-conversation-id="${conversationId}"]`)
    if (item === null) throw new Error(`no row of ${conversationId} in the conversation list`)
    const at = performance.now()
    item.click()
    return at
  }

  const probe: DeskProbe = {
    async switchTo(target) {
      const clickedAt = click(target.conversationId)
      return (await whenPaintedInView(target)).at - clickedAt
    },
    opened: null,
    domNodes: () => document.getElementsByTagName('*').length,
    describe(target) {
      const open = document.querySelector('[data-testid="conversation"]')?.getAttribute('data-conversation-id') ?? 'none'
      const row = latestRow(target)
      const scroller = row?.closest('.message-list__scroller')
      const rows = [...document.querySelectorAll('[data-testid="message"]')].map((element) => element.getAttribute('data-seq')).join(',')
      return `open: ${open}; latest row ${row ? JSON.stringify(row.getBoundingClientRect()) : 'absent'}; scroller ${scroller ? JSON.stringify(scroller.getBoundingClientRect()) : 'absent'}; rows (seq): ${rows}`
    },
  }
  const { openOnList, reopened, listPaintedMark } = config
  if (openOnList !== null && reopened === true) {
    const epoch = (at: number) => performance.timeOrigin + at
    probe.opened = new Promise<Opened>((resolve) => {
      const shown = () => {
        if (document.querySelector(`[data-testid="conversation"][data-conversation-id="${openOnList.conversationId}"]`) === null) {
          requestAnimationFrame(shown)
          return
        }
        const openedAt = performance.now()
        void whenPaintedInView(openOnList).then(({ at, scrollable }) => resolve({ clickedAt: epoch(openedAt), visibleAt: epoch(at), scrollable }))
      }
      requestAnimationFrame(shown)
    })
  } else if (openOnList !== null) {
    probe.opened = new Promise<Opened>((resolve, reject) => {
      const open = (framesLeft = 600) => {
        const listed = document.querySelector(`[data-testid="conversation-item"][data-conversation-id="${openOnList.conversationId}"]`)
        if (listed === null && framesLeft > 0) {
          requestAnimationFrame(() => open(framesLeft - 1))
          return
        }
        try {
          const clickedAt = click(openOnList.conversationId)
          const epoch = (at: number) => performance.timeOrigin + at
          void whenPaintedInView(openOnList).then(({ at, scrollable }) => resolve({ clickedAt: epoch(clickedAt), visibleAt: epoch(at), scrollable }))
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)))
        }
      }
      const observer = new PerformanceObserver((list) => {
        if (list.getEntriesByName(listPaintedMark).length === 0) return
        observer.disconnect()
        open()
      })
      observer.observe({ type: 'mark', buffered: true })
    })
  }
  ;(window as unknown as { __deskProbe: DeskProbe }).__deskProbe = probe
}
