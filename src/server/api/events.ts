/**
 * The realtime events of docs/design.md §5, sent to each member's per-user
 * channel (`private-user-*`, or `private-encrypted-user-*`: ctx.userChannel).
 */
import type { Message } from '../../shared/api'
import {
  Events,
  type ConversationRemovedEvent,
  type ConversationUpsertEvent,
  type MarkerUpdatedEvent,
  type MessageCreatedEvent,
  type MessageUpdatedEvent,
} from '../../shared/channels'
import type { ConversationRecord } from '../store/store'
import type { ApiContext } from './context'
import { eventByteLimit, withinEventLimit } from './publisher'
import { conversationView } from './views'

/** `startedAt`: performance.now() when the send request arrived (the send→publish latency metric). */
export function publishMessageCreated(
  ctx: ApiContext,
  memberIds: readonly string[],
  message: Message,
  startedAt?: number,
): void {
  // Over 10 KB without the body (ten attachments with long names can be): without the attachments too —
  // either way a client that gets no body fetches the message.
  const limit = eventByteLimit(ctx.userChannel(message.senderId))
  const payload = withinEventLimit<MessageCreatedEvent>(
    { message },
    ({ message: { body: _body, ...rest } }) =>
      Buffer.byteLength(JSON.stringify({ message: rest })) > limit ? { message: { ...rest, attachments: [] } } : { message: rest },
    limit,
  )
  ctx.publisher.publish(message.conversationId, memberIds.map(ctx.userChannel), Events.messageCreated, payload, startedAt)
}

/**
 * `message.updated` for each changed message (the message first, then the
 * replies whose preview of it changed), in rev order. An event over 10 KB
 * goes without the body; one still over (hundreds of reactions) goes as a
 * bare notice — also without reactions, mentions, attachments and reply preview — since
 * a client that gets no body fetches the message with changedAfter either way.
 */
export function publishMessagesUpdated(ctx: ApiContext, memberIds: readonly string[], messages: readonly Message[]): void {
  const channels = memberIds.map(ctx.userChannel)
  const limit = eventByteLimit(channels[0] ?? '')
  for (const message of messages) {
    const payload = withinEventLimit<MessageUpdatedEvent>(
      { message },
      ({ message: { body: _body, ...rest } }) => ({ message: rest }),
      limit,
    )
    const notice =
      Buffer.byteLength(JSON.stringify(payload)) > limit
        ? { message: { ...payload.message, reactions: [], mentions: [], replyTo: null, attachments: [] } }
        : payload
    ctx.publisher.publish(message.conversationId, channels, Events.messageUpdated, notice)
  }
}

export function publishMarkerUpdated(ctx: ApiContext, memberIds: readonly string[], marker: MarkerUpdatedEvent): void {
  ctx.publisher.publish(marker.conversationId, memberIds.map(ctx.userChannel), Events.markerUpdated, marker)
}

/**
 * Each member gets the conversation as they see it (their markers, their
 * unread count, their mute); `onlyTo`: just these members (a change of one
 * member's own settings goes to their devices alone).
 */
export async function publishConversationUpsert(
  ctx: ApiContext,
  record: ConversationRecord,
  onlyTo?: readonly string[],
): Promise<void> {
  const memberIds = record.members.map((member) => member.userId).filter((id) => onlyTo === undefined || onlyTo.includes(id))
  if (memberIds.length === 0) return
  const unread = await ctx.store.unreadCounts(record.id, memberIds)
  const now = ctx.now()
  for (const memberId of memberIds) {
    const conversation = conversationView(record, memberId, unread.get(memberId), now)
    const payload = withinEventLimit<ConversationUpsertEvent>({ conversation }, (p) => ({
      conversation: {
        ...p.conversation,
        lastMessage: p.conversation.lastMessage && { ...p.conversation.lastMessage, body: undefined },
      },
    }))
    ctx.publisher.publish(record.id, [ctx.userChannel(memberId)], Events.conversationUpsert, payload)
  }
}

/** To a user who is no longer a member (removed, or left from one of their devices): keep the history read-only. */
export function publishConversationRemoved(ctx: ApiContext, conversationId: string, userId: string): void {
  const event: ConversationRemovedEvent = { conversationId }
  ctx.publisher.publish(conversationId, [ctx.userChannel(userId)], Events.conversationRemoved, event)
}
