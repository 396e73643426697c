/**
 * Sidebar and switching: with a long conversation list (2,000) against a
 * short one (20), in the same run: a click on a conversation's row until its
 * latest message is painted in view (probe.ts), p50/p99 over many switches.
 *
 * Two accounts, both synced once (desktop.ts) and both apps open side by
 * side, the switches alternating between them so that whatever else the
 * machine does hits both alike. Both switch among the same top `switchAmong`
 * conversations (alike in both lists: realistic histories of 60 messages,
 * all read); the rest of each list holds conversations of 3 messages. A pause
 * between switches, as a person clicks; one untimed round first.
 */
import type { Page } from 'playwright-core'
import { RENDERER_MARKS } from '../../src/shared/perf-marks'
import { summarize, type LatencySummary } from '../../test/kit/latency'
import { within } from '../../test/kit/processes'
import type { ScenarioTable } from '../core/scenario'
import { launchDesk, signInAndSync, type DeskApp, type DeskEnv } from './desktop'
import { installProbe, type DeskProbe, type ProbeTarget } from './probe'
import type { DeskScenario } from './scenario'
import { startSeededServer } from './server'
import { Seeder, type SeededAccount } from './seed'

const TARGET_MESSAGES = 60
const OTHER_MESSAGES = 3

const probeOf = (page: Page) => page.evaluate(() => (window as unknown as { __deskProbe: DeskProbe }).__deskProbe.domNodes())

/** ms from navigation until the list was painted (the page's own mark). */
async function listPainted(page: Page): Promise<number> {
  await page.waitForFunction((mark) => performance.getEntriesByName(mark, 'mark').length > 0, RENDERER_MARKS.listPainted, { timeout: 60_000, polling: 50 })
  return page.evaluate((mark) => performance.getEntriesByName(mark, 'mark')[0]?.startTime ?? Number.NaN, RENDERER_MARKS.listPainted)
}

async function switchTo(app: DeskApp, target: ProbeTarget): Promise<number> {
  const probe = (page: Page) => page.evaluate((t) => (window as unknown as { __deskProbe: DeskProbe }).__deskProbe.switchTo(t), target)
  try {
    return await within(30_000, 'a switch', probe(app.page))
  } catch (err) {
    const where = await app.page.evaluate((t) => (window as unknown as { __deskProbe: DeskProbe }).__deskProbe.describe(t), target).catch(String)
    throw new Error(`${String(err)} (to ${target.conversationId}, seq ${target.lastSeq}: ${where})`, { cause: err })
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const fixed = (n: number): string => n.toFixed(1)

export const sidebarScenario: DeskScenario = {
  name: 'sidebar',
  async run({ options, browser, rendererUrl, workDir, progress }) {
    const among = Math.min(options.switchAmong, options.sidebarBaseline)
    const sizes = (count: number) => Array.from({ length: count }, (_, i) => (i < among ? TARGET_MESSAGES : OTHER_MESSAGES))
    progress(`sidebar: seeding ${options.sidebarConversations} and ${options.sidebarBaseline} conversations…`)
    const { server, seeded, seedMs } = await startSeededServer(workDir, async (store) => {
      const seeder = await Seeder.open(store, options.seed)
      return {
        long: await seeder.account('desk-long', sizes(options.sidebarConversations)),
        short: await seeder.account('desk-short', sizes(options.sidebarBaseline)),
      }
    })
    const apps: DeskApp[] = []
    try {
      const env: DeskEnv = { browser, rendererUrl, serverUrl: server.url }
      progress(`sidebar: seeded in ${(seedMs / 1000).toFixed(1)} s; first syncs…`)
      const long = await signInAndSync(env, workDir, 'desk-long', seeded.long.conversations)
      const short = await signInAndSync(env, workDir, 'desk-short', seeded.short.conversations)
      const targetsOf = (account: SeededAccount): ProbeTarget[] =>
        account.conversations.slice(0, among).map((conversation) => ({ conversationId: conversation.id, lastSeq: conversation.lastSeq }))
      const probe = { fn: installProbe, arg: { openOnList: null, listPaintedMark: RENDERER_MARKS.listPainted } }
      const launch = async (account: typeof long.account) => {
        const app = await launchDesk(env, account, { initScript: probe })
        apps.push(app)
        return app
      }
      const sides = [
        { name: 'long', targets: targetsOf(seeded.long), app: await launch(long.account), samples: [] as number[] },
        { name: 'short', targets: targetsOf(seeded.short), app: await launch(short.account), samples: [] as number[] },
      ]
      const painted = await Promise.all(sides.map((side) => listPainted(side.app.page)))
      progress(`sidebar: lists painted ${painted.map((n) => `${n.toFixed(0)} ms`).join(' / ')} after navigation; one untimed round…`)
      for (const side of sides) for (const target of side.targets) await switchTo(side.app, target)
      for (let i = 0; i < options.switches; i++) {
        for (const side of i % 2 === 0 ? sides : [...sides].reverse()) {
          side.samples.push(await switchTo(side.app, side.targets[i % among] as ProbeTarget))
          await sleep(options.pauseMs)
        }
        if ((i + 1) % 50 === 0) progress(`sidebar: ${i + 1}/${options.switches} switches each`)
      }
      for (const side of sides) if (side.app.pageErrors.length > 0) throw new Error(`uncaught errors in the renderer:\n${side.app.pageErrors.join('\n')}`)
      const domNodes = await Promise.all(sides.map((side) => probeOf(side.app.page)))
      const [longSide, shortSide] = sides as [(typeof sides)[0], (typeof sides)[0]]
      const longSummary: LatencySummary = summarize(longSide.samples)
      const shortSummary: LatencySummary = summarize(shortSide.samples)
      const p50Ratio = longSummary.p50Ms / shortSummary.p50Ms
      const p99Ratio = longSummary.p99Ms / shortSummary.p99Ms
      const verdict = (ratio: number) => `${ratio.toFixed(2)} (target ≤ 1.2: ${ratio <= 1.2 ? 'met' : 'NOT met'})`
      const table: ScenarioTable = {
        title: `Switching conversation: click → latest message painted in view, ${options.switches} switches each among the top ${among}, ms`,
        header: ['', `${options.sidebarConversations} conversations`, `${options.sidebarBaseline} conversations`, 'ratio'],
        rows: [
          ['p50', fixed(longSummary.p50Ms), fixed(shortSummary.p50Ms), verdict(p50Ratio)],
          ['p99', fixed(longSummary.p99Ms), fixed(shortSummary.p99Ms), verdict(p99Ratio)],
          ['max', fixed(longSummary.maxMs), fixed(shortSummary.maxMs), (longSummary.maxMs / shortSummary.maxMs).toFixed(2)],
          ['list painted, ms after navigation (one start)', painted[0]?.toFixed(0) ?? '', painted[1]?.toFixed(0) ?? '', ((painted[0] ?? 0) / (painted[1] ?? 1)).toFixed(2)],
          ['DOM elements in the page at the end', String(domNodes[0]), String(domNodes[1]), ((domNodes[0] ?? 0) / (domNodes[1] ?? 1)).toFixed(2)],
        ],
        notes: [`Set-up, untimed: seeding ${(seedMs / 1000).toFixed(1)} s; first syncs ${(long.syncMs / 1000).toFixed(1)} s (long) and ${(short.syncMs / 1000).toFixed(1)} s (short).`],
      }
      return {
        tables: [table],
        json: {
          conversations: options.sidebarConversations,
          baseline: options.sidebarBaseline,
          switches: options.switches,
          among,
          long: longSummary,
          short: shortSummary,
          p50Ratio,
          p99Ratio,
          listPaintedMs: { long: painted[0], short: painted[1] },
          domNodes: { long: domNodes[0], short: domNodes[1] },
        },
      }
    } finally {
      for (const app of apps) await app.close().catch(() => undefined)
      await server.stop()
    }
  },
}
