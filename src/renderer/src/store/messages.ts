/**
 * Messages per conversation: a contiguous run from the oldest page loaded up
 * to the newest, ordered by seq with own unsent messages after (see
 * lib/message-order.ts). A conversation is held once it has been opened;
 * events for others are left to the core's cache until they are.
 *
 * Bounded (`retain`, called when the open conversation changes): the open
 * conversation keeps everything loaded (what is on screen, however far back
 * the user scrolled); the RECENTLY_OPENED before it keep their latest
 * KEPT_CLOSED messages (switching back shows them at once; the latest page is
 * loaded again anyway); every other conversation is let go. A conversation
 * that is held but not open is trimmed back as events grow it.
 *
 * Loading: the latest page when a conversation is opened, older pages as the
 * list scrolls to the top (the core serves them from its cache), and enough
 * pages to reach a given seq (the first unread message, a search hit).
 */
import { create } from 'zustand'
import { LIMITS } from '../../../shared/limits'
import type { ChatMessage } from '../../../shared/ipc'
import { parley } from '../bridge'
import { logFailure } from '../lib/call-error'
import { lowestSeq, mergeMessages, removeMessages } from '../lib/message-order'
import { useUsers } from './users'

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
  /** The open conversation first, then the ones opened before it, most recent first (at most 1 + RECENTLY_OPENED). */
  recent: readonly string[]
  /** The open conversation changed: keep it whole, trim the recent ones, let the rest go. */
  retain(openConversationId: string | null): void
  /** Start holding a conversation (before its first page arrives, so no event is missed meanwhile). */
  hold(conversationId: string): void
  /** A page arrived: `older` pages only ever lower `hasMoreBefore`'s horizon. */
  applyPage(conversationId: string, messages: readonly ChatMessage[], hasMoreBefore: boolean, older: boolean): void
  /** A `messages` event or a call result: merged only into conversations that are held. */
  merge(conversationId: string, messages: readonly ChatMessage[]): void
  remove(conversationId: string, keys: readonly string[]): void
  setLoadingOlder(conversationId: string, loading: boolean): void
  /** Hold the conversation and load its latest page (at least `atLeast` messages, up to a page's maximum). */
  loadLatest(conversationId: string, atLeast?: number): Promise<void>
  /** Load the page before the oldest message held; false when there is nothing older or a load is running. */
  loadOlder(conversationId: string, limit?: number): Promise<boolean>
  /** Load older pages until the message with `seq` is held (or nothing older exists). */
  loadUntil(conversationId: string, seq: number): Promise<void>
  /**
   * Send (the core stores it as pending at once); the pending message is shown from the result or its event, whichever comes first.
   * `attachments`: staged ids in display order (the body may then be empty).
   */
  sendMessage(conversationId: string, body: string, replyToKey?: string, attachments?: readonly string[]): Promise<void>
  /** Cancel a message of mine that is still uploading or waiting: it and its files are removed. */
  cancelSend(message: ChatMessage): void
  retryMessage(message: ChatMessage): void
  /** Remove a failed message of mine that never reached the server. */
  discardMessage(message: ChatMessage): void
  /**
   * Changes to a message (docs/design.md §8.1): the core queues them and
   * answers with the optimistic message, shown at once; a refusal arrives
   * later as a `changeRefused` event. A call that fails at once rejects.
   */
  editMessage(message: ChatMessage, body: string): Promise<void>
  deleteForEveryone(message: ChatMessage): Promise<void>
  setReaction(message: ChatMessage, emoji: string, on: boolean): Promise<void>
  reset(): void
}

const OLDER_PAGE = 100
/** Conversations held besides the open one. */
export const RECENTLY_OPENED = 4
/** Messages a held conversation keeps while it is not open: more than a first page (LIMITS.pageDefault) and a screenful. */
export const KEPT_CLOSED = 100
/** A closed conversation grown by events this far past KEPT_CLOSED is trimmed back (not at every event). */
const TRIM_SLACK = 50
/** Reaching a seq loads at most this many (full) pages: a search hit 40,000 messages back is still reached. */
const MAX_PAGES_TO_REACH = 200

const latestInFlight = new Map<string, Promise<void>>()

const empty: ConversationMessages = { messages: [], hasMoreBefore: true, loaded: false, loadingOlder: false }

/** The latest `keep` messages (the run stays contiguous: only the oldest go); older ones exist again. */
function trimmed(current: ConversationMessages, keep: number): ConversationMessages {
  if (current.messages.length <= keep) return current
  return { ...current, messages: current.messages.slice(-keep), hasMoreBefore: true, loadingOlder: false }
}

/**
 * Messages outside the held run are left to the core: a sent message older
 * than the oldest held (an edit or a reaction far back) would leave a gap in
 * it; a later older page brings it as it is then.
 */
function withinRun(current: ConversationMessages, incoming: readonly ChatMessage[]): readonly ChatMessage[] {
  if (!current.loaded || !current.hasMoreBefore) return incoming
  const lowest = lowestSeq(current.messages)
  if (lowest === null || incoming.every((message) => message.seq === null || message.seq >= lowest)) return incoming
  return incoming.filter((message) => message.seq === null || message.seq >= lowest)
}

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

export const useMessages = create<MessagesState>()((set, get) => ({
  byConversation: {},
  recent: [],
  retain: (openConversationId) =>
    set((state) => {
      const recent =
        openConversationId === null
          ? state.recent.slice(0, RECENTLY_OPENED)
          : [openConversationId, ...state.recent.filter((id) => id !== openConversationId)].slice(0, 1 + RECENTLY_OPENED)
      const byConversation: Record<string, ConversationMessages> = {}
      let changed = Object.keys(state.byConversation).length
      for (const id of recent) {
        const current = state.byConversation[id]
        if (current === undefined) continue
        changed--
        const kept = id === openConversationId ? current : trimmed(current, KEPT_CLOSED)
        if (kept !== current) changed++
        byConversation[id] = kept
      }
      return changed === 0 ? { recent } : { recent, byConversation }
    }),
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
        const merged = mergeMessages(current.messages, withinRun(current, messages))
        if (merged === current.messages) return current
        const next = { ...current, messages: merged }
        // Held but not open: events do not grow it past its bound.
        return state.recent.indexOf(conversationId) > 0 && merged.length > KEPT_CLOSED + TRIM_SLACK ? trimmed(next, KEPT_CLOSED) : next
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
  loadLatest: (conversationId, atLeast = 0) => {
    const running = latestInFlight.get(conversationId)
    if (running) return running
    get().hold(conversationId)
    const limit = Math.min(LIMITS.pageMax, Math.max(LIMITS.pageDefault, atLeast))
    const load = parley()
      .loadMessages({ conversationId, limit })
      .then((page) => {
        get().applyPage(conversationId, page.messages, page.hasMoreBefore, false)
        useUsers.getState().ensure(page.messages.map((message) => message.senderId))
      })
      .finally(() => latestInFlight.delete(conversationId))
    latestInFlight.set(conversationId, load)
    return load
  },
  loadOlder: async (conversationId, limit = OLDER_PAGE) => {
    const current = get().byConversation[conversationId]
    if (current === undefined || !current.loaded || !current.hasMoreBefore || current.loadingOlder) return false
    const beforeSeq = lowestSeq(current.messages)
    if (beforeSeq === null) {
      get().applyPage(conversationId, [], false, true)
      return false
    }
    get().setLoadingOlder(conversationId, true)
    try {
      const page = await parley().loadMessages({ conversationId, beforeSeq, limit })
      // Trimmed meanwhile (retain): the page no longer joins the run; dropped whole.
      const now = get().byConversation[conversationId]
      if (now === undefined || lowestSeq(now.messages) !== beforeSeq) return false
      get().applyPage(conversationId, page.messages, page.hasMoreBefore, true)
      useUsers.getState().ensure(page.messages.map((message) => message.senderId))
      return page.messages.length > 0
    } catch (err) {
      get().setLoadingOlder(conversationId, false)
      throw err
    }
  },
  loadUntil: async (conversationId, seq) => {
    for (let page = 0; page < MAX_PAGES_TO_REACH; page++) {
      const current = get().byConversation[conversationId]
      if (current === undefined || !current.loaded) return
      const lowest = lowestSeq(current.messages)
      if (lowest === null || lowest <= seq || !current.hasMoreBefore) return
      if (current.loadingOlder) {
        await new Promise((resolve) => setTimeout(resolve, 50))
        continue
      }
      if (!(await get().loadOlder(conversationId, LIMITS.pageMax))) return
    }
  },
  sendMessage: async (conversationId, body, replyToKey, attachments) => {
    const message = await parley().sendMessage({
      conversationId,
      body,
      ...(replyToKey === undefined ? {} : { replyToKey }),
      ...(attachments === undefined || attachments.length === 0 ? {} : { attachments: [...attachments] }),
    })
    get().merge(conversationId, [message])
  },
  cancelSend: (message) => {
    parley()
      .cancelSend({ conversationId: message.conversationId, clientId: message.clientId })
      .then(() => get().remove(message.conversationId, [message.key]))
      .catch(logFailure('cancelSend'))
  },
  editMessage: async (message, body) => {
    const edited = await parley().editMessage({ conversationId: message.conversationId, messageKey: message.key, body })
    get().merge(message.conversationId, [edited])
  },
  deleteForEveryone: async (message) => {
    const tombstone = await parley().deleteForEveryone({ conversationId: message.conversationId, messageKey: message.key })
    get().merge(message.conversationId, [tombstone])
  },
  setReaction: async (message, emoji, on) => {
    const reacted = await parley().setReaction({ conversationId: message.conversationId, messageKey: message.key, emoji, on })
    get().merge(message.conversationId, [reacted])
  },
  retryMessage: (message) => {
    parley()
      .retryMessage({ conversationId: message.conversationId, clientId: message.clientId })
      .then((pending) => get().merge(message.conversationId, [pending]))
      .catch(logFailure('retryMessage'))
  },
  discardMessage: (message) => {
    parley()
      .discardMessage({ conversationId: message.conversationId, clientId: message.clientId })
      .then(() => get().remove(message.conversationId, [message.key]))
      .catch(logFailure('discardMessage'))
  },
  reset: () => set({ byConversation: {}, recent: [] }),
}))

const none: ConversationMessages = empty

export const messagesOf =
  (conversationId: string) =>
  (state: MessagesState): ConversationMessages =>
    state.byConversation[conversationId] ?? none
