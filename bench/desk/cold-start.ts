/**
 * Cold start: from creating the core to the conversation list painted and
 * the newest conversation's latest message painted in view, with a large
 * cache (500 conversations, 200,000 messages) against an empty one (a fresh
 * account with one conversation of one page), in the same run.
 *
 * Both accounts are signed in once on a fresh directory and synced (timed:
 * how long a first sync of the history takes) with the search index caught
 * up, so at each start the cache is current and sync only confirms it. A
 * start then is what the app does after a restart: createCore on the saved
 * session (the core's marks), a new browser context loading the built
 * renderer (the renderer's marks), which reopens the conversation open when
 * the app last ran — the newest, in both accounts — until its latest
 * message is painted in view (probe.ts). One untimed start of each, then `runs` of each alternating;
 * medians. The OS file cache is warm (the directories were just written):
 * the start after a reboot also waits for the disk.
 */
import { join, resolve } from 'node:path'
import { mkdirSync } from 'node:fs'
import { ipcEventNames } from '../../src/shared/ipc'
import { CORE_MARKS, RENDERER_MARKS } from '../../src/shared/perf-marks'
import { median } from '../../test/kit/latency'
import { repoRoot, within } from '../../test/kit/processes'
import type { ScenarioTable } from '../core/scenario'
import { coreMarks, launchDesk, pageMarks, signInAndSync, until, type DeskAccount, type DeskEnv } from './desktop'
import { installProbe, type DeskProbe, type Opened, type ProbeTarget } from './probe'
import { profileThisProcess, topSelf } from './profile'
import type { DeskScenario } from './scenario'
import { startSeededServer } from './server'
import { Seeder, zipfSizes } from './seed'

/** A start's milestones, ms after creating the core. */
interface Start {
  cacheOpened: number
  coreReady: number
  rendererStart: number
  firstSession: number
  firstList: number
  shellPainted: number
  listPainted: number
  clicked: number
  firstMessages: number
  messagesPainted: number
  /** The end point: the latest message painted in view. */
  visible: number
  scrollable: boolean
  /** The first sync after connecting confirmed the cache (NaN: not within the wait). */
  connected: number
  synced: number
  /** Push events the core sent the window until the end point: how many, and how many items they carried (array payloads). */
  events: Record<string, { events: number; items: number }>
}

type Milestone = Exclude<keyof Start, 'scrollable' | 'events'>

const PHASES: readonly { key: Milestone; label: string }[] = [
  { key: 'cacheOpened', label: 'core: cache opened' },
  { key: 'coreReady', label: 'core: open (createCore done, session restored, account started)' },
  { key: 'rendererStart', label: 'renderer: script runs (window made, bundle loaded)' },
  { key: 'firstSession', label: 'core: first getSession answered' },
  { key: 'firstList', label: 'core: first listConversations answered' },
  { key: 'shellPainted', label: 'renderer: signed-in layout painted' },
  { key: 'listPainted', label: 'renderer: conversation list painted' },
  { key: 'clicked', label: 'renderer: the last-open conversation reopened (its view made)' },
  { key: 'firstMessages', label: 'core: first loadMessages answered' },
  { key: 'messagesPainted', label: 'renderer: first message rows painted' },
  { key: 'visible', label: 'latest message painted in view: COLD START' },
  { key: 'connected', label: 'core: realtime link up' },
  { key: 'synced', label: 'core: first sync done (cache confirmed current)' },
]

/** After the end point, how long to wait for the first sync to report. */
const SYNC_WAIT_MS = 30_000

async function coldStart(
  env: DeskEnv,
  account: DeskAccount,
  target: ProbeTarget,
  { profileTo, offline = false, awaitFirstPaint }: { profileTo?: string; offline?: boolean; awaitFirstPaint: boolean },
): Promise<Start> {
  performance.clearMarks()
  const stopProfile = profileTo === undefined ? null : await profileThisProcess(`${profileTo}.core.cpuprofile`)
  const t0 = performance.timeOrigin + performance.now()
  const app = await launchDesk(env, account, {
    awaitFirstPaint,
    initScript: { fn: installProbe, arg: { openOnList: target, reopened: true, listPaintedMark: RENDERER_MARKS.listPainted } },
    ...(profileTo === undefined
      ? {}
      : { beforeLoad: (page) => env.browser.startTracing(page, { path: `${profileTo}.renderer-trace.json`, screenshots: false }) }),
  })
  const events: Start['events'] = {}
  const offs = ipcEventNames.map((name) =>
    app.core.on(name, (payload: unknown) => {
      const counted = (events[name] ??= { events: 0, items: 0 })
      counted.events++
      counted.items += Array.isArray(payload) ? payload.length : 1
    }),
  )
  try {
    // Offline, the end point is the app's own mark: the connection banner that shows then may move the list (see the notes).
    const ending = offline
      ? app.page
          .waitForFunction((mark) => performance.getEntriesByName(mark, 'mark').length > 0, RENDERER_MARKS.messagesPainted, { timeout: 60_000, polling: 20 })
          .then(() => null)
      : null
    const opened = await within(
      60_000,
      `${account.username}: the newest conversation's latest message in view`,
      ending ?? app.page.evaluate(() => (window as unknown as { __deskProbe: DeskProbe }).__deskProbe.opened as Promise<Opened>),
    ).catch(async (err: unknown) => {
      const where = await app.page.evaluate((t) => (window as unknown as { __deskProbe: DeskProbe }).__deskProbe.describe(t), target).catch(String)
      const marks = Object.keys(await pageMarks(app.page).catch(() => ({}))).join(', ')
      throw new Error(`${String(err)} (waiting for seq ${target.lastSeq}: ${where}; the page's marks: ${marks}; page errors: ${app.pageErrors.join('; ') || 'none'})`, { cause: err })
    })
    offs.forEach((off) => off())
    if (profileTo !== undefined) {
      await env.browser.stopTracing()
      const profile = await stopProfile?.()
      if (profile) console.error(`core profile, heaviest self time:\n${topSelf(profile).map((f) => `  ${f.selfMs} ms ${f.fn}`).join('\n')}`)
    }
    if (!offline) await until(() => CORE_MARKS.synced in coreMarks(), SYNC_WAIT_MS, 'first sync').catch(() => undefined)
    if (app.pageErrors.length > 0) throw new Error(`uncaught errors in the renderer:\n${app.pageErrors.join('\n')}`)
    const core = coreMarks()
    const page = await pageMarks(app.page)
    const at = (marks: Record<string, number>, name: string) => (marks[name] ?? Number.NaN) - t0
    return {
      cacheOpened: at(core, CORE_MARKS.cacheOpened),
      coreReady: at(core, CORE_MARKS.ready),
      rendererStart: at(page, RENDERER_MARKS.start),
      firstSession: at(core, CORE_MARKS.firstSession),
      firstList: at(core, CORE_MARKS.firstList),
      shellPainted: at(page, RENDERER_MARKS.shell),
      listPainted: at(page, RENDERER_MARKS.listPainted),
      clicked: opened === null ? Number.NaN : opened.clickedAt - t0,
      firstMessages: at(core, CORE_MARKS.firstMessages),
      messagesPainted: at(page, RENDERER_MARKS.messagesPainted),
      visible: opened === null ? at(page, RENDERER_MARKS.messagesPainted) : opened.visibleAt - t0,
      scrollable: opened?.scrollable ?? false,
      connected: at(core, CORE_MARKS.connected),
      synced: at(core, CORE_MARKS.synced),
      events,
    }
  } finally {
    offs.forEach((off) => off())
    await app.close()
  }
}

const ms = (n: number): string => (Number.isNaN(n) ? '–' : n.toFixed(0))

export const coldStartScenario: DeskScenario = {
  name: 'coldStart',
  async run({ options, browser, rendererUrl, workDir, progress }) {
    progress(`cold start: seeding ${options.conversations} conversations and ${options.messages.toLocaleString('en-US')} messages…`)
    const { server, seeded, seedMs } = await startSeededServer(workDir, async (store) => {
      const seeder = await Seeder.open(store, options.seed)
      return {
        large: await seeder.account('desk-large', zipfSizes(options.conversations, options.messages)),
        empty: await seeder.account('desk-empty', [options.baselineMessages]),
      }
    })
    try {
      const env: DeskEnv = { browser, rendererUrl, serverUrl: server.url }
      progress(`cold start: seeded in ${(seedMs / 1000).toFixed(1)} s; the large account's first sync…`)
      const targetOf = (conversations: typeof seeded.large.conversations): ProbeTarget => {
        const newest = conversations[0]
        if (newest === undefined) throw new Error('no conversation seeded')
        return { conversationId: newest.id, lastSeq: newest.lastSeq }
      }
      // Each account quits with its newest conversation open: every start reopens it.
      const large = await signInAndSync(env, workDir, 'desk-large', seeded.large.conversations, targetOf(seeded.large.conversations).conversationId)
      progress(`cold start: synced in ${(large.syncMs / 1000).toFixed(1)} s, indexed ${(large.indexMs / 1000).toFixed(1)} s later; the empty account…`)
      const empty = await signInAndSync(env, workDir, 'desk-empty', seeded.empty.conversations, targetOf(seeded.empty.conversations).conversationId)
      const sides = [
        { name: 'large', account: large.account, target: targetOf(seeded.large.conversations), starts: [] as Start[] },
        { name: 'empty', account: empty.account, target: targetOf(seeded.empty.conversations), starts: [] as Start[] },
      ] as const
      progress('cold start: one untimed start of each…')
      for (const side of sides) await coldStart(env, side.account, side.target, { awaitFirstPaint: options.awaitFirstPaint })
      for (let run = 0; run < options.runs; run++) {
        for (const side of run % 2 === 0 ? sides : [...sides].reverse()) {
          const start = await coldStart(env, side.account, side.target, { awaitFirstPaint: options.awaitFirstPaint })
          side.starts.push(start)
          progress(`cold start ${run + 1}/${options.runs}, ${side.name}: list ${ms(start.listPainted)} ms, latest message ${ms(start.visible)} ms`)
        }
      }
      let profileTop: unknown = null
      if (options.profileDir !== '') {
        const dir = resolve(repoRoot, options.profileDir)
        mkdirSync(dir, { recursive: true })
        progress(`cold start: one more large start, profiled (${dir})…`)
        const [largeSide] = sides
        const profiled = await coldStart(env, largeSide.account, largeSide.target, { profileTo: join(dir, 'cold-start-large'), awaitFirstPaint: options.awaitFirstPaint })
        profileTop = { visibleMs: profiled.visible, files: ['cold-start-large.core.cpuprofile', 'cold-start-large.renderer-trace.json'] }
      }

      // The same starts with nothing to confirm: the server stopped, the core finds it unreachable at once.
      progress('cold start: the same starts offline (server stopped)…')
      await server.stop()
      const offline = { large: [] as Start[], empty: [] as Start[] }
      for (let run = 0; run < options.runs; run++) {
        for (const side of run % 2 === 0 ? sides : [...sides].reverse()) {
          const start = await coldStart(env, side.account, side.target, { offline: true, awaitFirstPaint: options.awaitFirstPaint })
          offline[side.name].push(start)
          progress(`cold start offline ${run + 1}/${options.runs}, ${side.name}: list ${ms(start.listPainted)} ms, latest message ${ms(start.visible)} ms`)
        }
      }

      const [bigSide, emptySide] = sides
      const medianOf = (starts: readonly Start[], key: Milestone) => median(starts.map((start) => start[key]).filter((n) => !Number.isNaN(n)))
      const phases = PHASES.map(({ key, label }) => {
        const largeMs = medianOf(bigSide.starts, key)
        const emptyMs = medianOf(emptySide.starts, key)
        return { key, label, largeMs, emptyMs, ratio: largeMs / emptyMs }
      })
      const offlineOf = (key: 'listPainted' | 'visible') => {
        const largeMs = medianOf(offline.large, key)
        const emptyMs = medianOf(offline.empty, key)
        return { largeMs, emptyMs, ratio: largeMs / emptyMs }
      }
      const offlineList = offlineOf('listPainted')
      // Offline starts end at the messages-painted mark.
      const offlineTotal = offlineOf('visible')
      const total = phases.find((phase) => phase.key === 'visible')
      const list = phases.find((phase) => phase.key === 'listPainted')
      if (total === undefined || list === undefined) throw new Error('no total')
      const table: ScenarioTable = {
        title:
          `Cold start, median of ${options.runs} starts each (ms after creating the core): ${options.conversations} conversations / ` +
          `${options.messages.toLocaleString('en-US')} messages cached vs. 1 conversation / ${options.baselineMessages} messages` +
          (options.awaitFirstPaint ? '' : ' — the core connecting at once, not holding for the first paint as the app does (--await-first-paint=false)'),
        header: ['', 'large cache', 'empty cache', 'ratio'],
        rows: [
          ...phases.map((phase) => [phase.label, ms(phase.largeMs), ms(phase.emptyMs), phase.ratio.toFixed(2)]),
          ['offline (server stopped): conversation list painted', ms(offlineList.largeMs), ms(offlineList.emptyMs), offlineList.ratio.toFixed(2)],
          ['offline (server stopped): first message rows painted', ms(offlineTotal.largeMs), ms(offlineTotal.emptyMs), offlineTotal.ratio.toFixed(2)],
          ['every start: latest message in view / list scrollable', bigSide.starts.every((s) => s.scrollable) ? 'yes' : 'NO', emptySide.starts.every((s) => s.scrollable) ? 'yes' : 'NO', ''],
        ],
        notes: [
          `COLD START ratio ${total.ratio.toFixed(2)} (target ≤ 1.3: ${total.ratio <= 1.3 ? 'met' : 'NOT met'}); list painted ${list.ratio.toFixed(2)}.`,
          `Each run: ${bigSide.starts.map((s) => ms(s.visible)).join(', ')} ms (large); ${emptySide.starts.map((s) => ms(s.visible)).join(', ')} ms (empty).`,
          `Set-up, untimed: seeding the server ${(seedMs / 1000).toFixed(1)} s; the large account's first sync ${(large.syncMs / 1000).toFixed(1)} s ` +
            `(${Math.round(options.messages / (large.syncMs / 1000)).toLocaleString('en-US')} msg/s), its search index ${(large.indexMs / 1000).toFixed(1)} s more.`,
          'Each start reopens the conversation open when the app last ran (the newest); nothing is clicked.',
          ...sides.map(
            (side) =>
              `Push events to the window until the end point, ${side.name} (first timed start): ` +
              Object.entries(side.starts[0]?.events ?? {})
                .map(([name, counted]) => `${name} ${counted.events}×/${counted.items} items`)
                .join(', '),
          ),
          'Offline: the same starts after the server stopped — what the start costs without the sync confirming the cache over the network.',
        ],
      }
      return {
        tables: [table],
        json: {
          conversations: options.conversations,
          messages: options.messages,
          baselineMessages: options.baselineMessages,
          runs: options.runs,
          awaitFirstPaint: options.awaitFirstPaint,
          largeMs: total.largeMs,
          emptyMs: total.emptyMs,
          ratio: total.ratio,
          listPaintedRatio: list.ratio,
          offline: { listPainted: offlineList, visible: offlineTotal },
          phases,
          starts: { large: bigSide.starts, empty: emptySide.starts, offline },
          setup: { seedMs, largeSyncMs: large.syncMs, largeIndexMs: large.indexMs, emptySyncMs: empty.syncMs },
          profile: profileTop,
        },
      }
    } finally {
      await server.stop()
    }
  },
}
