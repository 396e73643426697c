/** What the user is looking at: the open conversation, dialogs, search, drafts, and window focus as main reports it. */
import { create } from 'zustand'
import type { SearchHit } from '../../../shared/ipc'

export type Dialog = 'newConversation' | 'settings' | null

export interface JumpTarget {
  conversationId: string
  messageKey: string
  seq: number | null
  /** Distinguishes two jumps to the same message. */
  nonce: number
}

export type SearchState =
  | { status: 'idle' }
  | { status: 'searching'; query: string }
  | { status: 'done'; query: string; hits: readonly SearchHit[] }
  | { status: 'failed'; query: string; message: string }

interface UiState {
  activeConversationId: string | null
  dialog: Dialog
  searchQuery: string
  search: SearchState
  jumpTarget: JumpTarget | null
  drafts: Readonly<Record<string, string>>
  /** Main's word on window focus (getWindowState + `windowFocus`). */
  windowFocused: boolean
  openConversation(conversationId: string | null): void
  jumpToMessage(hit: Pick<SearchHit, 'conversationId' | 'messageKey' | 'seq'>): void
  clearJump(nonce: number): void
  setDialog(dialog: Dialog): void
  setSearchQuery(query: string): void
  setSearch(search: SearchState): void
  setDraft(conversationId: string, text: string): void
  setWindowFocused(focused: boolean): void
  reset(): void
}

const initial = {
  activeConversationId: null,
  dialog: null,
  searchQuery: '',
  search: { status: 'idle' } as SearchState,
  jumpTarget: null,
  drafts: {},
  windowFocused: false,
}

let nonce = 0

export const useUi = create<UiState>()((set) => ({
  ...initial,
  openConversation: (activeConversationId) => set({ activeConversationId }),
  jumpToMessage: (hit) =>
    set({
      activeConversationId: hit.conversationId,
      jumpTarget: { conversationId: hit.conversationId, messageKey: hit.messageKey, seq: hit.seq, nonce: ++nonce },
    }),
  clearJump: (done) => set((state) => (state.jumpTarget?.nonce === done ? { jumpTarget: null } : state)),
  setDialog: (dialog) => set({ dialog }),
  setSearchQuery: (searchQuery) => set({ searchQuery }),
  setSearch: (search) => set({ search }),
  setDraft: (conversationId, text) =>
    set((state) => (state.drafts[conversationId] === text ? state : { drafts: { ...state.drafts, [conversationId]: text } })),
  setWindowFocused: (windowFocused) => set({ windowFocused }),
  reset: () => set(initial),
}))
