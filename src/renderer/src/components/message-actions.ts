/**
 * What the toolbar, the context menu and the row's keys do to a message —
 * one implementation for all three. Failures that happen at once (the core
 * could not queue the change) become notices; refusals from the server
 * arrive later as `changeRefused` events (store/connect.ts).
 */
import { messageLink } from '../../../shared/deep-link'
import type { ChatMessage } from '../../../shared/ipc'
import { callError } from '../lib/call-error'
import { canAddReaction, reactionEmoji, reactionTurnsOn } from '../lib/reactions'
import { useCompose } from '../store/compose'
import { useMessages } from '../store/messages'
import { useNotices, type Change } from '../store/notices'
import { useSession } from '../store/session'

const failed = (change: Change) => (err: unknown) => {
  const { code, message } = callError(err)
  useNotices.getState().push({ kind: 'failed', change, code, message })
}

/** What a row offers: edit only for my own messages, delete for mine (or anyone's, `moderator`: I run the group); nothing but copy for a tombstone. */
export function actionsFor(message: ChatMessage, me: string, moderator = false) {
  const live = message.deletedAt === null && message.state !== 'failed' && message.kind !== 'system'
  const own = message.senderId === me
  return {
    react: live,
    reply: live,
    edit: live && own,
    // A group's owner and admins delete anyone's message (docs/design.md §4.6).
    delete: live && (own || moderator),
    copy: message.deletedAt === null && message.body !== '',
    // A parley://message/… link: only a message the server numbered (sent), and not a tombstone.
    link: message.deletedAt === null && message.seq !== null && message.kind !== 'system',
  }
}

export function canReactWith(message: ChatMessage, emoji: string): boolean {
  return canAddReaction(message.reactions, reactionEmoji(emoji) ?? emoji)
}

/** Toggle my reaction with this emoji. */
export function react(message: ChatMessage, picked: string): void {
  const emoji = reactionEmoji(picked)
  if (emoji === null || !canReactWith(message, emoji)) return
  const me = useSession.getState().user?.id ?? ''
  useMessages.getState().setReaction(message, emoji, reactionTurnsOn(message.reactions, emoji, me)).catch(failed('reaction'))
}

export function reply(message: ChatMessage): void {
  useCompose.getState().replyTo(message)
  useCompose.getState().openMenu(null)
  focusComposer()
}

export function edit(message: ChatMessage): void {
  useCompose.getState().startEditing(message.key)
}

export function askToDelete(message: ChatMessage): void {
  useCompose.getState().confirmDelete(message)
}

export function deleteForEveryone(message: ChatMessage): void {
  useMessages.getState().deleteForEveryone(message).catch(failed('delete'))
}

export function saveEdit(message: ChatMessage, body: string): void {
  useMessages.getState().editMessage(message, body).catch(failed('edit'))
}

export function copyText(message: ChatMessage): void {
  useCompose.getState().openMenu(null)
  navigator.clipboard.writeText(message.body).catch(failed('copy'))
}

/** "Copy link": parley://message/<conversation>/<seq>, which opens the conversation there (src/shared/deep-link.ts). */
export function copyLink(message: ChatMessage): void {
  useCompose.getState().openMenu(null)
  if (message.seq === null) return
  navigator.clipboard.writeText(messageLink(message.conversationId, message.seq)).catch(failed('copy'))
}

export const COMPOSER_ID = 'composer-input'

export function focusComposer(): void {
  // After React has rendered the reply bar (and closed a menu that would hand focus back).
  requestAnimationFrame(() => document.getElementById(COMPOSER_ID)?.focus())
}
