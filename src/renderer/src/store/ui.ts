/**
 * What the user is looking at: the open conversation, dialogs, search (run as
 * the query changes: the cache's hits at once, then the server's hits for
 * history the cache does not hold merged in — docs/design.md §8, "Search"),
 * drafts, and window focus as main reports it.
 */
import { create } from 'zustand'
import type { SearchHit } from '../../../shared/ipc'
import { parley } from '../bridge'
import { callError, logFailure } from '../lib/call-error'
import { useConnection } from './connection'
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

/**
 * The server's part of a search (history the cache does not hold): under way,
 * merged, or not searched and why — `offline` (no connection), `rateLimited`
 * (429: too many searches), `failed` (anything else: the server did not answer
 * or refused). The hits shown are then this device's only.
 */
export type ServerSearch = 'loading' | 'done' | 'offline' | 'rateLimited' | 'failed'

export type SearchState =
  | { status: 'idle' }
  | { status: 'searching'; query: string }
  /** `hits`: newest first, the cache's and the server's merged, each message once. */
  | { status: 'done'; query: string; hits: readonly SearchHit[]; server: ServerSearch }
  | { status: 'failed'; query: string; message: string }

/** Hits asked for, of the cache and of the server each, and shown at most. */
export const SEARCH_LIMIT = 50

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
  /**
   * Ask the server again for the search shown, when its part was not searched
   * (`offline`, `rateLimited`, `failed`; `only`: just when it is that one — a
   * connection that comes back retries `offline`).
   */
  retryServerSearch(only?: ServerSearch): void
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
/** Bumped by every server part asked for: an answer to an earlier one is dropped. */
let serverRun = 0

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
  retryServerSearch: (only) => {
    const search = get().search
    if (search.status !== 'done' || search.server === 'loading' || search.server === 'done') return
    if (only !== undefined && search.server !== only) return
    set({ search: { ...search, server: 'loading' } })
    askServer(searchRun, search.query)
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

/** What is sent: at most 200 UTF-16 units (the calls' limit), never ending in half a surrogate pair. */
function callQuery(text: string): string {
  const cut = text.slice(0, 200)
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut
}

function searchSoon(text: string): void {
  const run = searchRun
  searchTimer = setTimeout(() => {
    searchTimer = null
    useUi.setState({ search: { status: 'searching', query: text } })
    // Both at once: the server's answer waits for the cache's, which shows first.
    const server = serverPart(text)
    parley()
      .search({ query: callQuery(text), limit: SEARCH_LIMIT })
      .then((hits) => {
        if (run !== searchRun) return
        useUi.setState({ search: { status: 'done', query: text, hits, server: 'loading' } })
        useUsers.getState().ensure(hits.map((hit) => hit.senderId))
        void server.then((answer) => applyServer(run, server.serverRun, text, answer, false))
      })
      .catch((err: unknown) => {
        if (run === searchRun) useUi.setState({ search: { status: 'failed', query: text, message: callError(err).message } })
      })
  }, SEARCH_DEBOUNCE_MS)
}

type ServerAnswer = { hits: SearchHit[] } | { notSearched: Exclude<ServerSearch, 'loading' | 'done'> }

/** The server's part for `text`; never rejects (a failure is why it was not searched). */
function serverPart(text: string): Promise<ServerAnswer> & { serverRun: number } {
  const answer = parley()
    .searchServer({ query: callQuery(text), limit: SEARCH_LIMIT })
    .then(
      (hits): ServerAnswer => ({ hits }),
      (err: unknown): ServerAnswer => {
        const { code } = callError(err)
        return { notSearched: code === 'offline' ? 'offline' : code === 'rate_limited' ? 'rateLimited' : 'failed' }
      },
    )
  return Object.assign(answer, { serverRun: ++serverRun })
}

/** Again, for the search shown (retryServerSearch; `again`: the answer came back offline while the connection came back). */
function askServer(run: number, text: string, again = false): void {
  const server = serverPart(text)
  void server.then((answer) => applyServer(run, server.serverRun, text, answer, again))
}

/** The server's answer joins the search it was asked for, if that is still the one shown and this the latest ask. */
function applyServer(run: number, asked: number, text: string, answer: ServerAnswer, again: boolean): void {
  if (run !== searchRun || asked !== serverRun) return
  const search = useUi.getState().search
  if (search.status !== 'done' || search.query !== text) return
  if ('notSearched' in answer) {
    // Offline, but the connection is back already (its news came before this answer, and retried nothing): once more now.
    if (answer.notSearched === 'offline' && !again && useConnection.getState().status.state === 'connected') {
      askServer(run, search.query, true)
      return
    }
    useUi.setState({ search: { ...search, server: answer.notSearched } })
    return
  }
  useUi.setState({ search: { ...search, hits: mergeHits(search.hits, answer.hits, SEARCH_LIMIT), server: 'done' } })
  useUsers.getState().ensure(answer.hits.map((hit) => hit.senderId))
}

/**
 * The cache's hits and the server's as one list: each message once (by
 * conversation and message key, which a message has the same in both),
 * newest first (a tie keeps the cache's order, the cache's first), at most
 * `limit` — both lists being the newest `limit` of theirs, the merged first
 * `limit` are the newest of all.
 */
export function mergeHits(local: readonly SearchHit[], server: readonly SearchHit[], limit: number): SearchHit[] {
  const seen = new Set<string>()
  const merged: SearchHit[] = []
  for (const hit of [...local, ...server]) {
    const id = `${hit.conversationId}\u0000${hit.messageKey}`
    if (seen.has(id)) continue
    seen.add(id)
    merged.push(hit)
  }
  return merged.sort((a, b) => b.createdAt - a.createdAt).slice(0, limit)
}
