/** Realtime channel and event names (docs/design.md §5), shared by the server and the app. */
import { z } from 'zod'
import { conversationSchema, messageSchema } from './api'

/**
 * The per-user channel. `encrypted`: `private-encrypted-user-{id}` — with an
 * external realtime service and PUSHER_ENCRYPTION_MASTER_KEY the `pusher` SDK
 * encrypts every event on it and pusher-js decrypts, so the service never sees
 * message text (docs/design.md §5.1; /api/config says which one to use).
 */
export const userChannel = (userId: string, encrypted = false): string =>
  encrypted ? `private-encrypted-user-${userId}` : `private-user-${userId}`
export const conversationChannel = (conversationId: string): string => `presence-conversation-${conversationId}`

const USER_CHANNEL = /^private-(?:encrypted-)?user-(.+)$/
const CONVERSATION_CHANNEL = /^presence-conversation-(.+)$/

export function parseUserChannel(name: string): string | null {
  return USER_CHANNEL.exec(name)?.[1] ?? null
}

export function parseConversationChannel(name: string): string | null {
  return CONVERSATION_CHANNEL.exec(name)?.[1] ?? null
}

export const Events = {
  messageCreated: 'message.created',
  messageUpdated: 'message.updated',
  conversationUpsert: 'conversation.upsert',
  markerUpdated: 'marker.updated',
  /** To a member taken out of a group (removed, or left from another device). */
  conversationRemoved: 'conversation.removed',
  typing: 'client-typing',
} as const

/** `message.created`: the message (with its rev), without `body` when the event would exceed 10 KB. */
export const messageCreatedEventSchema = z.object({
  message: messageSchema.extend({ body: z.string().optional() }),
})
export type MessageCreatedEvent = z.infer<typeof messageCreatedEventSchema>

/**
 * `message.updated`: a message as it is after a change (edit, delete,
 * reaction, or a new preview of the message it replies to), stamped with the
 * rev of that change; without `body` when the event would exceed 10 KB.
 */
export const messageUpdatedEventSchema = messageCreatedEventSchema
export type MessageUpdatedEvent = z.infer<typeof messageUpdatedEventSchema>

export const conversationUpsertEventSchema = z.object({
  conversation: conversationSchema.extend({
    lastMessage: messageSchema.extend({ body: z.string().optional() }).nullable(),
  }),
})
export type ConversationUpsertEvent = z.infer<typeof conversationUpsertEventSchema>

/** `conversation.removed`: you are no longer a member; keep the history read-only. */
export const conversationRemovedEventSchema = z.object({ conversationId: z.string().min(1).max(64) })
export type ConversationRemovedEvent = z.infer<typeof conversationRemovedEventSchema>

export const markerUpdatedEventSchema = z.object({
  conversationId: z.string(),
  userId: z.string(),
  readSeq: z.number().int().nonnegative(),
  deliveredSeq: z.number().int().nonnegative(),
})
export type MarkerUpdatedEvent = z.infer<typeof markerUpdatedEventSchema>

export const typingEventSchema = z.object({ typing: z.boolean() })
export type TypingEvent = z.infer<typeof typingEventSchema>

/** Presence channel_data user_info. */
export interface PresenceUserInfo {
  displayName: string
}
