/**
 * What the user is doing to messages of the open conversation, beside
 * writing: which message the composer answers (per conversation, like
 * drafts), which message is being edited in its row, which one waits for the
 * delete confirmation, and which row's action menu is open.
 */
import { create } from 'zustand'
import type { ChatMessage } from '../../../shared/ipc'

export interface OpenMenu {
  messageKey: string
  /** Where a right-click opened it (viewport pixels); null: under the row's toolbar (keyboard). */
  at: { x: number; y: number } | null
}

interface ComposeState {
  replyingTo: Readonly<Record<string, ChatMessage>>
  /** The key of the message whose inline editor is open. */
  editingKey: string | null
  deleting: ChatMessage | null
  menu: OpenMenu | null
  replyTo(message: ChatMessage): void
  cancelReply(conversationId: string): void
  startEditing(messageKey: string): void
  stopEditing(): void
  confirmDelete(message: ChatMessage | null): void
  openMenu(menu: OpenMenu | null): void
  reset(): void
}

const initial = { replyingTo: {}, editingKey: null, deleting: null, menu: null }

export const useCompose = create<ComposeState>()((set) => ({
  ...initial,
  replyTo: (message) => set((state) => ({ replyingTo: { ...state.replyingTo, [message.conversationId]: message }, editingKey: null })),
  cancelReply: (conversationId) =>
    set((state) => {
      if (state.replyingTo[conversationId] === undefined) return state
      const { [conversationId]: _gone, ...rest } = state.replyingTo
      return { replyingTo: rest }
    }),
  startEditing: (editingKey) => set({ editingKey, menu: null }),
  stopEditing: () => set({ editingKey: null }),
  confirmDelete: (deleting) => set({ deleting, menu: null }),
  openMenu: (menu) => set({ menu }),
  reset: () => set(initial),
}))
