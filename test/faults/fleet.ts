/**
 * The fault suite's world: ONE real server process (`npm run server`, short
 * heartbeats), three desktop cores (alice, bob, carol — a group and every
 * direct pair), each reaching the server (REST and WebSocket) only through its
 * own TcpProxy. The fleet runs a round's plan and then checks the promises:
 * - every core's cache equals the server's history of each of its
 *   conversations (ids, seqs, revs, bodies, tombstones, reactions, mentions,
 *   nothing pending), its lastRev is the server's, and its outbox is empty;
 * - every message the test sent is on the server exactly once, and each
 *   sender's messages are in the order they were sent, with the body of
 *   their last edit (or none: deleted for everyone);
 * - every marker a core holds (its own and the other members') equals the
 *   server's, and its own read marker is the highest it was asked to mark;
 * - presence is exact: the realtime server's member list of each
 *   conversation channel (its HTTP API, through the `pusher` SDK) is the set
 *   of members whose core is connected, with one socket each (no ghost), and
 *   every core shows exactly those users online.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import Pusher from 'pusher'
import { expect } from 'vitest'
import type { Conversation, Marker } from '../../src/shared/api'
import type { ChatMessage } from '../../src/shared/ipc'
import { conversationChannel, userChannel } from '../../src/shared/channels'
import { cleanupCoreDirs, comparable, fastTiming, serverHistory, startCore, type TestCore } from '../helpers/core'
import type { Cache } from '../../src/main/core/cache/types'
import { Eviction } from '../../src/main/core/sync/eviction'
import { listConversations } from '../helpers/messenger'
import { spawnServer, type ServerProcess } from '../kit/server-process'
import { freePort } from '../kit/ports'
import { TcpProxy } from '../helpers/tcp-proxy'
import {
  CONVERSATIONS,
  CORE_NAMES,
  STATIC_CONVERSATIONS,
  describeAction,
  type Action,
  type ConversationName,
  type CoreName,
  type GhostPlan,
  type RoundPlan,
} from './plan'

export const ACTIVITY_TIMEOUT_S = 2
export const PONG_GRACE_S = 1
/** The server drops a silent socket after activity + grace; the core's own pong timeout is fastTiming's. */
export const HEARTBEAT_WINDOW_MS = (ACTIVITY_TIMEOUT_S + PONG_GRACE_S) * 1000 + (fastTiming.pongTimeoutMs ?? 1_000)
/** Generous: the machine is small and shared. Conditions are polled; nothing asserts a duration. */
const SETTLE_MS = 45_000
const PRESENCE_MS = HEARTBEAT_WINDOW_MS + 12_000
/**
 * Small history pages and budget, so that a new device (`newDevice`) holds
 * part of each conversation, backfills the rest under faults, and scrolling
 * back fetches from the server (history.ts).
 */
const HISTORY_TIMING = { latestPageSize: 6, olderPageSize: 7 }
export const HISTORY_BUDGET = { kind: 'messages', count: 15 } as const

interface Identity {
  id: string
  token: string
}

type Key = `${CoreName}/${ConversationName}`

export class Fleet {
  readonly dataDir = mkdtempSync(join(tmpdir(), 'parley-fault-suite-'))
  private port = 0
  private server: ServerProcess | null = null
  private serverStarting: Promise<ServerProcess> | null = null
  private sdk: Pusher | null = null
  readonly proxies = {} as Record<CoreName, TcpProxy>
  readonly cores = {} as Record<CoreName, TestCore>
  readonly users = {} as Record<CoreName, Identity>
  /** Every conversation the server has: its members and id (groups made in a round join once known). */
  private readonly rooms = new Map<ConversationName, { members: readonly CoreName[]; id: string }>()
  /** Groups whose creation failed on the client: the server may still have made them (answer lost). */
  private readonly maybeCreated = new Map<ConversationName, { creator: CoreName; members: CoreName[] }>()
  /** Bodies each core sent to each conversation, in order: the last edit's, '' once deleted for everyone. */
  private readonly sent = new Map<Key, string[]>()
  /** The highest seq each core was asked to mark read. */
  private readonly readAsked = new Map<Key, number>()
  /** What happened in the current round, with times: printed when a round fails. */
  timeline: string[] = []
  private roundStartedAt = Date.now()
  private round = 0

  private env(): Record<string, string> {
    return {
      DATA_DIR: this.dataDir,
      PORT: String(this.port),
      ACTIVITY_TIMEOUT: String(ACTIVITY_TIMEOUT_S),
      PONG_GRACE: String(PONG_GRACE_S),
      AUTH_RATE_LIMIT: '100000',
      SEND_RATE_LIMIT: '100000',
      CHANGE_RATE_LIMIT: '100000',
      CONVERSATION_RATE_LIMIT: '100000',
    }
  }

  private get directUrl(): string {
    return `http://127.0.0.1:${this.port}`
  }

  private note(text: string): void {
    this.timeline.push(`+${String(Date.now() - this.roundStartedAt).padStart(6)} ms  ${text}`)
  }

  // -- setup -------------------------------------------------------------------

  async start(): Promise<void> {
    this.port = await freePort()
    this.server = await spawnServer(this.env())
    const credentials = JSON.parse(readFileSync(join(this.dataDir, 'pusher-credentials.json'), 'utf8')) as {
      id: string
      key: string
      secret: string
    }
    this.sdk = new Pusher({
      appId: credentials.id,
      key: credentials.key,
      secret: credentials.secret,
      host: '127.0.0.1',
      port: String(this.port),
      useTLS: false,
    })
    for (const name of CORE_NAMES) {
      const proxy = new TcpProxy(this.port)
      await proxy.start()
      this.proxies[name] = proxy
      const url = `http://127.0.0.1:${proxy.port}`
      const handle = await this.device(url)
      this.cores[name] = handle
      const session = await handle.core.register({ serverUrl: url, username: `${name}${process.pid}`, password: 'password-1', displayName: name })
      this.users[name] = { id: session.user?.id ?? '', token: handle.core.currentAccount?.api.token ?? '' }
    }
    const create = async (creator: CoreName, others: CoreName[], title?: string) =>
      (await this.cores[creator].core.createConversation({ memberIds: others.map((o) => this.users[o].id), ...(title ? { title } : {}) })).id
    for (const name of STATIC_CONVERSATIONS) {
      const [creator, ...others] = CONVERSATIONS[name]
      this.addRoom(name, CONVERSATIONS[name], await create(creator, others, name === 'group' ? 'Trio' : undefined))
    }
    await this.settle('setup')
  }

  /** A core with the fleet's small history pages and budget, on a new userData directory. */
  private async device(url: string): Promise<TestCore> {
    const handle = await startCore(url, { timing: { ...fastTiming, ...HISTORY_TIMING } })
    await handle.core.updateSettings({ historyBudget: HISTORY_BUDGET })
    return handle
  }

  async stop(): Promise<void> {
    for (const name of CORE_NAMES) await this.cores[name]?.stop().catch(() => undefined)
    for (const name of CORE_NAMES) await this.proxies[name]?.stop().catch(() => undefined)
    const server = this.server ?? (await this.serverStarting?.catch(() => null))
    server?.child.kill('SIGKILL')
    cleanupCoreDirs()
    rmSync(this.dataDir, { recursive: true, force: true })
  }

  // -- running a round ---------------------------------------------------------

  async runRound(plan: RoundPlan): Promise<void> {
    this.round = plan.round
    this.timeline = []
    this.roundStartedAt = Date.now()
    for (const [index, step] of plan.chaos.entries()) {
      await sleep(step.pauseMs)
      this.note(describeAction(step.action))
      await this.perform(step.action, `r${plan.round}s${index}`)
    }
    await this.restoreEverything()
    await this.waitConnected()
    if (plan.ghost) await this.haunt(plan.ghost, `r${plan.round}g`)
    await this.settle(`round ${plan.round}`)
  }

  private addRoom(name: ConversationName, members: readonly CoreName[], id: string): void {
    this.rooms.set(name, { members, id })
    for (const member of members) if (!this.sent.has(`${member}/${name}`)) this.sent.set(`${member}/${name}`, [])
  }

  private roomsOf(core: CoreName): ConversationName[] {
    return [...this.rooms].filter(([, room]) => room.members.includes(core)).map(([name]) => name)
  }

  private idOf(name: ConversationName): string {
    const room = this.rooms.get(name)
    if (room === undefined) throw new Error(`no conversation ${name}`)
    return room.id
  }

  /** The conversation as `core` can use it now, or null (a group it has not heard of yet, or that was never made). */
  private usable(core: CoreName, name: ConversationName): string | null {
    const id = this.rooms.get(name)?.id
    if (id === undefined || (this.cores[core].core.currentAccount?.cache.conversation(id) ?? null) === null) {
      this.note(`  ${core} does not have ${name} (yet): skipped`)
      return null
    }
    return id
  }

  private async newGroup(creator: CoreName, name: `g${number}`, others: CoreName[]): Promise<void> {
    try {
      const conversation = await this.cores[creator].core.createConversation({
        memberIds: others.map((other) => this.users[other].id),
        title: name,
      })
      this.addRoom(name, [creator, ...others], conversation.id)
    } catch (err) {
      // Offline: the user sees an error. The request may still have reached the server (answer lost).
      this.note(`  ${creator} could not make ${name}: ${err instanceof Error ? err.message : String(err)}`)
      this.maybeCreated.set(name, { creator, members: [creator, ...others] })
    }
  }

  /** Groups whose creation looked failed but that the server has: from now on they are checked like the rest. */
  private async discoverGroups(): Promise<void> {
    for (const [name, { creator, members }] of [...this.maybeCreated]) {
      const found = [...(await this.serverConversations(creator)).values()].find((c) => c.title === name)
      if (found) {
        this.addRoom(name, members, found.id)
        this.note(`  ${name} exists on the server after all`)
      }
      this.maybeCreated.delete(name)
    }
  }

  private async perform(action: Action, tag: string): Promise<void> {
    switch (action.kind) {
      case 'send':
        return this.send(action.core, action.conversation, action.count, action.big, tag)
      case 'markRead':
        return this.markRead(action.core, action.conversation)
      case 'load':
        return this.load(action.core, action.conversation)
      case 'edit':
      case 'deleteForEveryone':
        return this.changeOwn(action.kind, action.core, action.conversation, action.pick, tag)
      case 'react':
        return this.react(action.core, action.conversation, action.pick, action.emoji, action.on)
      case 'cut':
        return this.proxies[action.core].cut()
      case 'blackhole':
        return this.proxies[action.core].blackhole()
      case 'latency':
        return this.proxies[action.core].latency(action.ms)
      case 'failHttp':
        return this.proxies[action.core].failHttp()
      case 'restore':
        return this.proxies[action.core].restore()
      case 'wake':
        return this.cores[action.core].core.systemResumed()
      case 'restartCore':
        this.cores[action.core] = await this.cores[action.core].restart()
        this.note(`${action.core} restarted`)
        return
      case 'newDevice':
        return this.newDevice(action.core)
      case 'scrollBack':
        return this.scrollBack(action.core, action.conversation)
      case 'evict':
        return this.evict(action.core)
      case 'killServer': {
        const server = this.server
        this.server = null
        if (server === null) return
        server.child.kill('SIGKILL')
        await server.exited
        this.note('server exited')
        return
      }
      case 'startServer':
        this.startServer()
        return
      case 'newGroup':
        return this.newGroup(action.core, action.name, action.others)
    }
  }

  /** Boot the server in the background: the round goes on meanwhile. */
  private startServer(): void {
    if (this.server !== null || this.serverStarting !== null) return
    this.serverStarting = spawnServer(this.env(), { timeoutMs: 30_000 })
    this.serverStarting.then(
      (server) => {
        this.server = server
        this.serverStarting = null
        this.note('server listening')
      },
      () => undefined,
    )
  }

  private async send(core: CoreName, conversation: ConversationName, count: number, big: boolean, tag: string): Promise<void> {
    const conversationId = this.usable(core, conversation)
    const bodies = this.sent.get(`${core}/${conversation}`)
    if (conversationId === null || bodies === undefined) return
    for (let i = 0; i < count; i++) {
      // Big: 3,500 CJK characters are over 10 KB of JSON, so the realtime event comes without the body.
      const body = `${tag}.${i} ${core}→${conversation} ✓ ${big ? '长'.repeat(3_500) : '你好'}`
      await this.cores[core].core.sendMessage({ conversationId, body })
      bodies.push(body)
    }
  }

  /** The core's own messages there that can still change (pending ones too), as its renderer shows them. */
  private async shown(core: CoreName, conversation: ConversationName): Promise<{ conversationId: string; messages: ChatMessage[] } | null> {
    const conversationId = this.usable(core, conversation)
    if (conversationId === null) return null
    const page = await this.cores[core].core.loadMessages({ conversationId, limit: 50 })
    return { conversationId, messages: page.messages.filter((m) => m.deletedAt === null && m.state !== 'failed') }
  }

  /** Edit or delete for everyone the `pick`-th own message there (the outbox queues it; a pending one's waits for its send). */
  private async changeOwn(kind: 'edit' | 'deleteForEveryone', core: CoreName, conversation: ConversationName, pick: number, tag: string): Promise<void> {
    const shown = await this.shown(core, conversation)
    const bodies = this.sent.get(`${core}/${conversation}`)
    const own = shown?.messages.filter((m) => m.senderId === this.users[core].id) ?? []
    const target = own[pick % Math.max(1, own.length)]
    if (shown === null || bodies === undefined || target === undefined) return this.note(`  ${core} has no message of its own in ${conversation} to change`)
    const index = bodies.indexOf(target.body)
    if (index === -1) throw new Error(`${core} shows ${target.key} with a body it never wrote: ${target.body.slice(0, 60)}`)
    if (kind === 'edit') {
      const body = `${tag} ${core} edited ✎ 改过`
      await this.cores[core].core.editMessage({ conversationId: shown.conversationId, messageKey: target.key, body })
      bodies[index] = body
    } else {
      await this.cores[core].core.deleteForEveryone({ conversationId: shown.conversationId, messageKey: target.key })
      bodies[index] = ''
    }
    this.note(`  ${core} ${kind} ${target.key} (${target.state})`)
  }

  /** Toggle a reaction on the `pick`-th message there (a refusal — deleted meanwhile — rolls back; the end check compares with the server). */
  private async react(core: CoreName, conversation: ConversationName, pick: number, emoji: string, on: boolean): Promise<void> {
    const shown = await this.shown(core, conversation)
    const target = shown?.messages[pick % Math.max(1, shown.messages.length)]
    if (shown === null || target === undefined) return this.note(`  nothing in ${conversation} to react to`)
    const reply = await this.cores[core].core.setReaction({ conversationId: shown.conversationId, messageKey: target.key, emoji, on }).catch((err: unknown) => err)
    this.note(`  ${core} ${emoji} ${on ? 'on' : 'off'} ${target.key}${reply instanceof Error ? `: ${reply.message}` : ''}`)
  }

  /** As a focused renderer showing the conversation: everything cached has been on screen. */
  private async markRead(core: CoreName, conversation: ConversationName): Promise<void> {
    const { core: app } = this.cores[core]
    const conversationId = this.usable(core, conversation)
    if (conversationId === null) return
    const highest = app.currentAccount?.cache.highestSeq(conversationId) ?? 0
    if (highest === 0) return
    app.windowFocusChanged(true)
    await app.setActiveConversation({ conversationId })
    await app.markRead({ conversationId, seq: highest })
    const key: Key = `${core}/${conversation}`
    this.readAsked.set(key, Math.max(this.readAsked.get(key) ?? 0, highest))
    this.note(`  ${core} read ${conversation} up to ${highest}`)
  }

  /**
   * The user moves to a new device: once the old one has sent what it holds
   * (its link restored for that), it quits, and a new one signs in with an
   * empty cache — the latest page of each conversation, then the backfill,
   * under whatever faults follow. Skipped if the old one cannot drain.
   */
  private async newDevice(core: CoreName): Promise<void> {
    const old = this.cores[core]
    await this.proxies[core].restore()
    const drained = async () => (old.core.currentAccount?.cache.outbox() ?? []).length === 0
    const deadline = Date.now() + 15_000
    while (!(await drained()) && Date.now() < deadline) await sleep(100)
    if (!(await drained())) return this.note(`  ${core}'s old device still has an outbox: no new device`)
    await old.stop()
    const url = `http://127.0.0.1:${this.proxies[core].port}`
    const handle = await this.device(url)
    this.cores[core] = handle
    await handle.core.login({ serverUrl: url, username: `${core}${process.pid}`, password: 'password-1' })
    this.users[core].token = handle.core.currentAccount?.api.token ?? ''
    this.note(`  ${core} signed in on a new device`)
  }

  /** The user scrolls back past the top of what is cached: the core fetches older pages; what it answers is coherent. */
  private async scrollBack(core: CoreName, conversation: ConversationName): Promise<void> {
    const conversationId = this.usable(core, conversation)
    const account = this.cores[core].core.currentAccount
    if (conversationId === null || account === null) return
    const lowest = account.cache.lowestSeq(conversationId)
    if (lowest === null || lowest <= 1) return this.note(`  ${core} holds all of ${conversation}`)
    let page: Awaited<ReturnType<TestCore['core']['loadMessages']>>
    try {
      page = await this.cores[core].core.loadMessages({ conversationId, beforeSeq: lowest, limit: 10 })
    } catch (err) {
      // Offline or the server down: nothing cached below is fine; the window offers to try again.
      return this.note(`  ${core} scroll-back in ${conversation}: ${err instanceof Error ? err.message : String(err)}`)
    }
    const seqs = page.messages.map((m) => m.seq ?? 0)
    const where = `${core} scroll-back in ${conversation}`
    expect(seqs, `${where}: a gapless run below ${lowest}`).toEqual(seqs.map((_, i) => lowest - seqs.length + i))
    expect(page.hasMoreBefore, `${where}: hasMoreBefore`).toBe((seqs[0] ?? lowest) > 1)
    expectContiguous(account.cache, conversationId, where)
    this.note(`  ${core} scrolled back in ${conversation} to ${seqs[0] ?? lowest}`)
  }

  /**
   * The cache lets go of all the older history it may (a cap of nothing; a
   * few latest messages kept rather than 100), in the background while the
   * round goes on: each range stays contiguous, and what the outbox refers
   * to and what is unread stay (the round's checks find a lost edit or
   * message).
   */
  private async evict(core: CoreName): Promise<void> {
    const account = this.cores[core].core.currentAccount
    if (account === null) return
    const quiet = () => undefined
    const eviction = new Eviction({
      cache: account.cache,
      budget: () => HISTORY_BUDGET,
      cap: () => 0,
      focused: () => null,
      busy: () => account.sync.busy || account.history.busy,
      now: Date.now,
      keepLatest: 3,
      log: { info: quiet, warn: quiet },
    })
    const result = await eviction.run()
    if (account.isDisposed) return
    for (const conversation of this.roomsOf(core)) {
      const id = this.idOf(conversation)
      if (account.cache.conversation(id) !== null) expectContiguous(account.cache, id, `${core}'s cache of ${conversation} after an eviction`)
    }
    this.note(`  ${core} evicted ${result?.evicted ?? 0} older messages`)
  }

  /** What the renderer gets is coherent at any moment: a gapless, duplicate-free run of sent messages, then own unsent ones. */
  private async load(core: CoreName, conversation: ConversationName): Promise<void> {
    const conversationId = this.usable(core, conversation)
    if (conversationId === null) return
    const page = await this.cores[core].core.loadMessages({ conversationId, limit: 100 })
    const sent = page.messages.filter((m) => m.seq !== null)
    const unsent = page.messages.slice(sent.length)
    const where = `${core} loadMessages(${conversation})`
    expect(page.messages.slice(0, sent.length).every((m) => m.seq !== null), `${where}: unsent messages before sent ones`).toBe(true)
    const seqs = sent.map((m) => m.seq ?? 0)
    const first = seqs[0] ?? 1
    expect(seqs, `${where}: sent messages are a gapless run`).toEqual(seqs.map((_, i) => first + i))
    expect(new Set(sent.map((m) => m.id)).size, `${where}: duplicate ids`).toBe(sent.length)
    if (sent.length > 0) expect(page.hasMoreBefore, `${where}: hasMoreBefore`).toBe(first > 1)
    const mine = this.sent.get(`${core}/${conversation}`) ?? []
    for (const message of unsent) {
      expect(message.state, `${where}: no message fails (the server never refuses these)`).toBe('pending')
      expect(mine, `${where}: an unsent message the user wrote`).toContain(message.body)
    }
    const alive = page.messages.filter((m) => m.deletedAt === null)
    expect(new Set(alive.map((m) => m.body)).size, `${where}: a body shown twice`).toBe(alive.length)
  }

  /** Every link back to normal, the server up. */
  private async restoreEverything(): Promise<void> {
    for (const name of CORE_NAMES) this.proxies[name].restore()
    this.startServer()
    if (this.serverStarting) await this.serverStarting
    this.note('restored: every link passes, server up')
  }

  /** One core's link goes down; the others must stop showing it online once the heartbeat window has passed. */
  private async haunt(ghost: GhostPlan, tag: string): Promise<void> {
    const { victim, how } = ghost
    this.note(`ghost: ${victim} ${how}`)
    this.proxies[victim][how]()
    for (const [index, send] of ghost.sends.entries()) await this.send(send.core, send.conversation, send.count, send.big, `${tag}${index}`)
    const others = CORE_NAMES.filter((name) => name !== victim)
    await this.until(`${victim} (${how}) offline for the server and the others`, PRESENCE_MS, async () => {
      const problems: string[] = []
      for (const conversation of this.roomsOf(victim)) {
        const members = await this.serverMembers(conversation)
        const expected = (this.rooms.get(conversation)?.members ?? []).filter((name) => name !== victim)
        if (!sameSet(members, expected.map((name) => this.users[name].id))) {
          problems.push(`server members of ${conversation}: ${this.names(members)} (want ${expected.join(',')})`)
        }
      }
      for (const other of others) {
        const [view] = await this.cores[other].core.getUsers({ ids: [this.users[victim].id] })
        if (view?.online !== false) problems.push(`${other} shows ${victim} online`)
      }
      // Its own link is dead: it shows nobody online (better grey than stale green).
      const seen = await this.cores[victim].core.getUsers({ ids: others.map((name) => this.users[name].id) })
      const stale = seen.filter((user) => user.online)
      if (stale.length > 0) problems.push(`${victim} still shows ${this.names(stale.map((u) => u.id))} online`)
      return problems
    })
    this.note(`ghost: ${victim} offline everywhere`)
    this.proxies[victim].restore()
  }

  // -- the checks --------------------------------------------------------------

  private async waitConnected(): Promise<void> {
    await this.until('every core connected', SETTLE_MS, async () => {
      const problems: string[] = []
      for (const name of CORE_NAMES) {
        const status = await this.cores[name].core.getConnection()
        if (status.state !== 'connected') problems.push(`${name} ${status.state} (${status.lastError ?? 'no error'})`)
      }
      return problems
    })
  }

  /** After every proxy is restored and the server is up: all of the promises, see the top of the file. */
  async settle(what: string): Promise<void> {
    await this.waitConnected()
    this.note(`${what}: every core connected`)
    await this.discoverGroups()
    await this.until('caches caught up, outboxes empty', SETTLE_MS, () => this.lagging())
    this.note(`${what}: caught up`)
    await this.expectCachesEqualServer()
    await this.until('markers agree with the server', SETTLE_MS, () => this.markerProblems())
    this.note(`${what}: markers agree`)
    await this.until('presence exact (no ghosts, nobody missing)', PRESENCE_MS, () => this.presenceProblems())
    this.note(`${what}: presence exact`)
  }

  private async serverConversations(core: CoreName): Promise<Map<string, Conversation>> {
    const conversations = await listConversations(this.directUrl, this.users[core].token)
    return new Map(conversations.map((conversation) => [conversation.id, conversation]))
  }

  /**
   * What still keeps the fleet from its end state, checked in an order that
   * makes "nothing" final: first every core's messages are sent (then the
   * server's history no longer changes), then every cache holds all of it
   * (then no core stores anything new, so none raises a delivered marker),
   * then every outbox is empty (the markers are sent). Checked core by core
   * in one pass instead, alice could pass before bob's last send landed and
   * raise her delivered marker after the pass.
   */
  private async lagging(): Promise<string[]> {
    const accounts = CORE_NAMES.map((name) => ({ name, account: this.cores[name].core.currentAccount }))
    const problems: string[] = accounts.filter(({ account }) => account === null).map(({ name }) => `${name} signed out`)
    if (problems.length > 0) return problems
    for (const { name, account } of accounts) {
      if (account === null) continue
      const messages = account.cache.outbox().filter((item) => item.kind === 'message')
      if (messages.length > 0) problems.push(`${name} outbox: ${messages.length} message(s)×${messages.map((item) => item.attempts).join(',')}`)
      for (const conversation of this.roomsOf(name)) {
        const id = this.idOf(conversation)
        const unsent = account.cache.messages(id, { limit: 100_000 }).filter((m) => m.state !== 'sent')
        if (unsent.length > 0) problems.push(`${name} ${conversation}: ${unsent.length} unsent (${unsent.map((m) => m.state).join(',')})`)
      }
    }
    if (problems.length > 0) return problems
    for (const { name, account } of accounts) {
      if (account === null) continue
      const server = await this.serverConversations(name)
      for (const conversation of this.roomsOf(name)) {
        const id = this.idOf(conversation)
        if (account.cache.conversation(id) === null) {
          problems.push(`${name} does not have ${conversation}`)
          continue
        }
        const cached = account.cache.highestSeq(id)
        const last = server.get(id)?.lastSeq ?? -1
        if (cached !== last) problems.push(`${name} ${conversation}: cached ${cached}, server ${last}`)
        // The backfill has reached its budget (or the first message).
        const lowest = account.cache.lowestSeq(id) ?? 1
        if (lowest > 1 && cached - lowest + 1 < HISTORY_BUDGET.count) problems.push(`${name} ${conversation}: holds ${lowest}…${cached}, the budget is ${HISTORY_BUDGET.count}`)
        const rev = account.cache.conversation(id)?.lastRev
        const lastRev = server.get(id)?.lastRev ?? -1
        if (rev !== lastRev) problems.push(`${name} ${conversation}: lastRev ${rev}, server ${lastRev}`)
      }
    }
    if (problems.length > 0) return problems
    for (const { name, account } of accounts) {
      const outbox = account?.cache.outbox() ?? []
      if (outbox.length > 0) {
        problems.push(`${name} outbox: ${outbox.map((item) => `${item.kind}@${this.conversationName(item.conversationId)}×${item.attempts}${item.lastError ? ` (${item.lastError})` : ''}`).join(', ')}`)
      }
    }
    return problems
  }

  private async expectCachesEqualServer(): Promise<void> {
    const histories = new Map<ConversationName, Awaited<ReturnType<typeof serverHistory>>>()
    for (const [conversation, room] of this.rooms) {
      histories.set(conversation, await serverHistory(this.directUrl, this.users[room.members[0] ?? 'alice'].token, room.id))
    }
    for (const name of CORE_NAMES) {
      const account = this.cores[name].core.currentAccount
      expect(account, `${name} signed in`).not.toBeNull()
      for (const conversation of this.roomsOf(name)) {
        const id = this.idOf(conversation)
        // A device that signed in later holds one contiguous range of it: from its lowest cached seq on.
        const lowest = account === null ? 1 : expectContiguous(account.cache, id, `${name}'s cache of ${conversation}`)
        const server = (histories.get(conversation) ?? []).filter((m) => m.seq >= lowest)
        const cached = account?.cache.messages(id, { limit: 100_000 }) ?? []
        expect(
          cached.map((m) => [...comparable(m), m.senderId, m.state]),
          `${name}'s cache of ${conversation} equals the server's history from seq ${lowest}`,
        ).toEqual(server.map((m) => [...comparable(m), m.senderId, 'sent']))
        expect(account?.cache.outbox(), `${name}'s outbox is empty`).toEqual([])
      }
    }
    // No message lost or duplicated, each sender's in the order they were written.
    for (const [conversation, room] of this.rooms) {
      const server = histories.get(conversation) ?? []
      const alive = server.filter((m) => m.deletedAt === null)
      expect(new Set(alive.map((m) => m.body)).size, `${conversation}: a body stored twice on the server`).toBe(alive.length)
      const total = room.members.reduce((sum, name) => sum + (this.sent.get(`${name}/${conversation}`)?.length ?? 0), 0)
      expect(server.length, `${conversation}: messages on the server vs messages sent`).toBe(total)
      for (const name of room.members) {
        expect(
          server.filter((m) => m.senderId === this.users[name].id).map((m) => m.body),
          `${name}'s messages in ${conversation}, in the order written`,
        ).toEqual(this.sent.get(`${name}/${conversation}`))
      }
    }
  }

  private async markerProblems(): Promise<string[]> {
    const problems: string[] = []
    for (const name of CORE_NAMES) {
      const account = this.cores[name].core.currentAccount
      if (account === null) return [`${name} signed out`]
      const server = await this.serverConversations(name)
      for (const conversation of this.roomsOf(name)) {
        const id = this.idOf(conversation)
        const cached = account.cache.conversation(id)?.markers ?? {}
        const truth = server.get(id)?.markers ?? {}
        for (const member of this.rooms.get(conversation)?.members ?? []) {
          const memberId = this.users[member].id
          const mine = cached[memberId] ?? { readSeq: 0, deliveredSeq: 0 }
          const theirs = truth[memberId] ?? { readSeq: -1, deliveredSeq: -1 }
          if (!sameMarker(mine, theirs)) {
            problems.push(`${name} holds ${member}@${conversation} ${fmt(mine)}, server ${fmt(theirs)}`)
          }
        }
        const asked = this.readAsked.get(`${name}/${conversation}`) ?? 0
        const own = truth[this.users[name].id]?.readSeq ?? -1
        if (own !== asked) problems.push(`${name} marked ${conversation} read up to ${asked}; server readSeq ${own}`)
      }
    }
    return problems
  }

  private async serverMembers(conversation: ConversationName): Promise<string[]> {
    const response = await this.requireSdk().get({ path: `/channels/${conversationChannel(this.idOf(conversation))}/users` })
    return ((await response.json()) as { users: { id: string }[] }).users.map((user) => user.id)
  }

  private async subscriptionCount(channel: string): Promise<number> {
    const response = await this.requireSdk().get({ path: `/channels/${channel}`, params: { info: 'subscription_count' } })
    return ((await response.json()) as { subscription_count?: number }).subscription_count ?? 0
  }

  private async presenceProblems(): Promise<string[]> {
    const problems: string[] = []
    for (const [conversation, room] of this.rooms) {
      const members = await this.serverMembers(conversation)
      const expected = room.members.map((name) => this.users[name].id)
      if (!sameSet(members, expected)) problems.push(`server members of ${conversation}: ${this.names(members)}`)
      const sockets = await this.subscriptionCount(conversationChannel(room.id))
      if (sockets !== expected.length) problems.push(`${conversation}: ${sockets} sockets subscribed for ${expected.length} members`)
    }
    for (const name of CORE_NAMES) {
      const sockets = await this.subscriptionCount(userChannel(this.users[name].id))
      if (sockets !== 1) problems.push(`${name}'s inbox has ${sockets} sockets subscribed`)
      const others = CORE_NAMES.filter((other) => other !== name)
      for (const user of await this.cores[name].core.getUsers({ ids: others.map((other) => this.users[other].id) })) {
        if (!user.online) problems.push(`${name} shows ${this.names([user.id])} offline`)
      }
    }
    return problems
  }

  // -- helpers -----------------------------------------------------------------

  private requireSdk(): Pusher {
    if (this.sdk === null) throw new Error('no SDK')
    return this.sdk
  }

  private names(ids: readonly string[]): string {
    return ids.map((id) => CORE_NAMES.find((name) => this.users[name].id === id) ?? id).join(',') || '(none)'
  }

  private conversationName(id: string): string {
    return [...this.rooms].find(([, room]) => room.id === id)?.[0] ?? id
  }

  /** Poll until `check` reports no problem; on timeout, fail with the last problems seen. */
  private async until(what: string, timeoutMs: number, check: () => Promise<string[]>): Promise<void> {
    const deadline = Date.now() + timeoutMs
    let problems: string[]
    for (;;) {
      try {
        problems = await check()
      } catch (err) {
        problems = [`check failed: ${err instanceof Error ? err.message : String(err)}`]
      }
      if (problems.length === 0) return
      if (Date.now() > deadline) throw new Error(`round ${this.round}: ${what} — not within ${timeoutMs} ms:\n  ${problems.join('\n  ')}`)
      await sleep(100)
    }
  }

  /** Everything a failing round needs to be understood: per core, connection, outbox, lag; per link, the proxy. */
  async describeState(): Promise<string> {
    const lines: string[] = [`server: ${this.server ? `pid ${this.server.child.pid}` : this.serverStarting ? 'starting' : 'down'}`]
    for (const name of CORE_NAMES) {
      const proxy = this.proxies[name]
      const status = await this.cores[name].core.getConnection()
      const account = this.cores[name].core.currentAccount
      lines.push(
        `${name}: ${status.state} (${status.lastError ?? '-'}); proxy ${proxy.mode} +${proxy.delayMs} ms${proxy.httpFailing ? ' REST failing' : ''}, ${proxy.openLinks} links`,
      )
      if (account === null) continue
      for (const conversation of this.roomsOf(name)) {
        const id = this.idOf(conversation)
        const c = account.cache.conversation(id)
        lines.push(`  ${conversation}: highest cached ${account.cache.highestSeq(id)}, lastSeq ${c?.lastSeq}, markers ${JSON.stringify(c?.markers)}`)
      }
      for (const item of account.cache.outbox()) lines.push(`  outbox ${JSON.stringify(item)}`)
    }
    return lines.join('\n')
  }
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x))
}

function sameMarker(a: Marker, b: Marker): boolean {
  return a.readSeq === b.readSeq && a.deliveredSeq === b.deliveredSeq
}

function fmt(marker: Marker): string {
  return `read ${marker.readSeq}/delivered ${marker.deliveredSeq}`
}

/** The cache holds one gapless run of the conversation, from its lowest seq to its highest; returns the lowest (1 when empty). */
function expectContiguous(cache: Cache, conversationId: string, where: string): number {
  const lowest = cache.lowestSeq(conversationId) ?? 1
  const highest = cache.highestSeq(conversationId)
  const seqs = cache.messagesInRange(conversationId, lowest, highest).map((m) => m.seq)
  expect(seqs, `${where}: one contiguous range ${lowest}…${highest}`).toEqual(Array.from({ length: Math.max(0, highest - lowest + 1) }, (_, i) => lowest + i))
  return lowest
}
