/**
 * Which new messages deserve an OS notification (DESIGN.md §7). Pure rules,
 * so they are tested exhaustively; the shell only shows what this decides.
 */
import type { ChatMessage, Settings } from '../../shared/ipc'
import type { NotificationRequest } from './shell-port'

export interface NotifyContext {
  me: string
  windowFocused: boolean
  /** The conversation open in the window, if any. */
  activeConversationId: string | null
  /** Messages created before the app started are history, not news. */
  appStartedAt: number
  settings: Pick<Settings, 'notifications' | 'showMessagePreview'>
  conversation: { id: string; kind: 'direct' | 'group'; title: string | null; muted: boolean } | null
  senderName: string
}

/** The notification to show for `message`, or null when it should stay silent. */
export function notificationFor(message: ChatMessage, context: NotifyContext): NotificationRequest | null {
  const { conversation } = context
  if (!context.settings.notifications) return null
  if (message.senderId === context.me) return null
  if (conversation === null || conversation.muted) return null
  if (message.createdAt < context.appStartedAt) return null
  if (context.windowFocused && context.activeConversationId === message.conversationId) return null
  const title =
    conversation.kind === 'group' && conversation.title
      ? `${context.senderName} · ${conversation.title}`
      : context.senderName
  return {
    conversationId: message.conversationId,
    title,
    body: context.settings.showMessagePreview ? truncate(message.body, 200) : 'New message',
  }
}

function truncate(text: string, max: number): string {
  const chars = [...text]
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`
}
