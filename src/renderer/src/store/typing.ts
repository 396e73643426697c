/** Who is typing in each conversation (the core expires stale typists). */
import { create } from 'zustand'

interface TypingState {
  byConversation: Readonly<Record<string, readonly string[]>>
  setTyping(conversationId: string, userIds: readonly string[]): void
  reset(): void
}

const nobody: readonly string[] = []

export const useTyping = create<TypingState>()((set) => ({
  byConversation: {},
  setTyping: (conversationId, userIds) =>
    set((state) => ({ byConversation: { ...state.byConversation, [conversationId]: userIds.length === 0 ? nobody : userIds } })),
  reset: () => set({ byConversation: {} }),
}))

export const typistsIn =
  (conversationId: string) =>
  (state: TypingState): readonly string[] =>
    state.byConversation[conversationId] ?? nobody
