/**
 * Scenario 1: ingest a conversation's history through `storeMessages` in
 * server-sized pages, yielding to the event loop between pages as sync does,
 * against raw better-sqlite3 inserts of the same rows in ONE transaction —
 * into a bare table, and into a bare table with an equivalent FTS5 trigram
 * index (the part of the cost that search needs). A third baseline commits
 * that FTS table page by page, to tell the cost of committing per page from
 * the cost of the cache's own indexes and logic.
 *
 * The cache writes its search index after the fact (search-indexer.ts), so
 * Parley is timed twice in the same run: until storeMessages has returned for
 * every page, and until the search index has caught up with all of them —
 * everything the cache does for those messages. Main-thread stalls are
 * measured with monitorEventLoopDelay over both phases.
 */
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { setImmediate as yieldToLoop } from 'node:timers/promises'
import type { Message } from '../../src/shared/api'
import { openCache } from '../../src/main/core/cache'
import { searchIndexBacklog, searchIndexStats, whenSearchIndexed } from '../../src/main/core/testing'
import { benchConversation, CONVERSATION_ID, ME, pages } from './dataset'
import { createRawMessages, insertRaw, openRawDatabase } from './raw-tables'
import type { Scenario, ScenarioContext, ScenarioResult } from './scenario'
import { median, percentile } from '../../test/kit/latency'

export const INGEST_RATIO_TARGET = 0.5
export const STALL_TARGET_MS = 50

const targets = ['parley', 'raw', 'rawIndexed', 'rawFts', 'rawFtsPages'] as const
type Target = (typeof targets)[number]

interface IngestRound {
  /** Parley: until storeMessages had returned for every page. Raw: the whole insert. */
  messagesPerSec: number
  /** Parley only: until the search index had caught up too — everything the cache does for these messages. */
  indexedPerSec?: number
  storeMs?: number
  indexedMs?: number
  /** Rows still to index when the last storeMessages returned. */
  backlogAtStoreEnd?: number
  /** Parley only: the event loop over both phases, and each storeMessages call. */
  loopDelayMaxMs?: number
  loopDelayP99Ms?: number
  /** The event loop while pages were being stored, and while only the indexer ran. */
  storeLoopDelayMaxMs?: number
  indexLoopDelayMaxMs?: number
  batchP50Ms?: number
  batchP99Ms?: number
  batchMaxMs?: number
  /** CPU time of the longest storeMessages call: its cost without time spent descheduled on a busy machine. */
  batchCpuMaxMs?: number
  batchCpuP99Ms?: number
  /** Parley only: the search indexer's steps (wall and CPU time of the longest), its PASSIVE checkpoints, and close(). */
  indexSteps?: number
  indexStepMaxMs?: number
  indexStepCpuMaxMs?: number
  checkpointMaxMs?: number
  closeMs?: number
}

async function ingestParley(path: string, messages: readonly Message[], batch: number): Promise<IngestRound> {
  const cache = openCache({ path, me: ME })
  cache.upsertConversations([benchConversation(messages.length)])
  const batchMs: number[] = []
  const batchCpuMs: number[] = []
  const loop = monitorEventLoopDelay({ resolution: 1 })
  const storeLoop = monitorEventLoopDelay({ resolution: 1 })
  const indexLoop = monitorEventLoopDelay({ resolution: 1 })
  loop.enable()
  storeLoop.enable()
  const start = performance.now()
  for (const page of pages(messages, batch)) {
    const before = performance.now()
    const cpuBefore = process.cpuUsage()
    cache.storeMessages(page)
    const cpu = process.cpuUsage(cpuBefore)
    batchMs.push(performance.now() - before)
    batchCpuMs.push((cpu.user + cpu.system) / 1000)
    await yieldToLoop()
  }
  const storeMs = performance.now() - start
  storeLoop.disable()
  const backlogAtStoreEnd = searchIndexBacklog(cache)
  indexLoop.enable()
  await whenSearchIndexed(cache)
  const indexedMs = performance.now() - start
  indexLoop.disable()
  loop.disable()
  const stored = cache.highestSeq(CONVERSATION_ID)
  const left = searchIndexBacklog(cache)
  const indexer = searchIndexStats(cache)
  const closeStart = performance.now()
  cache.close()
  const closeMs = performance.now() - closeStart
  if (stored !== messages.length) throw new Error(`the cache holds ${stored} of ${messages.length} messages`)
  if (left !== 0) throw new Error(`${left} messages are not indexed after whenSearchIndexed`)
  return {
    messagesPerSec: (messages.length / storeMs) * 1000,
    indexedPerSec: (messages.length / indexedMs) * 1000,
    storeMs,
    indexedMs,
    backlogAtStoreEnd,
    loopDelayMaxMs: loop.max / 1e6,
    loopDelayP99Ms: loop.percentile(99) / 1e6,
    storeLoopDelayMaxMs: storeLoop.max / 1e6,
    indexLoopDelayMaxMs: indexLoop.count > 0 ? indexLoop.max / 1e6 : 0,
    batchP50Ms: percentile(batchMs, 0.5),
    batchP99Ms: percentile(batchMs, 0.99),
    batchMaxMs: Math.max(...batchMs),
    batchCpuMaxMs: Math.max(...batchCpuMs),
    batchCpuP99Ms: percentile(batchCpuMs, 0.99),
    indexSteps: indexer.steps,
    indexStepMaxMs: indexer.longestStepMs,
    indexStepCpuMaxMs: indexer.longestStepCpuMs,
    checkpointMaxMs: indexer.longestCheckpointMs,
    closeMs,
  }
}

function ingestRaw(path: string, messages: readonly Message[], fts: boolean, batch?: number, indexes = false): IngestRound {
  const db = openRawDatabase(path)
  createRawMessages(db, { fts, primaryKey: 'row_id', indexes })
  const start = performance.now()
  insertRaw(db, messages, batch)
  const elapsed = performance.now() - start
  db.close()
  return { messagesPerSec: (messages.length / elapsed) * 1000 }
}

async function runRound(target: Target, context: ScenarioContext, round: number): Promise<IngestRound> {
  const path = join(context.workDir, `${target}-${round}.sqlite`)
  try {
    const { batch } = context.options
    if (target === 'parley') return await ingestParley(path, context.messages, batch)
    if (target === 'rawFtsPages') return ingestRaw(path, context.messages, true, batch)
    if (target === 'rawIndexed') return ingestRaw(path, context.messages, false, undefined, true)
    return ingestRaw(path, context.messages, target === 'rawFts')
  } finally {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true })
  }
}

const integer = (n: number): string => Math.round(n).toLocaleString('en-US')
const ms = (n: number | undefined): string => (n === undefined ? '–' : n.toFixed(1))
const met = (ok: boolean): string => (ok ? 'met' : 'NOT met')

export const ingestScenario: Scenario = {
  name: 'ingest',
  async run(context): Promise<ScenarioResult> {
    const { options } = context
    const rounds: Record<Target, IngestRound[]> = { parley: [], raw: [], rawIndexed: [], rawFts: [], rawFtsPages: [] }
    for (let round = 1; round <= options.rounds; round++) {
      for (const target of targets) {
        context.progress(`ingest round ${round}/${options.rounds}: ${target}…`)
        const result = await runRound(target, context, round)
        const indexed = result.indexedPerSec === undefined ? '' : `, ${integer(result.indexedPerSec)} until indexed`
        context.progress(`  ${integer(result.messagesPerSec)} messages/s${indexed}`)
        rounds[target].push(result)
      }
    }
    const rate = (target: Target) => median(rounds[target].map((r) => r.messagesPerSec))
    const indexedRate = median(rounds.parley.map((r) => r.indexedPerSec ?? 0))
    const worst = (pick: (r: IngestRound) => number | undefined) => Math.max(...rounds.parley.map((r) => pick(r) ?? 0))
    const ratioVsRaw = rate('parley') / rate('raw')
    const ratioVsRawIndexed = rate('parley') / rate('rawIndexed')
    const indexedRatioVsRawIndexed = indexedRate / rate('rawIndexed')
    const ratioVsRawFts = rate('parley') / rate('rawFts')
    const ratioVsRawFtsPages = rate('parley') / rate('rawFtsPages')
    const indexedRatioVsRaw = indexedRate / rate('raw')
    const indexedRatioVsRawFts = indexedRate / rate('rawFts')
    const indexedRatioVsRawFtsPages = indexedRate / rate('rawFtsPages')
    const stalls = {
      loopDelayMaxMs: worst((r) => r.loopDelayMaxMs),
      loopDelayP99Ms: worst((r) => r.loopDelayP99Ms),
      storeLoopDelayMaxMs: worst((r) => r.storeLoopDelayMaxMs),
      indexLoopDelayMaxMs: worst((r) => r.indexLoopDelayMaxMs),
      batchP50Ms: median(rounds.parley.map((r) => r.batchP50Ms ?? 0)),
      batchP99Ms: worst((r) => r.batchP99Ms),
      batchMaxMs: worst((r) => r.batchMaxMs),
      batchCpuP99Ms: worst((r) => r.batchCpuP99Ms),
      batchCpuMaxMs: worst((r) => r.batchCpuMaxMs),
      indexStepMaxMs: worst((r) => r.indexStepMaxMs),
      indexStepCpuMaxMs: worst((r) => r.indexStepCpuMaxMs),
      checkpointMaxMs: worst((r) => r.checkpointMaxMs),
      closeMaxMs: worst((r) => r.closeMs),
    }
    const byRound = (target: Target) => rounds[target].map((r) => integer(r.messagesPerSec)).join(' ')
    const backlog = median(rounds.parley.map((r) => r.backlogAtStoreEnd ?? 0))
    const catchUpMs = median(rounds.parley.map((r) => (r.indexedMs ?? 0) - (r.storeMs ?? 0)))
    const ratioMet = ratioVsRaw >= INGEST_RATIO_TARGET
    const indexedRatioMet = indexedRatioVsRaw >= INGEST_RATIO_TARGET
    const stallMet = stalls.loopDelayMaxMs <= STALL_TARGET_MS
    return {
      tables: [
        {
          title:
            `Ingest: ${integer(context.messages.length)} messages of one conversation; Parley through storeMessages in ` +
            `pages of ${options.batch} with a yield between pages, its search index written after the fact; raw = plain ` +
            `INSERTs in one transaction (last column: one per page) (median of ${options.rounds} alternating rounds)`,
          header: ['', 'parley', 'raw table', "raw + the cache's indexes", 'raw + FTS5 trigram', `same, a commit per ${options.batch}`],
          rows: [
            ['messages/s, storeMessages returned (median)', ...targets.map((target) => integer(rate(target)))],
            ['  by round', ...targets.map(byRound)],
            ['  parley ÷ baseline', '', ratioVsRaw.toFixed(2), ratioVsRawIndexed.toFixed(2), ratioVsRawFts.toFixed(2), ratioVsRawFtsPages.toFixed(2)],
            ['messages/s, search index caught up (median)', integer(indexedRate)],
            ['  by round', rounds.parley.map((r) => integer(r.indexedPerSec ?? 0)).join(' ')],
            [
              '  parley ÷ baseline',
              '',
              indexedRatioVsRaw.toFixed(2),
              indexedRatioVsRawIndexed.toFixed(2),
              indexedRatioVsRawFts.toFixed(2),
              indexedRatioVsRawFtsPages.toFixed(2),
            ],
            ['unindexed when the last page was stored', integer(backlog)],
            ['catching up after the last page (ms)', integer(catchUpMs)],
            ['event loop delay max / p99, both phases (ms)', `${ms(stalls.loopDelayMaxMs)} / ${ms(stalls.loopDelayP99Ms)}`],
            ['  max while storing / while catching up (ms)', `${ms(stalls.storeLoopDelayMaxMs)} / ${ms(stalls.indexLoopDelayMaxMs)}`],
            ['storeMessages p50 / p99 / max (ms)', `${ms(stalls.batchP50Ms)} / ${ms(stalls.batchP99Ms)} / ${ms(stalls.batchMaxMs)}`],
            ['  CPU time p99 / max (ms)', `${ms(stalls.batchCpuP99Ms)} / ${ms(stalls.batchCpuMaxMs)}`],
            [
              'index steps (median count), longest wall / CPU (ms)',
              `${integer(median(rounds.parley.map((r) => r.indexSteps ?? 0)))}, ${ms(stalls.indexStepMaxMs)} / ${ms(stalls.indexStepCpuMaxMs)}`,
            ],
            ['longest PASSIVE checkpoint / close() (ms)', `${ms(stalls.checkpointMaxMs)} / ${ms(stalls.closeMaxMs)}`],
          ],
          notes: [
            `ratio vs the raw table, storeMessages returned: ${ratioVsRaw.toFixed(2)} (target ≥ ${INGEST_RATIO_TARGET}: ${met(ratioMet)}); ` +
              `search index caught up: ${indexedRatioVsRaw.toFixed(2)} (target ≥ ${INGEST_RATIO_TARGET}: ${met(indexedRatioMet)})`,
            `vs the same raw table with the cache's message indexes (same rows, one transaction): ${ratioVsRawIndexed.toFixed(2)} stored / ` +
              `${indexedRatioVsRawIndexed.toFixed(2)} indexed`,
            `vs raw + FTS5 trigram: ${ratioVsRawFts.toFixed(2)} stored / ${indexedRatioVsRawFts.toFixed(2)} indexed in one transaction, ` +
              `${ratioVsRawFtsPages.toFixed(2)} / ${indexedRatioVsRawFtsPages.toFixed(2)} committed per page`,
            `longest main-thread stall over both phases: ${ms(stalls.loopDelayMaxMs)} ms (target ≤ ${STALL_TARGET_MS} ms: ` +
              `${met(stallMet)}); the raw baselines block the thread for their whole run`,
            'the raw table has no index beyond its rowid; the cache keeps (conversation, seq), own clientIds and my messages',
            '(migration 003); new rows are the search tail (migration 004) and WAL checkpoints run on a worker thread. Trigram indexing writes one FTS5 term per character of a body: it sets the pace of catching up,',
            'done in steps of ~5 ms once the writes pause. Wall time above CPU time is time the process was not running',
            '(other load on the machine: see loadAverage in the JSON)',
          ],
        },
      ],
      json: {
        messages: context.messages.length,
        batch: options.batch,
        rounds,
        messagesPerSec: Object.fromEntries(targets.map((target) => [target, rate(target)])),
        indexedMessagesPerSec: indexedRate,
        ratioVsRaw,
        ratioVsRawIndexed,
        indexedRatioVsRawIndexed,
        ratioVsRawFts,
        ratioVsRawFtsPages,
        indexedRatioVsRaw,
        indexedRatioVsRawFts,
        indexedRatioVsRawFtsPages,
        backlogAtStoreEnd: backlog,
        catchUpMs,
        ratioTarget: INGEST_RATIO_TARGET,
        ratioVsRawMet: ratioMet,
        indexedRatioVsRawMet: indexedRatioMet,
        stalls,
        stallTargetMs: STALL_TARGET_MS,
        stallMet,
      },
    }
  },
}
