/** Who may touch a conversation: its members. Everyone else gets 404, as if it did not exist. */
import { resolveMentions } from '../../shared/message-content'
import type { ApiContext } from './context'
import { notFound } from './errors'

/** What a conversation or message id looks like; anything else cannot exist (404 without a query). */
export const ID = /^[A-Za-z0-9_-]{1,64}$/

/** Member ids of a conversation the user belongs to, else 404. */
export async function membersFor(ctx: ApiContext, conversationId: string, userId: string): Promise<string[]> {
  const memberIds = ID.test(conversationId) ? await ctx.store.memberIds(conversationId) : []
  if (!memberIds.includes(userId)) throw notFound(`No conversation ${conversationId.slice(0, 64)}`)
  return memberIds
}

/** The members a body mentions (`@username`, case-insensitive); no query unless it has an `@`. */
export async function mentionsIn(ctx: ApiContext, body: string, memberIds: readonly string[]): Promise<string[]> {
  if (!body.includes('@')) return []
  return resolveMentions(body, await ctx.store.usersById(memberIds))
}
