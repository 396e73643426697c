/** The rule a block puts on a direct conversation (docs/design.md §4.6), for the routes that post into one. */
import { ErrorCodes } from '../../shared/api'
import type { ApiContext } from './context'
import { ApiError } from './errors'

export const blockedError = (): ApiError =>
  new ApiError(403, ErrorCodes.blocked, 'The other member of this conversation blocked you')

/**
 * 403 `blocked` when the conversation is direct and its other member blocked
 * `userId`. Only a conversation of two can be direct: larger ones cost no query.
 */
export async function refuseIfBlocked(ctx: ApiContext, conversationId: string, memberIds: readonly string[], userId: string): Promise<void> {
  if (memberIds.length === 2 && (await ctx.store.blockedInDirect(conversationId, userId))) throw blockedError()
}
