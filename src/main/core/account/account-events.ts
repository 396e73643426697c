/**
 * What the parts of a signed-in account tell each other, and the core. Each
 * part (sync, outbox, the realtime supervisor and its links, typing, the REST
 * client) announces what happened on the account's hub; the account
 * subscribes each reaction once every part exists, so no part calls another
 * directly or through the account. Events the window sees carry the payload
 * of the IPC event of the same name (the core forwards them).
 */
import type { Message, User } from '../../../shared/api'
import type { ChatMessage, IpcEvents } from '../../../shared/ipc'
import type { Link, PresenceChange } from '../realtime/link'

export type WindowEvents = Pick<
  IpcEvents,
  'connection' | 'conversations' | 'messages' | 'messagesRemoved' | 'changeRefused' | 'transfers' | 'users' | 'typing'
>

export const windowEventNames = [
  'connection',
  'conversations',
  'messages',
  'messagesRemoved',
  'changeRefused',
  'transfers',
  'users',
  'typing',
] as const satisfies readonly (keyof WindowEvents)[]

export interface AccountEvents extends WindowEvents {
  // -- sync --------------------------------------------------------------------
  /** Conversations the cache did not know: their presence channels are wanted. */
  conversationsAdded: string[]
  /** Conversations whose metadata, markers or messages sync changed. */
  conversationsChanged: string[]
  /** Messages from others were stored (delivered markers, typing, notifications). */
  incoming: ChatMessage[]
  /** Member ids the cache knows nothing about yet. */
  unknownUsers: string[]
  /** I am no longer a member of this conversation (removed, or I left elsewhere). */
  conversationRemoved: string

  // -- outbox ------------------------------------------------------------------
  /** The server accepted a message: its answer is to be stored. */
  sent: Message
  /** The server refused a message for good. */
  failed: { conversationId: string; clientId: string }
  /** The server took a change to a message (edit, delete, reaction): its answer is to be stored. */
  changed: Message

  // -- realtime ----------------------------------------------------------------
  /** A new link is ready: subscribed to the user's private channel. */
  connected: Link
  /** The link in use is gone. */
  disconnected: undefined
  /** An event on the private user channel. */
  userEvent: { event: string; data: unknown }
  presence: { conversationId: string; change: PresenceChange }
  /** Someone's `client-typing` (perhaps our own, echoed). */
  typingReceived: { conversationId: string; userId: string; typing: boolean }
  /** The user started or stopped typing: the others are to be told. */
  typed: { conversationId: string; typing: boolean }

  // -- for the core ------------------------------------------------------------
  /** Unread totals may have changed. */
  unreadChanged: undefined
  /** The server no longer accepts the account's token. */
  unauthorized: undefined
  /** My own profile as the server has it now (the session's user follows: name, admin). */
  profile: User
}
