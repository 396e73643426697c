/** What a reply's quote shows of the message it answers (ReplySnippet), and the first line of a body. */
import type { TFunction } from 'i18next'
import type { ChatMessage } from '../../../shared/ipc'
import { formatMessage, plainText } from '../lib/markdown'

/** The first line of a body, formatting marks left out. */
export function snippetOf(body: string): string {
  const line = plainText(formatMessage(body)).trim().split('\n', 1)[0] ?? ''
  return line.length > 120 ? `${line.slice(0, 120)}…` : line
}

export interface ReplyQuote {
  sender: string
  text: string
  /** Not the original's words (deleted, not loaded): shown in a muted style. */
  muted: boolean
  /** What the quote does when chosen (its accessible name). */
  label: string
}

/** `name`: the original sender's name as the window knows it. */
export function replyQuote(t: TFunction, original: NonNullable<ChatMessage['replyTo']>, name: string): ReplyQuote {
  // Nothing known but its seq (ChatMessage.replyTo): not said to be deleted, since it may not be.
  if (original.senderId === '') {
    return { sender: t('message.replyNotLoaded'), text: t('message.replyNotLoadedHint'), muted: true, label: t('message.jumpToEarlier') }
  }
  const label = t('message.jumpToOriginal', { name })
  if (original.deleted) return { sender: name, text: t('message.replyDeleted'), muted: true, label }
  // The quote carries text only: an empty one is a message of files.
  return { sender: name, text: original.body.trim() === '' ? t('attachments.summary.some') : snippetOf(original.body), muted: false, label }
}
