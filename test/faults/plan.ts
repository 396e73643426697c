/**
 * The fault suite's plans: what happens in a round, decided up front from the
 * seed alone (never from timing or state), so `FAULT_SEED` replays it.
 *
 * A round is a "chaos" phase — a list of steps, each after a short pause:
 * traffic (send — now and then bodies too big for a realtime event —, mark
 * read, read, edit, delete for everyone, reaction on or off) mixed with faults (link cut, half-open blackhole, latency spike,
 * REST failing while the WebSocket stays up, restore, server SIGKILL and
 * restart, core restart, a new device signing in with an empty cache,
 * scrolling back past what is cached, wake-up signal) — then, sometimes, a "ghost" phase: one core's link goes
 * down (cut or blackhole) while the others stay up and talk to it, and the
 * others must stop showing it online once the heartbeat window has passed.
 */
import { chance, hashSeed, intBetween, pick, seededRandom, weighted } from '../kit/random'

export const CORE_NAMES = ['alice', 'bob', 'carol'] as const
export type CoreName = (typeof CORE_NAMES)[number]

/** Every conversation of the suite and its members: one group, every direct pair. */
export const CONVERSATIONS = {
  group: ['alice', 'bob', 'carol'],
  'alice-bob': ['alice', 'bob'],
  'alice-carol': ['alice', 'carol'],
  'bob-carol': ['bob', 'carol'],
} as const satisfies Record<string, readonly CoreName[]>
export type StaticConversation = keyof typeof CONVERSATIONS
export const STATIC_CONVERSATIONS = Object.keys(CONVERSATIONS) as StaticConversation[]
/** A static conversation, or a group made during round n: `g<n>` (its title too). */
export type ConversationName = StaticConversation | `g${number}`

export function conversationsOf(core: CoreName): StaticConversation[] {
  return STATIC_CONVERSATIONS.filter((name) => (CONVERSATIONS[name] as readonly CoreName[]).includes(core))
}

const REACTIONS = ['👍', '❤️', '😂', '🎉', '👀'] as const

export type Action =
  /** `big`: bodies over the server's 10 KB event limit, so the event comes without them and the core fetches them. */
  | { kind: 'send'; core: CoreName; conversation: ConversationName; count: number; big: boolean }
  /** markRead with the highest cached seq, as a focused renderer showing the conversation would. */
  | { kind: 'markRead'; core: CoreName; conversation: ConversationName }
  /** loadMessages, and check what the renderer would get is coherent. */
  | { kind: 'load'; core: CoreName; conversation: ConversationName }
  /** Edit (or delete for everyone) one of the core's own messages there, the `pick`-th of those it shows (pending ones too). */
  | { kind: 'edit'; core: CoreName; conversation: ConversationName; pick: number }
  | { kind: 'deleteForEveryone'; core: CoreName; conversation: ConversationName; pick: number }
  /** Toggle a reaction on the `pick`-th message there (anyone's). */
  | { kind: 'react'; core: CoreName; conversation: ConversationName; pick: number; emoji: string; on: boolean }
  | { kind: 'cut'; core: CoreName }
  | { kind: 'blackhole'; core: CoreName }
  | { kind: 'latency'; core: CoreName; ms: number }
  /** REST requests fail (connection reset) while the WebSocket link keeps working. */
  | { kind: 'failHttp'; core: CoreName }
  | { kind: 'restore'; core: CoreName }
  /** The shell's resume-from-sleep signal (the core pings and replaces a silent link). */
  | { kind: 'wake'; core: CoreName }
  /** Dispose the core and make a new one on the same userData (an app restart). */
  | { kind: 'restartCore'; core: CoreName }
  /** The user moves to a new device: the old one drains its outbox and quits, a new one signs in with an empty cache (history.ts). */
  | { kind: 'newDevice'; core: CoreName }
  /** Scroll back past the top of what is cached (older pages fetched from the server). */
  | { kind: 'scrollBack'; core: CoreName; conversation: ConversationName }
  /** The cache lets older history go again, as past its cap (eviction.ts): all it may, while faults go on. */
  | { kind: 'evict'; core: CoreName }
  /** Make a new group (`g<round>`) with some of the others; members get it by event, or by sync if they are away. */
  | { kind: 'newGroup'; core: CoreName; name: `g${number}`; others: CoreName[] }
  | { kind: 'killServer' }
  /** Start the server again (same port, same DATA_DIR); the round goes on while it boots. */
  | { kind: 'startServer' }

export interface Step {
  /** Pause before the action, in ms. */
  pauseMs: number
  action: Action
}

export interface GhostPlan {
  victim: CoreName
  how: 'cut' | 'blackhole'
  /** Sent while the victim is away: by the others (to conversations with the victim) and by the victim (queued). */
  sends: Extract<Action, { kind: 'send' }>[]
}

export interface RoundPlan {
  seed: string
  round: number
  chaos: Step[]
  ghost: GhostPlan | null
}

type LinkState = 'pass' | 'latency' | 'httpDown' | 'cut' | 'blackhole'

/** The plan of one round: a function of the seed and the round number only. */
export function planRound(seed: string, round: number): RoundPlan {
  const random = seededRandom(hashSeed(`${seed}/${round}`))
  const link: Record<CoreName, LinkState> = { alice: 'pass', bob: 'pass', carol: 'pass' }
  let server: 'up' | 'down' = 'up'
  let serverKilled = false
  let group = null as { name: `g${number}`; members: CoreName[] } | null
  const chaos: Step[] = []
  const steps = intBetween(random, 10, 18)
  for (let i = 0; i < steps; i++) {
    const core = pick(random, CORE_NAMES)
    const mine: ConversationName[] = conversationsOf(core)
    if (group?.members.includes(core)) mine.push(group.name)
    const conversation = pick(random, mine)
    const state = link[core]
    const up = state === 'pass' || state === 'latency' || state === 'httpDown'
    const action = weighted<() => Action>(random, [
      [30, () => ({ kind: 'send', core, conversation, count: intBetween(random, 1, 3), big: chance(random, 0.2) })],
      [10, () => ({ kind: 'markRead', core, conversation })],
      [8, () => ({ kind: 'load', core, conversation })],
      [6, () => ({ kind: 'edit', core, conversation, pick: intBetween(random, 0, 1_000) })],
      [2, () => ({ kind: 'deleteForEveryone', core, conversation, pick: intBetween(random, 0, 1_000) })],
      [8, () => ({ kind: 'react', core, conversation, pick: intBetween(random, 0, 1_000), emoji: pick(random, REACTIONS), on: chance(random, 0.7) })],
      [up ? 5 : 0, () => ({ kind: 'cut', core })],
      [up ? 5 : 0, () => ({ kind: 'blackhole', core })],
      [state === 'pass' ? 5 : state === 'latency' ? 2 : 0, () => ({ kind: 'latency', core, ms: intBetween(random, 50, 700) })],
      [state === 'pass' || state === 'latency' ? 6 : 0, () => ({ kind: 'failHttp', core })],
      [state === 'pass' ? 0 : 12, () => ({ kind: 'restore', core })],
      [server === 'up' && !serverKilled ? 3 : 0, () => ({ kind: 'killServer' })],
      [server === 'down' ? 25 : 0, () => ({ kind: 'startServer' })],
      // Not while blackholed: quitting then waits for requests that can only time out (see the report).
      [state === 'blackhole' ? 0 : 4, () => ({ kind: 'restartCore', core })],
      [3, () => ({ kind: 'wake', core })],
      // Not while blackholed: the old device must drain its outbox first.
      [state === 'blackhole' ? 0 : 2, () => ({ kind: 'newDevice', core })],
      [5, () => ({ kind: 'scrollBack', core, conversation })],
      [3, () => ({ kind: 'evict', core })],
      // Not while blackholed: the request would only time out.
      [group === null && state !== 'blackhole' ? 4 : 0, () => {
        const others = CORE_NAMES.filter((other) => other !== core && chance(random, 0.7))
        return { kind: 'newGroup', core, name: `g${round}`, others: others.length > 0 ? others : CORE_NAMES.filter((o) => o !== core).slice(0, 1) }
      }],
    ])()
    if (action.kind === 'newDevice') link[core] = 'pass'
    else if (action.kind === 'cut' || action.kind === 'blackhole' || action.kind === 'restore') {
      link[core] = action.kind === 'restore' ? 'pass' : action.kind
    } else if (action.kind === 'latency') link[core] = 'latency'
    else if (action.kind === 'failHttp') link[core] = 'httpDown'
    else if (action.kind === 'killServer') {
      server = 'down'
      serverKilled = true
    } else if (action.kind === 'startServer') server = 'up'
    else if (action.kind === 'newGroup') group = { name: action.name, members: [action.core, ...action.others] }
    chaos.push({ pauseMs: intBetween(random, 20, 300), action })
  }

  let ghost: GhostPlan | null = null
  if (chance(random, 0.4)) {
    const victim = pick(random, CORE_NAMES)
    const how = pick(random, ['cut', 'blackhole'] as const)
    const sends: GhostPlan['sends'] = []
    for (const core of CORE_NAMES) {
      const shared = core === victim ? conversationsOf(victim) : conversationsOf(core).filter((c) => conversationsOf(victim).includes(c))
      for (let n = intBetween(random, 0, 2); n > 0; n--) {
        sends.push({ kind: 'send', core, conversation: pick(random, shared), count: 1, big: chance(random, 0.2) })
      }
    }
    ghost = { victim, how, sends }
  }
  return { seed, round, chaos, ghost }
}

export function describeAction(action: Action): string {
  switch (action.kind) {
    case 'send':
      return `${action.core} sends ${action.count}${action.big ? ' big' : ''} to ${action.conversation}`
    case 'markRead':
      return `${action.core} marks ${action.conversation} read`
    case 'load':
      return `${action.core} loads ${action.conversation}`
    case 'edit':
      return `${action.core} edits its message #${action.pick} in ${action.conversation}`
    case 'deleteForEveryone':
      return `${action.core} deletes its message #${action.pick} in ${action.conversation}`
    case 'react':
      return `${action.core} ${action.on ? 'adds' : 'takes back'} ${action.emoji} on #${action.pick} in ${action.conversation}`
    case 'failHttp':
      return `${action.core} REST fails (WebSocket up)`
    case 'latency':
      return `${action.core} latency ${action.ms} ms`
    case 'killServer':
      return 'server SIGKILL'
    case 'startServer':
      return 'server start'
    case 'restartCore':
      return `${action.core} app restart`
    case 'newDevice':
      return `${action.core} moves to a new device`
    case 'scrollBack':
      return `${action.core} scrolls back in ${action.conversation}`
    case 'evict':
      return `${action.core} evicts older history`
    case 'newGroup':
      return `${action.core} makes group ${action.name} with ${action.others.join(',')}`
    default:
      return `${action.core} ${action.kind}`
  }
}

export function describePlan(plan: RoundPlan): string {
  const lines = [`round ${plan.round} (FAULT_SEED=${plan.seed}):`]
  let at = 0
  for (const step of plan.chaos) {
    at += step.pauseMs
    lines.push(`  +${String(at).padStart(5)} ms  ${describeAction(step.action)}`)
  }
  lines.push('  then: restore every link, server up if down; wait until connected')
  if (plan.ghost) {
    const { victim, how, sends } = plan.ghost
    lines.push(`  ghost: ${victim} ${how}; while away: ${sends.map(describeAction).join(', ') || 'no sends'}; others must see ${victim} offline`)
    lines.push(`  then: restore ${victim}`)
  }
  lines.push('  then: caches = server, outboxes empty, markers agree, presence exact')
  return lines.join('\n')
}
