/** Conversations by id, as the core reports them (list results and `conversations` events). */
import { create } from 'zustand'
import type { ChatConversation } from '../../../shared/ipc'

interface ConversationsState {
  byId: Readonly<Record<string, ChatConversation>>
  /** The first list arrived. */
  loaded: boolean
  upsert(conversations: readonly ChatConversation[]): void
  setAll(conversations: readonly ChatConversation[]): void
  reset(): void
}

export const useConversations = create<ConversationsState>()((set) => ({
  byId: {},
  loaded: false,
  upsert: (conversations) =>
    set((state) => {
      if (conversations.length === 0) return state
      const byId = { ...state.byId }
      for (const conversation of conversations) byId[conversation.id] = conversation
      return { byId }
    }),
  setAll: (conversations) => set({ byId: Object.fromEntries(conversations.map((c) => [c.id, c])), loaded: true }),
  reset: () => set({ byId: {}, loaded: false }),
}))

/** Ids, newest activity first (ties by id, for a stable order). */
export function sortedConversationIds(byId: Readonly<Record<string, ChatConversation>>): string[] {
  return Object.values(byId)
    .sort((a, b) => b.lastActivityAt - a.lastActivityAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((conversation) => conversation.id)
}
