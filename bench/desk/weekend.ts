/**
 * Back from a weekend, with the window (issue 21): bench:core's weekend
 * (bench/core/weekend.ts: the same server, history, runs and both baselines,
 * the bare pipeline and the cache pipeline), each catch-up with the built
 * renderer in Chromium wired to the core as the e2e harness wires it. The
 * window reopens the conversation left open, and the catch-up lands in it as
 * a burst: the list keeps its place at the unread divider before the first
 * missed message (components/MessageList.tsx). When that row is painted in
 * view is timed from app start, beside the core's figures. The core shares
 * this process with Playwright's client; Chromium's CPU is its own, outside
 * the CPU figures.
 */
import type { Browser } from 'playwright-core'
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

function chromiumWindow(browser: Browser, rendererUrl: string): WeekendWindow {
  return {
    async attach(core, watch) {
      const context = await browser.newContext({ locale: 'en-US', colorScheme: 'light', viewport: { width: 1100, height: 720 } })
      try {
        const page = await context.newPage()
        await page.addInitScript(initScriptSource(watchRow, { seq: watch.seq }))
        const { unwire } = await wireHarnessPage(page, core, rendererUrl)
        await page.goto(rendererUrl)
        return {
          paintedAt: async (timeoutMs) =>
            (await page.waitForFunction(() => (window as unknown as Watched).__weekendPainted, undefined, { timeout: timeoutMs })).jsonValue() as Promise<number>,
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
        weekendProfile: '',
      },
      workDir,
      progress,
    }),
}
