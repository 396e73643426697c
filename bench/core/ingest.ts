/**
 * Scenario 1: ingest a conversation's history through `storeMessages` in
 * server-sized pages, yielding to the event loop between pages as sync does,
 * against raw better-sqlite3 inserts of the same rows in ONE transaction —
 * into a bare table, and into a bare table with an equivalent FTS5 trigram
 * index (the part of the cost that search needs). A third baseline commits
 * that FTS table page by page like the cache must, to tell the cost of
 * committing per page from the cost of the cache's own indexes and logic.
 * Main-thread stalls are measured with monitorEventLoopDelay while the cache
 * ingests.
 */
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { setImmediate as yieldToLoop } from 'node:timers/promises'
import type { Message } from '../../src/shared/api'
import { openCache } from '../../src/main/core/cache'
import { benchConversation, CONVERSATION_ID, pages } from './dataset'
import { createRawMessages, insertRaw, openRawDatabase } from './raw-tables'
import type { Scenario, ScenarioContext, ScenarioResult } from './scenario'
import { median, percentile } from './stats'

export const INGEST_RATIO_TARGET = 0.5
export const STALL_TARGET_MS = 50

const targets = ['parley', 'raw', 'rawFts', 'rawFtsPages'] as const
type Target = (typeof targets)[number]

interface IngestRound {
  messagesPerSec: number
  /** Parley only: the event loop while ingesting, and each storeMessages call. */
  loopDelayMaxMs?: number
  loopDelayP99Ms?: number
  batchP50Ms?: number
  batchP99Ms?: number
  batchMaxMs?: number
  /** CPU time of the longest storeMessages call: its cost without time spent descheduled on a busy machine. */
  batchCpuMaxMs?: number
  batchCpuP99Ms?: number
}

async function ingestParley(path: string, messages: readonly Message[], batch: number): Promise<IngestRound> {
  const cache = openCache({ path })
  cache.upsertConversations([benchConversation(messages.length)])
  const batchMs: number[] = []
  const batchCpuMs: number[] = []
  const loop = monitorEventLoopDelay({ resolution: 1 })
  loop.enable()
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
  const elapsed = performance.now() - start
  loop.disable()
  const stored = cache.highestSeq(CONVERSATION_ID)
  cache.close()
  if (stored !== messages.length) throw new Error(`the cache holds ${stored} of ${messages.length} messages`)
  return {
    messagesPerSec: (messages.length / elapsed) * 1000,
    loopDelayMaxMs: loop.max / 1e6,
    loopDelayP99Ms: loop.percentile(99) / 1e6,
    batchP50Ms: percentile(batchMs, 50),
    batchP99Ms: percentile(batchMs, 99),
    batchMaxMs: Math.max(...batchMs),
    batchCpuMaxMs: Math.max(...batchCpuMs),
    batchCpuP99Ms: percentile(batchCpuMs, 99),
  }
}

function ingestRaw(path: string, messages: readonly Message[], fts: boolean, batch?: number): IngestRound {
  const db = openRawDatabase(path)
  createRawMessages(db, { fts, primaryKey: 'row_id' })
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
    const rounds: Record<Target, IngestRound[]> = { parley: [], raw: [], rawFts: [], rawFtsPages: [] }
    for (let round = 1; round <= options.rounds; round++) {
      for (const target of targets) {
        context.progress(`ingest round ${round}/${options.rounds}: ${target}…`)
        const result = await runRound(target, context, round)
        context.progress(`  ${integer(result.messagesPerSec)} messages/s`)
        rounds[target].push(result)
      }
    }
    const rate = (target: Target) => median(rounds[target].map((r) => r.messagesPerSec))
    const worst = (pick: (r: IngestRound) => number | undefined) => Math.max(...rounds.parley.map((r) => pick(r) ?? 0))
    const ratioVsRaw = rate('parley') / rate('raw')
    const ratioVsRawFts = rate('parley') / rate('rawFts')
    const ratioVsRawFtsPages = rate('parley') / rate('rawFtsPages')
    const stalls = {
      loopDelayMaxMs: worst((r) => r.loopDelayMaxMs),
      loopDelayP99Ms: worst((r) => r.loopDelayP99Ms),
      batchP50Ms: median(rounds.parley.map((r) => r.batchP50Ms ?? 0)),
      batchP99Ms: worst((r) => r.batchP99Ms),
      batchMaxMs: worst((r) => r.batchMaxMs),
      batchCpuP99Ms: worst((r) => r.batchCpuP99Ms),
      batchCpuMaxMs: worst((r) => r.batchCpuMaxMs),
    }
    const byRound = (target: Target) => rounds[target].map((r) => integer(r.messagesPerSec)).join(' ')
    return {
      tables: [
        {
          title:
            `Ingest: ${integer(context.messages.length)} messages of one conversation; Parley through storeMessages in ` +
            `pages of ${options.batch} with a yield between pages; raw = plain INSERTs in one transaction (last column: one per page) ` +
            `(median of ${options.rounds} alternating rounds)`,
          header: ['', 'parley', 'raw table', 'raw + FTS5 trigram', `same, a commit per ${options.batch}`],
          rows: [
            ['messages/s (median)', ...targets.map((target) => integer(rate(target)))],
            ['  by round', ...targets.map(byRound)],
            ['parley ÷ baseline', '', ratioVsRaw.toFixed(2), ratioVsRawFts.toFixed(2), ratioVsRawFtsPages.toFixed(2)],
            ['event loop delay max / p99 (ms)', `${ms(stalls.loopDelayMaxMs)} / ${ms(stalls.loopDelayP99Ms)}`],
            ['storeMessages p50 / p99 / max (ms)', `${ms(stalls.batchP50Ms)} / ${ms(stalls.batchP99Ms)} / ${ms(stalls.batchMaxMs)}`],
            ['  CPU time p99 / max (ms)', `${ms(stalls.batchCpuP99Ms)} / ${ms(stalls.batchCpuMaxMs)}`],
          ],
          notes: [
            `ratio vs the raw table: ${ratioVsRaw.toFixed(2)} (target ≥ ${INGEST_RATIO_TARGET}: ${met(ratioVsRaw >= INGEST_RATIO_TARGET)}); ` +
              `vs raw + FTS5 trigram: ${ratioVsRawFts.toFixed(2)} in one transaction, ${ratioVsRawFtsPages.toFixed(2)} committed per page`,
            `longest main-thread stall: ${ms(stalls.loopDelayMaxMs)} ms (target ≤ ${STALL_TARGET_MS} ms: ` +
              `${met(stalls.loopDelayMaxMs <= STALL_TARGET_MS)}); the raw baselines block the thread for their whole run`,
            'trigram indexing writes one FTS5 term per character of a body: it, not the cache logic, sets the pace;',
            'the longest calls are FTS5 segment merges and WAL checkpoints landing on that commit. Wall time above',
            'CPU time is time the process was not running (other load on the machine: see loadAverage in the JSON)',
          ],
        },
      ],
      json: {
        messages: context.messages.length,
        batch: options.batch,
        rounds,
        messagesPerSec: Object.fromEntries(targets.map((target) => [target, rate(target)])),
        ratioVsRaw,
        ratioVsRawFts,
        ratioVsRawFtsPages,
        ratioTarget: INGEST_RATIO_TARGET,
        ratioVsRawMet: ratioVsRaw >= INGEST_RATIO_TARGET,
        stalls,
        stallTargetMs: STALL_TARGET_MS,
        stallMet: stalls.loopDelayMaxMs <= STALL_TARGET_MS,
      },
    }
  },
}
