/**
 * The rules of reaction chips: one chip per emoji in the server's order,
 * its count, whether it is mine, and whether another emoji may be added
 * (at most 20 different ones under a message: the server refuses a 21st).
 */
import type { Reaction } from '../../../shared/api'
import { canonicalEmoji, REACTIONS_PER_MESSAGE_MAX } from '../../../shared/message-content'

export interface ReactionChip {
  emoji: string
  count: number
  mine: boolean
  userIds: readonly string[]
}

export function reactionChips(reactions: readonly Reaction[], me: string): ReactionChip[] {
  return reactions
    .filter((reaction) => reaction.userIds.length > 0)
    .map((reaction) => ({ emoji: reaction.emoji, count: reaction.userIds.length, mine: reaction.userIds.includes(me), userIds: reaction.userIds }))
}

/** Another emoji fits under this message (an emoji already there can always be joined). */
export function canAddReaction(reactions: readonly Reaction[], emoji?: string): boolean {
  const shown = reactions.filter((reaction) => reaction.userIds.length > 0)
  if (emoji !== undefined && shown.some((reaction) => reaction.emoji === emoji)) return true
  return shown.length < REACTIONS_PER_MESSAGE_MAX
}

/**
 * The form of an emoji a reaction is sent and compared in: the shared
 * canonical form (emoji data writes "👍️", people type "👍": one chip).
 * Null: not one emoji.
 */
export function reactionEmoji(text: string): string | null {
  return canonicalEmoji(text)
}

/** Toggle: on when I have not reacted with it yet. */
export function reactionTurnsOn(reactions: readonly Reaction[], emoji: string, me: string): boolean {
  return !reactions.some((reaction) => reaction.emoji === emoji && reaction.userIds.includes(me))
}

/** The quick row: common reactions, one click each. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🎉'] as const
