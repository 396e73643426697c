/**
 * Scenario: the cache past its cap (sync/eviction.ts). The generated history
 * is cut into CONVERSATIONS conversations (read to the end, indexed for
 * search) and the eviction lets half of it go again — oldest first, from the
 * bottom of each range, a transaction per chunk, with search entries and
 * attachments — against the same deletes on bare tables in the same run: the
 * cache's message columns and (conversation, seq) index, an equivalent FTS5
 * trigram index kept by a delete trigger, `secure_delete` on as in the cache,
 * one transaction per chunk of the same rows.
 */
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { setImmediate as yieldToLoop } from 'node:timers/promises'
import { openCache } from '../../src/main/core/cache'
import type { Cache } from '../../src/main/core/cache/types'
import { Eviction } from '../../src/main/core/sync/eviction'
import { whenSearchIndexed } from '../../src/main/core/testing'
import type { Message } from '../../src/shared/api'
import { benchConversation, ME, pages } from './dataset'
import { createRawMessages, insertRaw, openRawDatabase } from './raw-tables'
import type { Scenario, ScenarioContext, ScenarioResult } from './scenario'
import { median } from '../../test/kit/latency'

const CONVERSATIONS = 20
/** The budget: each conversation's latest fifth stays (with the newest message beyond it). */
const BUDGET_SHARE = 5

/** The history as CONVERSATIONS conversations of consecutive messages, each from seq 1. */
function split(messages: readonly Message[]): Message[] {
  const size = Math.floor(messages.length / CONVERSATIONS)
  return messages.slice(0, size * CONVERSATIONS).map((m, i) => ({
    ...m,
    conversationId: `evict-${Math.floor(i / size)}`,
    seq: (i % size) + 1,
    id: `${m.id}-e`,
  }))
}

interface Chunk {
  conversationId: string
  through: number
}

interface EvictionRun {
  evicted: number
  ms: number
  rowsPerSec: number
  longestChunkMs: number
  loopDelayMaxMs: number
  chunks: Chunk[]
}

async function evictParley(path: string, messages: readonly Message[], cap: number): Promise<EvictionRun> {
  const cache: Cache = openCache({ path, me: ME })
  const size = messages.length / CONVERSATIONS
  for (let c = 0; c < CONVERSATIONS; c++) cache.upsertConversations([{ ...benchConversation(size), id: `evict-${c}` }])
  for (const page of pages(messages, 200)) {
    cache.storeMessages(page)
    await yieldToLoop()
  }
  for (let c = 0; c < CONVERSATIONS; c++) cache.applyMarker(`evict-${c}`, ME, { readSeq: size, deliveredSeq: size })
  await whenSearchIndexed(cache)
  // Each chunk's deletes, timed, and remembered for the baseline.
  const chunks: Chunk[] = []
  const chunkMs: number[] = []
  const evictThrough = cache.evictThrough.bind(cache)
  cache.evictThrough = (conversationId, through) => {
    const started = performance.now()
    const gone = evictThrough(conversationId, through)
    chunkMs.push(performance.now() - started)
    chunks.push({ conversationId, through })
    return gone
  }
  const quiet = () => undefined
  const eviction = new Eviction({
    cache,
    budget: () => ({ kind: 'messages', count: Math.max(1, Math.floor(size / BUDGET_SHARE)) }),
    cap: () => cap,
    focused: () => null,
    busy: () => false,
    now: Date.now,
    // Inside the budget anyway at full size; at smoke size, small enough to leave something to evict.
    keepLatest: 1,
    log: { info: quiet, warn: quiet },
  })
  const loop = monitorEventLoopDelay({ resolution: 1 })
  loop.enable()
  const started = performance.now()
  const result = await eviction.run()
  const ms = performance.now() - started
  loop.disable()
  const left = cache.sentMessageCount()
  cache.close()
  if (result === null || left !== messages.length - result.evicted) throw new Error(`eviction left ${left} messages (${JSON.stringify(result)})`)
  return {
    evicted: result.evicted,
    ms,
    rowsPerSec: (result.evicted / ms) * 1000,
    longestChunkMs: Math.max(...chunkMs),
    loopDelayMaxMs: loop.max / 1e6,
    chunks,
  }
}

function evictRaw(path: string, messages: readonly Message[], chunks: readonly Chunk[]): { ms: number; rowsPerSec: number; longestChunkMs: number } {
  const db = openRawDatabase(path)
  db.pragma('secure_delete = ON')
  createRawMessages(db, { fts: true, primaryKey: 'row_id', indexes: true })
  db.exec(`CREATE TRIGGER raw_fts_delete AFTER DELETE ON raw_messages BEGIN
    INSERT INTO raw_fts (raw_fts, rowid, body) VALUES ('delete', old.row_id, old.body);
  END`)
  insertRaw(db, messages, 200)
  const remove = db.prepare('DELETE FROM raw_messages WHERE conversation_id = ? AND seq <= ?')
  const chunk = db.transaction((c: Chunk) => remove.run(c.conversationId, c.through).changes)
  let evicted = 0
  let longestChunkMs = 0
  const started = performance.now()
  for (const c of chunks) {
    const before = performance.now()
    evicted += chunk(c)
    longestChunkMs = Math.max(longestChunkMs, performance.now() - before)
  }
  const ms = performance.now() - started
  db.close()
  return { ms, rowsPerSec: (evicted / ms) * 1000, longestChunkMs }
}

export const evictionScenario: Scenario = {
  name: 'eviction',
  async run({ options, messages, workDir, progress }: ScenarioContext): Promise<ScenarioResult> {
    const history = split(messages)
    const cap = Math.floor(history.length / 2)
    const runs: { parley: EvictionRun; raw: ReturnType<typeof evictRaw> }[] = []
    for (let round = 0; round < options.rounds; round++) {
      progress(`eviction round ${round + 1}/${options.rounds}: ${history.length.toLocaleString('en-US')} messages, cap ${cap.toLocaleString('en-US')}`)
      const parley = await evictParley(join(workDir, `cache-${round}.sqlite`), history, cap)
      const raw = evictRaw(join(workDir, `raw-${round}.sqlite`), history, parley.chunks)
      runs.push({ parley, raw })
    }
    const parleyRate = median(runs.map((r) => r.parley.rowsPerSec))
    const rawRate = median(runs.map((r) => r.raw.rowsPerSec))
    const ratio = parleyRate / rawRate
    const evicted = runs[0]?.parley.evicted ?? 0
    const longest = median(runs.map((r) => r.parley.longestChunkMs))
    const rawLongest = median(runs.map((r) => r.raw.longestChunkMs))
    const loopMax = median(runs.map((r) => r.parley.loopDelayMaxMs))
    const fmt = (n: number) => Math.round(n).toLocaleString('en-US')
    return {
      tables: [
        {
          title: `Eviction: ${fmt(evicted)} of ${fmt(history.length)} messages over ${CONVERSATIONS} conversations let go (cap ${fmt(cap)}), medians of ${runs.length}`,
          header: ['', 'Parley', 'bare deletes', 'ratio'],
          rows: [
            ['messages evicted per second', fmt(parleyRate), fmt(rawRate), ratio.toFixed(2)],
            ['longest transaction (ms)', longest.toFixed(1), rawLongest.toFixed(1), (longest / rawLongest).toFixed(2)],
            ['longest event-loop stall (ms)', loopMax.toFixed(1), '–', '–'],
          ],
          notes: [
            'Bare deletes: the same chunks on a table with the cache’s message columns, its (conversation, seq) index and an equivalent FTS5 trigram index kept by a delete trigger, secure_delete on.',
            'Parley also finds what may go (budget, read marker, outbox), forgets attachments and yields to the event loop between chunks.',
          ],
        },
      ],
      json: { evicted, messages: history.length, parleyPerSec: parleyRate, rawPerSec: rawRate, ratio, longestChunkMs: longest, rawLongestChunkMs: rawLongest, loopDelayMaxMs: loopMax },
    }
  },
}
