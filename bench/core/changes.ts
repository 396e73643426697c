/**
 * Changes to messages (issue 17), two measurements against a real server
 * process, each beside a baseline from the same run:
 *
 * 1. Catch-up of changes: alice's cache holds a conversation of `--changes`
 *    messages; she closes the app and bob changes each of them once (edits
 *    and reaction toggles, half each), so the pages carry that many changes. She starts again (saved session) and the core
 *    fetches `changedAfter=<lastRev>` page by page. Measured: connected → her
 *    lastRev is the server's; then → her search index has caught up (an
 *    edit's old index entry is deleted by the indexer after the write,
 *    docs/design.md §7.6); and the longest main-thread stall over both
 *    (target ≤ 50 ms). Baseline: the bare pipeline of the same pages — node:http
 *    keep-alive, the next page requested as soon as one arrives (its rev is
 *    the next cursor), each page parsed and applied as UPDATEs to a bare
 *    table in one transaction. Ratio bare ÷ core (target ≥ 0.5).
 * 2. Reaction toggle latency: bob's core calls setReaction; the clock stops
 *    when alice's core emits the `messages` event carrying it. Baseline: bob's
 *    sendMessage to alice's `messages` event with that message, interleaved in
 *    the same run. p50/p99 and reaction ÷ send (target ≤ 1.2).
 */
import { Agent, request } from 'node:http'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import type { Message, MessagePage } from '../../src/shared/api'
import { createCore, searchIndexStats, whenSearchIndexed, type TestableCore as Core } from '../../src/main/core/testing'
import { recordingServices } from '../../test/helpers/core'
import { callApi } from '../../test/helpers/messenger'
import { summarize } from '../../test/kit/latency'
import { pino } from 'pino'
import { aliceCore, bobWrites, newUserData, startLiveServer, until, type LiveSetup } from './live-server'
import { createRawMessages, insertRaw, openRawDatabase } from './raw-tables'
import type { Scenario } from './scenario'

const PAGE = 200
const EMOJI = ['👍', '🎉', '😂', '❤️']

/** Bob makes `count` changes to the first `messages` messages over REST: even ones edit, odd ones toggle a reaction. */
async function bobChanges(setup: LiveSetup, messages: readonly Message[], count: number, concurrency = 16): Promise<void> {
  const reacted = new Set<string>()
  let next = 0
  const base = `/api/conversations/${setup.conversationId}/messages`
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let n = next++; n < count; n = next++) {
        // Each worker touches its own messages, so no two requests race on one.
        const message = messages[n % messages.length] as Message
        let status: number
        if (n % 2 === 0) {
          status = (await callApi(setup.server.url, 'PATCH', `${base}/${message.id}`, { token: setup.bob.token, body: { body: `edit ${n}: the quick brown fox` } })).status
        } else {
          const emoji = EMOJI[n % EMOJI.length] as string
          const key = `${message.id}/${emoji}`
          const on = !reacted.has(key)
          if (on) reacted.add(key)
          else reacted.delete(key)
          status = (await callApi(setup.server.url, on ? 'PUT' : 'DELETE', `${base}/${message.id}/reactions/${encodeURIComponent(emoji)}`, { token: setup.bob.token })).status
        }
        if (status !== 200) throw new Error(`change ${n} failed: HTTP ${status}`)
      }
    }),
  )
}

/** The bare pipeline: changedAfter pages, the next requested when one arrives, each applied as UPDATEs in a transaction. */
async function barePipeline(path: string, setup: LiveSetup, messages: readonly Message[]): Promise<{ ms: number; changes: number }> {
  const db = openRawDatabase(path)
  createRawMessages(db, { fts: false, primaryKey: 'seq' })
  db.exec('ALTER TABLE raw_messages ADD COLUMN rev INTEGER; ALTER TABLE raw_messages ADD COLUMN reactions TEXT; ALTER TABLE raw_messages ADD COLUMN edited_at INTEGER')
  insertRaw(db, messages)
  const update = db.prepare('UPDATE raw_messages SET body = ?, rev = ?, edited_at = ?, reactions = ? WHERE seq = ? AND (rev IS NULL OR rev < ?)')
  const apply = db.transaction((page: readonly Message[]) => {
    for (const m of page) update.run(m.body, m.rev, m.editedAt, m.reactions.length > 0 ? JSON.stringify(m.reactions) : null, m.seq, m.rev)
  })
  const agent = new Agent({ keepAlive: true, maxSockets: 2 })
  const fetchPage = (after: number): Promise<MessagePage> =>
    new Promise((resolve, reject) => {
      const url = `${setup.server.url}/api/conversations/${setup.conversationId}/messages?changedAfter=${after}&limit=${PAGE}`
      const req = request(url, { headers: { authorization: `Bearer ${setup.bob.token}` }, agent }, (res) => {
        res.setEncoding('utf8')
        let text = ''
        res.on('data', (chunk: string) => (text += chunk))
        res.on('error', reject)
        res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(text) as MessagePage) : reject(new Error(`GET ${url}: HTTP ${res.statusCode}`))))
      })
      req.on('error', reject)
      req.end()
    })
  const after = messages.at(-1)?.rev ?? 0
  const start = performance.now()
  let changes = 0
  let next = fetchPage(after)
  for (;;) {
    const page = await next
    const last = page.messages.at(-1)?.rev
    if (page.hasMore && last !== undefined) next = fetchPage(last)
    apply(page.messages)
    changes += page.messages.length
    if (!page.hasMore) break
  }
  const ms = performance.now() - start
  agent.destroy()
  db.close()
  return { ms, changes }
}

async function serverLastRev(setup: LiveSetup): Promise<number> {
  return (await callApi<{ lastRev: number }>(setup.server.url, 'GET', `/api/conversations/${setup.conversationId}`, { token: setup.bob.token })).body.lastRev
}

async function allMessages(setup: LiveSetup): Promise<Message[]> {
  const all: Message[] = []
  for (;;) {
    const page = await callApi<MessagePage>(setup.server.url, 'GET', `/api/conversations/${setup.conversationId}/messages?after=${all.at(-1)?.seq ?? 0}&limit=200`, {
      token: setup.bob.token,
    })
    all.push(...page.body.messages)
    if (!page.body.hasMore) return all
  }
}

/** Bob's own desktop core, signed in. */
async function bobCore(setup: LiveSetup, userDataDir: string): Promise<Core> {
  const core = await createCore(
    {
      userDataDir,
      defaultServerUrl: setup.server.url,
      appInfo: { name: 'Parley', version: 'bench', platform: process.platform, locale: 'en-US', tokenStorage: 'keyring' },
      services: recordingServices(),
    },
    pino({ level: 'silent' }),
  )
  await core.login({ serverUrl: setup.server.url, username: setup.bob.user.username, password: 'bench-password' })
  return core
}

/** Time from `act` to the first `messages` event at `core` that `arrived` accepts. */
async function timeToEvent(core: Core, act: () => Promise<unknown>, arrived: (messages: Message[] | unknown[]) => boolean): Promise<number> {
  let off = () => undefined as unknown
  const seen = new Promise<number>((resolve) => {
    off = core.on('messages', (event) => {
      if (arrived(event.messages)) resolve(performance.now())
    })
  })
  const start = performance.now()
  await act()
  const end = await seen
  off()
  return end - start
}

export const changesScenario: Scenario = {
  name: 'changes',
  async run({ options, workDir, progress }) {
    const count = options.changes
    const base = count
    const setup = await startLiveServer(workDir, { CHANGE_RATE_LIMIT: '100000000' })
    try {
      progress(`changes: bob writes ${base} messages; alice caches them and closes the app…`)
      await bobWrites(setup, base, 'base')
      const userData = newUserData(workDir, 'alice')
      const services = recordingServices()
      const before = await aliceCore(setup, setup.server.url, userData, {}, services)
      const caughtUp = async (core: Core) => (core.currentAccount?.cache.conversation(setup.conversationId)?.lastRev ?? -1) === (await serverLastRev(setup))
      // All of it: the first sync caches the latest page, the backfill the rest (history.ts).
      await until(
        async () => (await caughtUp(before)) && before.currentAccount?.cache.lowestSeq(setup.conversationId) === 1,
        60_000,
        'alice caches the conversation',
      )
      await before.dispose()
      const messages = await allMessages(setup)

      progress(`changes: bob makes ${count.toLocaleString('en-US')} changes (edits and reaction toggles)…`)
      await bobChanges(setup, messages, count)
      const pipeline = await barePipeline(join(workDir, 'pipeline.sqlite'), setup, messages)

      progress('changes: alice starts the app again and catches up…')
      const target = await serverLastRev(setup)
      const delay = monitorEventLoopDelay({ resolution: 10 })
      delay.enable()
      const core = await aliceCore(setup, setup.server.url, userData, {}, services)
      let connectedAt = Number.NaN
      const off = core.on('connection', (status) => {
        if (status.state === 'connected' && Number.isNaN(connectedAt)) connectedAt = performance.now()
      })
      if (core.currentAccount?.connection.state === 'connected') connectedAt = performance.now()
      await until(() => (core.currentAccount?.cache.conversation(setup.conversationId)?.lastRev ?? -1) >= target, 300_000, 'alice caught up with the changes')
      const catchUpMs = performance.now() - connectedAt
      off()
      // The work left behind: old index entries of the edited messages (and anything else unindexed).
      const cache = core.currentAccount?.cache
      if (cache) await whenSearchIndexed(cache)
      const indexedMs = performance.now() - connectedAt
      const index = cache ? searchIndexStats(cache) : null
      delay.disable()
      const stallMaxMs = delay.max / 1e6

      progress('reactions: bob’s core toggles reactions and sends messages; alice’s core receives them…')
      const bob = await bobCore(setup, newUserData(workDir, 'bob'))
      await until(async () => (await bob.getConnection()).state === 'connected', 60_000, 'bob connected')
      await until(() => bob.currentAccount?.cache.highestSeq(setup.conversationId) === base, 60_000, 'bob caught up')
      const reactionMs: number[] = []
      const sendMs: number[] = []
      const target2 = messages.at(-1) as Message
      const key = `${target2.senderId}:${target2.clientId}`
      let on = !(core.currentAccount?.cache.messageBySeq(setup.conversationId, target2.seq)?.reactions.some((r) => r.emoji === '🙂') ?? false)
      for (let i = 0; i < options.toggles; i++) {
        const want = on
        reactionMs.push(
          await timeToEvent(
            core,
            () => bob.setReaction({ conversationId: setup.conversationId, messageKey: key, emoji: '🙂', on: want }),
            (list) => (list as { key: string; reactions: { emoji: string }[] }[]).some((m) => m.key === key && m.reactions.some((r) => r.emoji === '🙂') === want),
          ),
        )
        on = !on
        const body = `latency probe ${i}`
        sendMs.push(
          await timeToEvent(
            core,
            () => bob.sendMessage({ conversationId: setup.conversationId, body }),
            (list) => (list as { body: string }[]).some((m) => m.body === body),
          ),
        )
      }
      await bob.dispose()
      await core.dispose()

      const reaction = summarize(reactionMs)
      const send = summarize(sendMs)
      const json = {
        changes: count,
        changesFetched: pipeline.changes,
        messages: base,
        catchUpMs,
        barePipelineMs: pipeline.ms,
        ratioVsBarePipeline: pipeline.ms / catchUpMs,
        indexedMs,
        indexedRatioVsBarePipeline: pipeline.ms / indexedMs,
        indexSteps: index?.steps ?? 0,
        indexStepMaxMs: index?.longestStepMs ?? 0,
        stallMaxMs,
        toggles: options.toggles,
        reaction: { p50Ms: reaction.p50Ms, p99Ms: reaction.p99Ms },
        send: { p50Ms: send.p50Ms, p99Ms: send.p99Ms },
        reactionVsSendP50: reaction.p50Ms / send.p50Ms,
        reactionVsSendP99: reaction.p99Ms / send.p99Ms,
      }
      return {
        json,
        tables: [
          {
            title: `Changes: ${count.toLocaleString('en-US')} edits and reaction toggles to ${base} messages, caught up after a restart (${pipeline.changes.toLocaleString('en-US')} changed messages in the pages)`,
            header: ['', 'time (ms)', 'bare ÷ this'],
            rows: [
              ['connected → lastRev is the server’s', catchUpMs.toFixed(0), json.ratioVsBarePipeline.toFixed(3)],
              ['connected → search index caught up too (old entries of edits deleted)', indexedMs.toFixed(0), json.indexedRatioVsBarePipeline.toFixed(3)],
              ['bare pipeline: the same pages, one ahead, parse, UPDATE per page (baseline)', pipeline.ms.toFixed(0), '1.000'],
            ],
            notes: [
              `ratio ${json.ratioVsBarePipeline.toFixed(2)} (target ≥ 0.5: ${json.ratioVsBarePipeline >= 0.5 ? 'met' : 'NOT met'}); ` +
                `longest main-thread stall ${stallMaxMs.toFixed(1)} ms, catch-up and indexing (target ≤ 50 ms: ${stallMaxMs <= 50 ? 'met' : 'NOT met'})`,
              `search index: ${json.indexSteps} indexer steps on this connection, the longest ${json.indexStepMaxMs.toFixed(1)} ms; the bare baseline keeps no search index`,
            ],
          },
          {
            title: `Reaction toggle: bob's setReaction → alice's messages event, ${options.toggles} toggles, beside a plain send`,
            header: ['', 'p50 (ms)', 'p99 (ms)'],
            rows: [
              ['reaction toggle', reaction.p50Ms.toFixed(1), reaction.p99Ms.toFixed(1)],
              ['plain message send (baseline)', send.p50Ms.toFixed(1), send.p99Ms.toFixed(1)],
              ['reaction ÷ send', json.reactionVsSendP50.toFixed(2), json.reactionVsSendP99.toFixed(2)],
            ],
            notes: [`target ≤ 1.2× a send: p50 ${json.reactionVsSendP50 <= 1.2 ? 'met' : 'NOT met'}`],
          },
        ],
      }
    } finally {
      setup.server.child.kill('SIGKILL')
    }
  },
}
