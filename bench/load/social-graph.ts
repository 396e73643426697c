/**
 * Who talks to whom, derived from the seed alone. Users are numbered 0…N-1.
 * Direct conversations: after a seeded shuffle, each user talks to its two
 * neighbours on a ring and to the user half-way round it — three direct
 * conversations each (two for one user when N is odd). Groups: two rounds,
 * each a fresh shuffle cut into groups of 5–10, so every user is in exactly
 * two groups.
 */
import { intBetween, seededRandom, shuffled, type Random } from '../../test/kit/random'

export const GROUP_MIN = 5
export const GROUP_MAX = 10
export const GROUPS_PER_USER = 2
/** Fewer users cannot give everyone three distinct partners and full groups. */
export const MIN_USERS = 10

export interface ConversationPlan {
  /** Stable name within the graph, e.g. `d:3-17` or `g1:4`. */
  key: string
  kind: 'direct' | 'group'
  /** User indices; for a direct conversation the first one creates it. */
  members: number[]
  title: string | null
}

export interface SocialGraph {
  users: number
  conversations: ConversationPlan[]
}

export function socialGraph(users: number, seed: number): SocialGraph {
  if (!Number.isInteger(users) || users < MIN_USERS) throw new Error(`the load run needs at least ${MIN_USERS} users, got ${users}`)
  const random = seededRandom(seed)
  return { users, conversations: [...directConversations(random, users), ...groups(random, users)] }
}

function directConversations(random: Random, users: number): ConversationPlan[] {
  const ring = shuffled(random, Array.from({ length: users }, (_, i) => i))
  const half = Math.floor(users / 2)
  const pairs: [number, number][] = []
  for (let i = 0; i < users; i++) pairs.push([ring[i] as number, ring[(i + 1) % users] as number])
  for (let i = 0; i < half; i++) pairs.push([ring[i] as number, ring[i + half] as number])
  const seen = new Set<string>()
  const plans: ConversationPlan[] = []
  for (const [a, b] of pairs) {
    const key = `d:${Math.min(a, b)}-${Math.max(a, b)}`
    if (seen.has(key)) continue
    seen.add(key)
    plans.push({ key, kind: 'direct', members: [a, b], title: null })
  }
  return plans
}

function groups(random: Random, users: number): ConversationPlan[] {
  const plans: ConversationPlan[] = []
  for (let round = 0; round < GROUPS_PER_USER; round++) {
    const order = shuffled(random, Array.from({ length: users }, (_, i) => i))
    let start = 0
    while (start < users) {
      const left = users - start
      // Keep the rest splittable into groups of at least GROUP_MIN.
      let size: number
      if (left <= GROUP_MAX) size = left
      else if (left < GROUP_MAX + GROUP_MIN) size = Math.floor(left / 2)
      else size = intBetween(random, GROUP_MIN, GROUP_MAX)
      const members = order.slice(start, start + size)
      plans.push({ key: `g${round}:${plans.length}`, kind: 'group', members, title: `Load group ${round}.${plans.length}` })
      start += size
    }
  }
  return plans
}

/** Conversation indices (into `graph.conversations`) of every user. */
export function conversationsByUser(graph: SocialGraph): number[][] {
  const byUser: number[][] = Array.from({ length: graph.users }, () => [])
  graph.conversations.forEach((plan, index) => plan.members.forEach((user) => byUser[user]?.push(index)))
  return byUser
}
