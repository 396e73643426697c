/**
 * Which new messages deserve an OS notification (docs/design.md §7), and what it
 * says. `notificationFor` holds the rules, pure, so they are tested
 * exhaustively; `notifyIncoming` applies them to a batch of new messages
 * with what the account's cache knows. The shell only shows what this decides.
 */
import type { ChatMessage, Settings } from '../../../shared/ipc'
import { inQuietHours } from '../../../shared/settings'
import { lookAlikeIds, nameWithUsername } from '../../../shared/look-alike'
import { messagePreviewText } from '../../../shared/message-preview'
import type { Cache, CachedUser } from '../cache/types'
import type { NotificationRequest } from '../shell-port'

export interface NotifyContext {
  me: string
  windowFocused: boolean
  /** The conversation open in the window, if any. */
  activeConversationId: string | null
  /** Messages created before the app started are history, not news. */
  appStartedAt: number
  /** Now (the core's clock): a mute is on while `mutedUntil` is later. */
  now: number
  /** Now in local time, as minutes after midnight (0–1439): quiet hours are local. */
  minuteOfDay: number
  settings: Pick<Settings, 'notifications' | 'showMessagePreview' | 'quietHours'>
  /** `mutedUntil`: my mute, synced through the server; `leftAt`: I am no longer a member. */
  conversation: { id: string; kind: 'direct' | 'group'; title: string | null; mutedUntil: number | null; leftAt?: number | null } | null
  senderName: string
}

/** Minutes after local midnight of the time `at` (for quiet hours; the process's time zone). */
export function localMinuteOfDay(at: number): number {
  const date = new Date(at)
  return date.getHours() * 60 + date.getMinutes()
}

/**
 * The notification to show for `message` — a message new to the cache; edits
 * and reactions never come here — or null when it should stay silent. System
 * messages (a change to a group) never notify. A mention of me notifies even
 * in a muted conversation and during quiet hours; nothing else does.
 */
export function notificationFor(message: ChatMessage, context: NotifyContext): NotificationRequest | null {
  const { conversation } = context
  if (!context.settings.notifications) return null
  if (message.senderId === context.me) return null
  if (message.kind === 'system') return null
  if (message.deletedAt !== null) return null
  if (conversation === null || (conversation.leftAt ?? null) !== null) return null
  if (message.createdAt < context.appStartedAt) return null
  if (context.windowFocused && context.activeConversationId === message.conversationId) return null
  if (!message.mentions.includes(context.me)) {
    const muted = conversation.mutedUntil !== null && conversation.mutedUntil > context.now
    if (muted || inQuietHours(context.settings.quietHours, context.minuteOfDay)) return null
  }
  const title =
    conversation.kind === 'group' && conversation.title
      ? `${context.senderName} · ${conversation.title}`
      : context.senderName
  return {
    conversationId: message.conversationId,
    title,
    // Files without a caption say what they are ("📎 name", "🖼 Photo"); hidden previews say neither.
    body: context.settings.showMessagePreview ? truncate(messagePreviewText(message), 200) : 'New message',
  }
}

function truncate(text: string, max: number): string {
  const chars = [...text]
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`
}

export interface IncomingContext
  extends Pick<NotifyContext, 'me' | 'windowFocused' | 'activeConversationId' | 'appStartedAt' | 'now' | 'minuteOfDay' | 'settings'> {
  /** The signed-in account's cache: conversations and the users it knows. */
  cache: Pick<Cache, 'conversation' | 'users'>
}

/** Show (with `show`) the notification each of `messages` deserves. */
export function notifyIncoming(
  messages: readonly ChatMessage[],
  context: IncomingContext,
  show: (request: NotificationRequest, message: ChatMessage) => void,
): void {
  const { me, cache } = context
  // The people whose name looks like another's (issue 14), among every user the cache knows: once per batch, when needed.
  let lookAlikes: ReadonlySet<string> | null = null
  const senderName = (sender: CachedUser | undefined) => {
    if (sender === undefined) return 'Someone'
    lookAlikes ??= lookAlikeIds(cache.users())
    return lookAlikes.has(sender.id) ? nameWithUsername(sender) : sender.displayName
  }
  // History fetched by sync (older than the app's start) never notifies: skip it before any lookup.
  for (const message of messages.filter((m) => m.createdAt >= context.appStartedAt && m.senderId !== me && m.kind !== 'system')) {
    const request = notificationFor(message, {
      me,
      windowFocused: context.windowFocused,
      activeConversationId: context.activeConversationId,
      appStartedAt: context.appStartedAt,
      now: context.now,
      minuteOfDay: context.minuteOfDay,
      settings: context.settings,
      conversation: cache.conversation(message.conversationId),
      senderName: senderName(cache.users([message.senderId])[0]),
    })
    if (request) show(request, message)
  }
}
