/**
 * Messages per conversation: a contiguous run from the oldest page loaded up
 * to the newest, ordered by seq with own unsent messages after (see
 * lib/message-order.ts). A conversation is held once it has been opened;
 * events for others are left to the core's cache until they are.
 */
import { create } from 'zustand'
import type { ChatMessage } from '../../../shared/ipc'
import { mergeMessages, removeMessages } from '../lib/message-order'

export interface ConversationMessages {
  messages: readonly ChatMessage[]
  /** Older messages exist (in the cache or on the server). */
  hasMoreBefore: boolean
  /** The latest page arrived. */
  loaded: boolean
  loadingOlder: boolean
}

interface MessagesState {
  byConversation: Readonly<Record<string, ConversationMessages>>
  /** Start holding a conversation (before its first page arrives, so no event is missed meanwhile). */
  hold(conversationId: string): void
  /** A page arrived: `older` pages only ever lower `hasMoreBefore`'s horizon. */
  applyPage(conversationId: string, messages: readonly ChatMessage[], hasMoreBefore: boolean, older: boolean): void
  /** A `messages` event or a call result: merged only into conversations that are held. */
  merge(conversationId: string, messages: readonly ChatMessage[]): void
  remove(conversationId: string, keys: readonly string[]): void
  setLoadingOlder(conversationId: string, loading: boolean): void
  reset(): void
}

const empty: ConversationMessages = { messages: [], hasMoreBefore: true, loaded: false, loadingOlder: false }

function patch(
  state: MessagesState,
  conversationId: string,
  change: (current: ConversationMessages) => ConversationMessages,
): Partial<MessagesState> | MessagesState {
  const current = state.byConversation[conversationId]
  if (current === undefined) return state
  const next = change(current)
  return next === current ? state : { byConversation: { ...state.byConversation, [conversationId]: next } }
}

export const useMessages = create<MessagesState>()((set) => ({
  byConversation: {},
  hold: (conversationId) =>
    set((state) =>
      state.byConversation[conversationId] ? state : { byConversation: { ...state.byConversation, [conversationId]: empty } },
    ),
  applyPage: (conversationId, messages, hasMoreBefore, older) =>
    set((state) =>
      patch(state, conversationId, (current) => ({
        ...current,
        messages: mergeMessages(current.messages, messages),
        // The latest page tells about everything before it only the first time;
        // later a refresh of the latest page must not undo older pages' answer.
        hasMoreBefore: older || !current.loaded ? hasMoreBefore : current.hasMoreBefore,
        loaded: true,
        loadingOlder: older ? false : current.loadingOlder,
      })),
    ),
  merge: (conversationId, messages) =>
    set((state) =>
      patch(state, conversationId, (current) => {
        const merged = mergeMessages(current.messages, messages)
        return merged === current.messages ? current : { ...current, messages: merged }
      }),
    ),
  remove: (conversationId, keys) =>
    set((state) =>
      patch(state, conversationId, (current) => {
        const kept = removeMessages(current.messages, keys)
        return kept === current.messages ? current : { ...current, messages: kept }
      }),
    ),
  setLoadingOlder: (conversationId, loading) =>
    set((state) =>
      patch(state, conversationId, (current) => (current.loadingOlder === loading ? current : { ...current, loadingOlder: loading })),
    ),
  reset: () => set({ byConversation: {} }),
}))

const none: ConversationMessages = empty

export const messagesOf =
  (conversationId: string) =>
  (state: MessagesState): ConversationMessages =>
    state.byConversation[conversationId] ?? none
