/**
 * Conversations by id, as the core reports them (list results and
 * `conversations` events); starting one, muting one, marking one read.
 */
import { create } from 'zustand'
import type { ChatConversation, IpcArgs } from '../../../shared/ipc'
import { parley } from '../bridge'
import { logFailure } from '../lib/call-error'

interface ConversationsState {
  byId: Readonly<Record<string, ChatConversation>>
  /** The first list arrived. */
  loaded: boolean
  upsert(conversations: readonly ChatConversation[]): void
  setAll(conversations: readonly ChatConversation[]): void
  /** Start a conversation (`createConversation`); rejects with the call's error. */
  create(request: IpcArgs<'createConversation'>): Promise<ChatConversation>
  setMuted(conversationId: string, muted: boolean): void
  /** The highest seq seen while the read rule held (read-receipts/read-tracker.ts). */
  markRead(conversationId: string, seq: number): void
  reset(): void
}

export const useConversations = create<ConversationsState>()((set, get) => ({
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
  create: async (request) => {
    const conversation = await parley().createConversation(request)
    get().upsert([conversation])
    return conversation
  },
  setMuted: (conversationId, muted) => {
    parley()
      .setMuted({ conversationId, muted })
      .then((next) => get().upsert([next]))
      .catch(logFailure('setMuted'))
  },
  markRead: (conversationId, seq) => {
    parley().markRead({ conversationId, seq }).catch(logFailure('markRead'))
  },
  reset: () => set({ byId: {}, loaded: false }),
}))

/** Ids, newest activity first (ties by id, for a stable order). */
export function sortedConversationIds(byId: Readonly<Record<string, ChatConversation>>): string[] {
  return Object.values(byId)
    .sort((a, b) => b.lastActivityAt - a.lastActivityAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((conversation) => conversation.id)
}

/** Everyone a list of conversations shows: members and the senders of last messages. */
export function peopleIn(conversations: readonly ChatConversation[]): string[] {
  return conversations.flatMap((conversation) => [
    ...conversation.memberIds,
    ...(conversation.lastMessage ? [conversation.lastMessage.senderId] : []),
  ])
}
