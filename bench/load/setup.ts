/**
 * Populates a fresh server for the run over its REST API: registers one user
 * per client and creates the social graph's conversations (each by its first
 * member), then hands every client its token and conversations.
 */
import type { AuthResponse } from '../../src/shared/api'
import type { ClientSpec } from './messages'
import { inPool } from './pool'
import type { RestClient } from './rest'
import type { SocialGraph } from './social-graph'

const CONCURRENCY = 8
const PASSWORD = 'load-run-password'

export async function populate(rest: RestClient, graph: SocialGraph, seed: number): Promise<ClientSpec[]> {
  const accounts: AuthResponse[] = new Array(graph.users)
  const indices = Array.from({ length: graph.users }, (_, i) => i)
  await inPool(indices, CONCURRENCY, async (index) => {
    accounts[index] = await rest.register(`load${seed}u${index}`, PASSWORD)
  })
  const account = (index: number): AuthResponse => {
    const found = accounts[index]
    if (found === undefined) throw new Error(`user ${index} was not registered`)
    return found
  }

  const created: ClientSpec['conversations'][number][] = new Array(graph.conversations.length)
  const planIndices = graph.conversations.map((_, i) => i)
  await inPool(planIndices, CONCURRENCY, async (planIndex) => {
    const plan = graph.conversations[planIndex]
    const [creator, ...others] = (plan?.members ?? []).map(account)
    if (plan === undefined || creator === undefined) throw new Error(`conversation ${planIndex} has no members`)
    const conversation = await rest.createConversation(
      creator.token,
      others.map((other) => other.user.id),
      plan.title,
    )
    if (conversation.kind !== plan.kind) throw new Error(`conversation ${plan.key}: expected ${plan.kind}, got ${conversation.kind}`)
    created[planIndex] = { id: conversation.id, kind: conversation.kind, memberIds: conversation.memberIds }
  })

  // In the graph's order, not the order creation finished: what a client picks must depend on the seed only.
  const specs: ClientSpec[] = indices.map((index) => ({
    index,
    userId: account(index).user.id,
    token: account(index).token,
    conversations: [],
  }))
  graph.conversations.forEach((plan, planIndex) => {
    const conversation = created[planIndex]
    if (conversation === undefined) throw new Error(`conversation ${plan.key} was not created`)
    for (const member of plan.members) specs[member]?.conversations.push(conversation)
  })
  return specs
}
