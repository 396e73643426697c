/** Who is typing in each conversation (the core expires stale typists), and telling the core when I am. */
import { create } from 'zustand'
import { parley } from '../bridge'
import { logFailure } from '../lib/call-error'

interface TypingState {
  byConversation: Readonly<Record<string, readonly string[]>>
  setTyping(conversationId: string, userIds: readonly string[]): void
  /** I started or stopped typing (the composer throttles; the core throttles the network). */
  setMyTyping(conversationId: string, typing: boolean): void
  reset(): void
}

const nobody: readonly string[] = []

export const useTyping = create<TypingState>()((set) => ({
  byConversation: {},
  setTyping: (conversationId, userIds) =>
    set((state) => ({ byConversation: { ...state.byConversation, [conversationId]: userIds.length === 0 ? nobody : userIds } })),
  setMyTyping: (conversationId, typing) => {
    parley().setTyping({ conversationId, typing }).catch(logFailure('setTyping'))
  },
  reset: () => set({ byConversation: {} }),
}))

export const typistsIn =
  (conversationId: string) =>
  (state: TypingState): readonly string[] =>
    state.byConversation[conversationId] ?? nobody
