/**
 * Scenario 2: open a conversation of many cached messages — the first page
 * and searches over it — against a bare `SELECT … ORDER BY seq DESC LIMIT 50`
 * on a raw table whose rowid is seq (the cheapest read there is). Searches
 * are also shown next to a LIKE scan of the raw table: what search costs
 * without an index.
 *
 * The cache indexes for search after the fact (search-indexer.ts). Searches
 * are measured with the index caught up, and once before it has indexed
 * anything — the worst case, right after a bulk ingest, when search reads
 * every message itself — and must return the same hits both times. Such a
 * search yields to the event loop between slices of its scan, and a search of
 * short terms only runs its scan on a worker thread: the longest main-thread
 * stall (event-loop delay) while it runs is measured too.
 */
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import type { Database } from 'better-sqlite3'
import { openCache } from '../../src/main/core/cache'
import type { Cache } from '../../src/main/core/cache/types'
import { catchUpSearchIndex } from '../../src/main/core/testing'
import { RARE_WORD } from './bodies'
import { benchConversation, CONVERSATION_ID, ME, pages } from './dataset'
import { createRawMessages, insertRaw, openRawDatabase } from './raw-tables'
import type { Scenario, ScenarioContext, ScenarioResult } from './scenario'
import type { LatencySummary } from '../../test/kit/latency'
import { timeRuns, timeRunsAsync } from './timing'

const PAGE = 50
/** Timed runs of each search while nothing is indexed: each reads up to every message. */
const UNINDEXED_RUNS = 5

export const SEARCH_QUERIES: readonly { label: string; query: string }[] = [
  { label: 'rare English word', query: RARE_WORD },
  { label: 'common English word', query: 'the' },
  { label: '2-char Chinese word', query: '周末' },
  // In no message: a query of short terms only then reads every row (on the scan worker).
  { label: 'rare 2-char Chinese word', query: '鑫淼' },
  { label: 'Chinese phrase', query: '去爬山' },
  { label: 'emoji', query: '🎉' },
  { label: 'Japanese word', query: '東京' },
  { label: 'two English words', query: 'meeting tomorrow' },
]

interface Measured {
  label: string
  query?: string
  hits?: number
  parley: LatencySummary
  /** Parley p50 ÷ the bare SELECT's p50. */
  ratioVsSelect: number
  likeScan?: LatencySummary
  /** Parley p50 ÷ the LIKE scan's p50. */
  ratioVsLikeScan?: number
  /** Longest event-loop delay while the search ran (searches that yield). */
  stallMaxMs?: number
}

function populate(context: ScenarioContext): { cache: Cache; raw: Database } {
  const { messages, options, workDir } = context
  context.progress(`open conversation: caching ${messages.length.toLocaleString('en-US')} messages…`)
  // Indexing only when catchUpSearchIndex is called: searches are measured before and after.
  const cache = openCache({ path: join(workDir, 'parley.sqlite'), me: ME, backgroundIndexing: false })
  cache.upsertConversations([benchConversation(messages.length)])
  for (const page of pages(messages, options.batch)) cache.storeMessages(page)
  const raw = openRawDatabase(join(workDir, 'raw.sqlite'))
  createRawMessages(raw, { fts: false, primaryKey: 'seq' })
  insertRaw(raw, messages)
  return { cache, raw }
}

const ms = (n: number): string => n.toFixed(2)
const ratio = (n: number | undefined): string => (n === undefined ? '' : `${n.toFixed(1)}×`)

export const openConversationScenario: Scenario = {
  name: 'openConversation',
  async run(context): Promise<ScenarioResult> {
    const { options } = context
    const { cache, raw } = populate(context)
    try {
      const columns = 'row_id, conversation_id, id, seq, sender_id, client_id, body, created_at, state, error'
      const bareSelect = raw.prepare(`SELECT ${columns} FROM raw_messages ORDER BY seq DESC LIMIT ${PAGE}`)
      const likeScan = raw.prepare(`SELECT ${columns} FROM raw_messages WHERE body LIKE ? ORDER BY seq DESC LIMIT ${PAGE}`)

      context.progress('open conversation: searches before anything is indexed…')
      const unindexed: Measured[] = []
      const hitsUnindexed = new Map<string, string>()
      for (const { label, query } of SEARCH_QUERIES) {
        const hits = await cache.search(query, PAGE)
        hitsUnindexed.set(query, JSON.stringify(hits))
        const delay = monitorEventLoopDelay({ resolution: 1 })
        delay.enable()
        const parley = await timeRunsAsync(UNINDEXED_RUNS, () => cache.search(query, PAGE), 1)
        delay.disable()
        unindexed.push({
          label: `search, nothing indexed yet: ${label}`,
          query,
          hits: hits.length,
          parley,
          ratioVsSelect: Number.NaN,
          // No delay sample at all: each run finished within one turn of the loop, so its time is its stall.
          stallMaxMs: delay.count > 0 ? delay.max / 1e6 : parley.maxMs,
        })
      }
      context.progress('open conversation: indexing for search…')
      const indexStart = performance.now()
      catchUpSearchIndex(cache)
      const indexMs = performance.now() - indexStart
      for (const { query } of SEARCH_QUERIES) {
        if (JSON.stringify(await cache.search(query, PAGE)) !== hitsUnindexed.get(query)) {
          throw new Error(`search ${JSON.stringify(query)} finds other hits once indexed than before`)
        }
      }

      context.progress('open conversation: first page…')
      const baseline = timeRuns(options.readRuns, () => bareSelect.all())
      const firstPage = timeRuns(options.readRuns, () => cache.messages(CONVERSATION_ID, { limit: PAGE }))
      if (cache.messages(CONVERSATION_ID, { limit: PAGE }).length !== PAGE) throw new Error('the first page is not full')
      const measured: Measured[] = [
        { label: `first page (messages, limit ${PAGE})`, parley: firstPage, ratioVsSelect: firstPage.p50Ms / baseline.p50Ms },
      ]
      for (const m of unindexed) m.ratioVsSelect = m.parley.p50Ms / baseline.p50Ms
      const unread = timeRuns(options.searchRuns, () => cache.unreadCount(CONVERSATION_ID))
      measured.push({ label: 'unreadCount (nothing read yet)', parley: unread, ratioVsSelect: unread.p50Ms / baseline.p50Ms })

      for (const { label, query } of SEARCH_QUERIES) {
        context.progress(`open conversation: search ${JSON.stringify(query)}…`)
        const hits = (await cache.search(query, PAGE)).length
        const parley = await timeRunsAsync(options.searchRuns, () => cache.search(query, PAGE))
        const pattern = `%${query.split(/\s+/u).join('%')}%`
        const scan = timeRuns(options.searchRuns, () => likeScan.all(pattern))
        measured.push({
          label: `search: ${label}`,
          query,
          hits,
          parley,
          ratioVsSelect: parley.p50Ms / baseline.p50Ms,
          likeScan: scan,
          ratioVsLikeScan: parley.p50Ms / scan.p50Ms,
        })
      }

      return {
        tables: [
          {
            title:
              `Open a conversation of ${context.messages.length.toLocaleString('en-US')} cached messages: ` +
              `p50 / p99 ms over ${options.readRuns} runs (reads) and ${options.searchRuns} runs (unread, searches, limit ${PAGE})`,
            header: ['', 'hits', 'parley p50 / p99', '÷ bare SELECT p50', 'LIKE scan p50 / p99', '÷ LIKE scan', 'longest stall'],
            rows: [
              ['bare SELECT … ORDER BY seq DESC LIMIT 50 (baseline)', '', `${ms(baseline.p50Ms)} / ${ms(baseline.p99Ms)}`, '1.0×', '', ''],
              ...measured.map((m) => [
                m.query === undefined ? m.label : `${m.label} ${JSON.stringify(m.query)}`,
                m.hits === undefined ? '' : String(m.hits),
                `${ms(m.parley.p50Ms)} / ${ms(m.parley.p99Ms)}`,
                ratio(m.ratioVsSelect),
                m.likeScan ? `${ms(m.likeScan.p50Ms)} / ${ms(m.likeScan.p99Ms)}` : '',
                ratio(m.ratioVsLikeScan),
                '',
              ]),
              ...unindexed.map((m) => [
                `${m.label} ${JSON.stringify(m.query)}`,
                String(m.hits),
                `${ms(m.parley.p50Ms)} / ${ms(m.parley.p99Ms)}`,
                ratio(m.ratioVsSelect),
                '',
                '',
                m.stallMaxMs === undefined ? '' : `${ms(m.stallMaxMs)} ms`,
              ]),
            ],
            notes: [
              'the bare SELECT reads a table whose rowid is seq: the floor for "latest 50"; the first page adds the',
              'unsent-message lookup and ChatMessage mapping. Searches add a snippet per hit; terms under 3 characters',
              '(周末, 鑫淼, 🎉) cannot use the trigram index and scan newest first until the limit is reached — for 鑫淼,',
              'in no message, every row; that scan runs on a worker thread (scan-worker.ts), the LIKE scan column on this one.',
              `"nothing indexed yet": all ${context.messages.length.toLocaleString('en-US')} messages in the search backlog, as right after a bulk`,
              `ingest (${UNINDEXED_RUNS} runs each); same hits as once indexed (checked). Indexing them all took ` +
                `${(indexMs / 1000).toFixed(1)} s in ~5 ms steps. Such a search yields to the event loop every 8 ms of`,
              'scanning; "longest stall" is the longest event-loop delay while it ran (target ≤ 50 ms).',
            ],
          },
        ],
        json: { messages: context.messages.length, page: PAGE, baseline, measured, unindexed, indexMs },
      }
    } finally {
      cache.close()
      raw.close()
    }
  },
}
