/**
 * Back from a weekend, with the window (issue 21): bench:core's weekend
 * (bench/core/weekend.ts: the same server, history, runs and both baselines,
 * the bare pipeline and the cache pipeline), each catch-up with the built
 * renderer in Chromium wired to the core as the e2e harness wires it, the
 * core started as the shell starts it (it connects once the window has
 * painted the cache). The window reopens the conversation left open, and
 * the catch-up lands in it as a burst: the list keeps its place at the
 * unread divider before the first missed message
 * (components/MessageList.tsx). When that row is painted in
 * view is timed from app start, beside the core's figures. The core shares
 * this process with Playwright's client; Chromium's CPU is its own, outside
 * the CPU figures.
 */
import type { Browser, Page } from 'playwright-core'
import { wireHarnessPage } from '../../e2e/fixtures/harness-app'
import { runWeekend, type WeekendWindow } from '../core/weekend'
import { initScriptSource } from './desktop'
import type { DeskScenario } from './scenario'

/** The page's record of the watched row's first paint in view (epoch ms). */
interface Watched {
  __weekendPainted?: number
}

/**
 * In the page, before the renderer: each frame, whether the row of `seq` is in the message list's
 * viewport below the unread divider; the first time it is, a task queued from that frame (it runs
 * after the frame is painted) notes the time. Self-contained: it is handed to the page as source.
 */
function watchRow(watch: { seq: number }): void {
  const page = window as unknown as Watched
  const check = (): void => {
    const scroller = document.querySelector('[data-testid=message-list] .message-list__scroller')
    const row = document.querySelector(`[data-testid=message][data-seq="${watch.seq}"]`)
    if (scroller !== null && row !== null && document.querySelector('[data-testid=unread-divider]') !== null) {
      const box = scroller.getBoundingClientRect()
      const rect = row.getBoundingClientRect()
      if (rect.bottom > box.top && rect.top < box.bottom) {
        setTimeout(() => {
          page.__weekendPainted ??= performance.timeOrigin + performance.now()
        }, 0)
        return
      }
    }
    requestAnimationFrame(check)
  }
  requestAnimationFrame(check)
}

/** What the message list shows, for a failure's message: the seqs of the rows in view, and where the divider is. */
async function shownRows(page: Page): Promise<string> {
  return page
    .evaluate(() => {
      const scroller = document.querySelector('[data-testid=message-list] .message-list__scroller')
      if (scroller === null) return 'no message list'
      const box = scroller.getBoundingClientRect()
      const inView = (el: Element) => {
        const rect = el.getBoundingClientRect()
        return rect.bottom > box.top && rect.top < box.bottom
      }
      const seqs = [...document.querySelectorAll('[data-testid=message]')].filter(inView).map((el) => el.getAttribute('data-seq'))
      const divider = document.querySelector('[data-testid=unread-divider]')
      return `rows ${seqs.join(', ') || 'none'} in view; divider ${divider === null ? 'absent' : inView(divider) ? 'in view' : 'out of view'}; scrollTop ${scroller.scrollTop} of ${scroller.scrollHeight}`
    })
    .catch((err: unknown) => `(unreadable: ${String(err)})`)
}

function chromiumWindow(browser: Browser, rendererUrl: string): WeekendWindow {
  return {
    async attach(core, watch) {
      const context = await browser.newContext({ locale: 'en-US', colorScheme: 'light', viewport: { width: 1100, height: 720 } })
      try {
        const page = await context.newPage()
        await page.addInitScript(initScriptSource(watchRow, { seq: watch.seq }))
        // When the window says its first screen is painted: the core connects then (design §7.4).
        let firstPaintAt: number | null = null
        const { unwire } = await wireHarnessPage(page, core, rendererUrl, (name) => {
          if (name === 'firstScreenPainted') firstPaintAt ??= performance.now()
        })
        await page.goto(rendererUrl)
        return {
          paintedAt: async (timeoutMs) => {
            try {
              return (await (await page.waitForFunction(() => (window as unknown as Watched).__weekendPainted, undefined, { timeout: timeoutMs })).jsonValue()) as number
            } catch (err) {
              throw new Error(`the row of seq ${watch.seq} was not painted below the divider; the list showed ${await shownRows(page)}`, { cause: err })
            }
          },
          firstPaintAt: () => firstPaintAt,
          async close() {
            unwire()
            await context.close()
          },
        }
      } catch (err) {
        await context.close()
        throw err
      }
    },
  }
}

export const weekendDeskScenario: DeskScenario = {
  name: 'weekend',
  run: ({ options, browser, rendererUrl, workDir, progress }) =>
    runWeekend(chromiumWindow(browser, rendererUrl))({
      options: {
        seed: options.seed,
        weekendMessages: options.weekendMessages,
        weekendConversations: options.weekendConversations,
        weekendRuns: options.weekendRuns,
        weekendProfile: options.weekendProfile,
      },
      workDir,
      progress,
    }),
}
