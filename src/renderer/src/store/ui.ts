/**
 * What the user is looking at: the open conversation, dialogs, search (the
 * local full-text search over cached messages, run as the query changes),
 * drafts, and window focus as main reports it.
 */
import { create } from 'zustand'
import type { SearchHit } from '../../../shared/ipc'
import { parley } from '../bridge'
import { callError, logFailure } from '../lib/call-error'
import { useUsers } from './users'

/**
 * `conversationInfo`: the open conversation's group info panel, or the other person's profile;
 * `quickSwitcher`: Ctrl/Cmd+K; `shortcuts`: the shortcuts help (Ctrl/Cmd+/).
 */
export type Dialog = 'newConversation' | 'settings' | 'conversationInfo' | 'quickSwitcher' | 'shortcuts' | null

/** Esc in an open conversation: scroll to its latest message, which the read rule then reports as read. */
export interface ReadLatestRequest {
  conversationId: string
  nonce: number
}

export interface JumpTarget {
  conversationId: string
  messageKey: string
  seq: number | null
  /** Move keyboard focus to the message's row once it is shown (a search hit opened with Enter). */
  focus: boolean
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
  /** Bumped by every openConversation of a conversation, the one already open included (the narrow layout shows it again: store/pane.ts). */
  openings: number
  dialog: Dialog
  searchQuery: string
  search: SearchState
  jumpTarget: JumpTarget | null
  readLatest: ReadLatestRequest | null
  drafts: Readonly<Record<string, string>>
  /** Main's word on window focus (getWindowState + `windowFocus`). */
  windowFocused: boolean
  openConversation(conversationId: string | null): void
  jumpToMessage(hit: Pick<SearchHit, 'conversationId' | 'messageKey' | 'seq'>, options?: { focus?: boolean }): void
  clearJump(nonce: number): void
  /** Show the open conversation's latest message (Esc); the message list answers and clears it. */
  requestReadLatest(conversationId: string): void
  clearReadLatest(nonce: number): void
  setDialog(dialog: Dialog): void
  /** The search box changed: searches for it once typing pauses; results for an earlier query are dropped. */
  setSearchQuery(query: string): void
  setDraft(conversationId: string, text: string): void
  setWindowFocused(focused: boolean): void
  /** A link in a message: the core opens it in the browser (the page never navigates). */
  openLink(url: string): void
  reset(): void
}

const initial = {
  activeConversationId: null,
  openings: 0,
  dialog: null,
  searchQuery: '',
  search: { status: 'idle' } as SearchState,
  jumpTarget: null,
  readLatest: null,
  drafts: {},
  windowFocused: false,
}

let nonce = 0
const SEARCH_DEBOUNCE_MS = 200
let searchTimer: ReturnType<typeof setTimeout> | null = null
/** Bumped when the query changes: an answer for an earlier query is dropped. */
let searchRun = 0

export const useUi = create<UiState>()((set, get) => ({
  ...initial,
  openConversation: (activeConversationId) =>
    set((state) => (activeConversationId === null ? { activeConversationId } : { activeConversationId, openings: state.openings + 1 })),
  jumpToMessage: (hit, options) =>
    set({
      activeConversationId: hit.conversationId,
      jumpTarget: { conversationId: hit.conversationId, messageKey: hit.messageKey, seq: hit.seq, focus: options?.focus === true, nonce: ++nonce },
    }),
  clearJump: (done) => set((state) => (state.jumpTarget?.nonce === done ? { jumpTarget: null } : state)),
  requestReadLatest: (conversationId) => set({ readLatest: { conversationId, nonce: ++nonce } }),
  clearReadLatest: (done) => set((state) => (state.readLatest?.nonce === done ? { readLatest: null } : state)),
  setDialog: (dialog) => set({ dialog }),
  setSearchQuery: (searchQuery) => {
    if (searchQuery === get().searchQuery) return
    stopSearch()
    set({ searchQuery })
    const text = searchQuery.trim()
    if (text === '') set({ search: { status: 'idle' } })
    else searchSoon(text)
  },
  setDraft: (conversationId, text) =>
    set((state) => (state.drafts[conversationId] === text ? state : { drafts: { ...state.drafts, [conversationId]: text } })),
  setWindowFocused: (windowFocused) => set({ windowFocused }),
  openLink: (url) => {
    parley().openExternal({ url }).catch(logFailure('openExternal'))
  },
  reset: () => {
    stopSearch()
    set(initial)
  },
}))

function stopSearch(): void {
  searchRun++
  if (searchTimer !== null) clearTimeout(searchTimer)
  searchTimer = null
}

function searchSoon(text: string): void {
  const run = searchRun
  searchTimer = setTimeout(() => {
    searchTimer = null
    useUi.setState({ search: { status: 'searching', query: text } })
    parley()
      .search({ query: text.slice(0, 200), limit: 50 })
      .then((hits) => {
        if (run !== searchRun) return
        useUi.setState({ search: { status: 'done', query: text, hits } })
        useUsers.getState().ensure(hits.map((hit) => hit.senderId))
      })
      .catch((err: unknown) => {
        if (run === searchRun) useUi.setState({ search: { status: 'failed', query: text, message: callError(err).message } })
      })
  }, SEARCH_DEBOUNCE_MS)
}
