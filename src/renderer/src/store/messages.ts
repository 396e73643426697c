/**
 * Messages per conversation: a contiguous run of its history, ordered by seq
 * with own unsent messages after (see lib/message-order.ts). A conversation is
 * held once it has been opened; events for others are left to the core's
 * cache until they are.
 *
 * Bounded (docs/design.md §8):
 * - The open conversation is a two-way window of at most HELD_MAX messages.
 *   Older pages load as the list scrolls up; past the bound the newest go and
 *   `hasMoreAfter` says so. While the window does not reach the latest message
 *   events add nothing to it (they are in the core's cache; changes to what it
 *   holds still apply), newer pages (`afterSeq`) load as the list scrolls down
 *   (past the bound the oldest go), and `loadLatest` replaces it with the
 *   latest page ("jump to latest", sending, Esc). At the latest, events grow
 *   it at the bottom: the oldest go when the list follows the bottom, else it
 *   stops taking new messages (it no longer reaches the latest).
 * - The RECENTLY_OPENED before it keep their latest KEPT_CLOSED messages
 *   (switching back shows them at once; the latest page is loaded again
 *   anyway), or are let go when their window was scrolled back from the
 *   latest; every other conversation is let go. A conversation that is held
 *   but not open is trimmed back as events grow it.
 *
 * Loading: the latest page when a conversation is opened, older or newer
 * pages as the list scrolls, and — to reach a given seq (the first unread
 * message, a search hit) — pages toward it when it is near the run, or a new
 * run around it when it is far.
 */
import { create } from 'zustand'
import { LIMITS } from '../../../shared/limits'
import type { ChatMessage, MessagePageResult } from '../../../shared/ipc'
import { parley } from '../bridge'
import { logFailure } from '../lib/call-error'
import { highestSentSeq, lowestSeq, mergeMessages, removeMessages } from '../lib/message-order'
import { useUsers } from './users'

export interface ConversationMessages {
  messages: readonly ChatMessage[]
  /** Older messages exist (in the cache or on the server). */
  hasMoreBefore: boolean
  /**
   * Newer messages than the held run exist: the window was scrolled back from
   * the latest (or opened far back). Events add no new messages to it then.
   */
  hasMoreAfter: boolean
  /** The latest page (or a run around a seq) arrived. */
  loaded: boolean
  loadingOlder: boolean
  /** The last older page could not be loaded (offline, with nothing older cached): the list offers to try again. */
  olderFailed: boolean
  loadingNewer: boolean
  /** Counts the times the held run was replaced by one elsewhere (the latest again, a run around a far seq): the list starts over. */
  window: number
  /** The highest seq a newer page or a replacing run brought: history, not news (the list does not follow it, nothing announces it). */
  pagedUpTo: number
}

interface MessagesState {
  byConversation: Readonly<Record<string, ConversationMessages>>
  /** The open conversation first, then the ones opened before it, most recent first (at most 1 + RECENTLY_OPENED). */
  recent: readonly string[]
  /** The open conversation changed: keep its window, trim the recent ones, let the rest go. */
  retain(openConversationId: string | null): void
  /** Start holding a conversation (before its first page arrives, so no event is missed meanwhile). */
  hold(conversationId: string): void
  /** A page arrived: `older` pages only ever lower `hasMoreBefore`'s horizon, and past HELD_MAX push the newest out. */
  applyPage(conversationId: string, messages: readonly ChatMessage[], hasMoreBefore: boolean, older: boolean): void
  /** A `messages` event or a call result: merged only into conversations that are held, and only within their window. */
  merge(conversationId: string, messages: readonly ChatMessage[]): void
  remove(conversationId: string, keys: readonly string[]): void
  /** `failed`: the load that ended could not be done (the list offers to try again). */
  setLoadingOlder(conversationId: string, loading: boolean, failed?: boolean): void
  /** The message list says whether it shows the bottom of the held run (it follows new messages there). */
  setFollowing(conversationId: string, following: boolean | null): void
  /**
   * Hold the conversation and load its latest page (at least `atLeast` messages, up to a page's
   * maximum); a window scrolled back from the latest is replaced by the latest page.
   */
  loadLatest(conversationId: string, atLeast?: number): Promise<void>
  /** Load the page before the oldest message held; false when there is nothing older or a load is running. */
  loadOlder(conversationId: string, limit?: number): Promise<boolean>
  /** Load the page after the newest message held (a window scrolled back); false when it reaches the latest already or a load is running. */
  loadNewer(conversationId: string, limit?: number): Promise<boolean>
  /** Hold the message with `seq`: pages toward it when it is near the run, else a new run around it. */
  loadUntil(conversationId: string, seq: number): Promise<void>
  /**
   * Send (the core stores it as pending at once); the pending message is shown from the result or its event, whichever comes first.
   * From a window scrolled back, the latest page replaces it (the pending message is its last).
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

/** Messages an older or a newer page asks for as the list scrolls. */
const SCROLL_PAGE = 100
/**
 * The open conversation's window: at most this many messages held. Eight scroll pages — far more
 * than any screen (a row is 48 px or more) and than the unread messages an opening reaches by pages
 * — while a page that arrives re-renders a list of this size, not the whole history scrolled through
 * (at 20,000 held each older page took seconds).
 */
export const HELD_MAX = 800
/** A seq at most this far beyond the held run is reached by pages (three full ones at most; the run keeps its other end if it fits); further, by a run around it. */
export const REACH_BY_PAGES = 600
/** A run loaded around a seq starts this many messages before it (a full page: the rest after it). */
const AROUND_BEFORE = 50
/** Conversations held besides the open one. */
export const RECENTLY_OPENED = 4
/** Messages a held conversation keeps while it is not open: more than a first page (LIMITS.pageDefault) and a screenful. */
export const KEPT_CLOSED = 100
/** A conversation grown by events this far past its bound is trimmed back (not at every event). */
const TRIM_SLACK = 50
/** Steps of `loadUntil` (pages, or waits for a page already loading): a seq 20,000 messages below what the run around it found is still reached. */
const MAX_STEPS_TO_REACH = 200

const latestInFlight = new Map<string, Promise<void>>()
/** The latest replacing load per conversation: an earlier one that answers later is dropped. */
const replacing = new Map<string, number>()
let replaceCount = 0
/** Whether the list shows the bottom of the open conversation's run (unknown: as if it did). */
const following = new Map<string, boolean>()
/**
 * New messages that events brought while a newer page or a replacing run was loading for a window
 * that did not reach the latest: merged once the page reaches the latest (a message stored after
 * the core read the page would otherwise be missed).
 */
const stashes = new Map<string, { loads: number; messages: ChatMessage[] }>()

function openStash(conversationId: string): void {
  const stash = stashes.get(conversationId)
  if (stash) stash.loads++
  else stashes.set(conversationId, { loads: 1, messages: [] })
}

function closeStash(conversationId: string): void {
  const stash = stashes.get(conversationId)
  if (stash && --stash.loads === 0) stashes.delete(conversationId)
}

/** What the stash holds that `page` does not (by key): the page's copy is the one read later. */
function stashedBeyond(conversationId: string, page: readonly ChatMessage[]): ChatMessage[] {
  const stashed = stashes.get(conversationId)?.messages ?? []
  if (stashed.length === 0) return []
  const inPage = new Set(page.map((message) => message.key))
  return stashed.filter((message) => !inPage.has(message.key))
}

const empty: ConversationMessages = {
  messages: [],
  hasMoreBefore: true,
  hasMoreAfter: false,
  loaded: false,
  loadingOlder: false,
  olderFailed: false,
  loadingNewer: false,
  window: 0,
  pagedUpTo: 0,
}

/** The latest `keep` messages (the run stays contiguous: only the oldest go); older ones exist again. */
function trimmed(current: ConversationMessages, keep: number): ConversationMessages {
  if (current.messages.length <= keep) return current
  return { ...current, messages: current.messages.slice(-keep), hasMoreBefore: true, loadingOlder: false }
}

/** The oldest `keep` messages (only the newest go): the run no longer reaches the latest. */
function withoutNewest(current: ConversationMessages, keep: number): ConversationMessages {
  if (current.messages.length <= keep) return current
  return { ...current, messages: current.messages.slice(0, keep), hasMoreAfter: true, loadingNewer: false }
}

const highestOf = (messages: readonly ChatMessage[]): number => highestSentSeq(messages) ?? 0

/**
 * A window loaded while the cache held none of the conversation (opened while the first sync was
 * still on its way) was told there is nothing before it; the first sent messages events bring say
 * where it starts: seqs start at 1, so a run starting above it has older messages.
 */
function startsLater(current: ConversationMessages, merged: readonly ChatMessage[]): boolean {
  return current.loaded && highestSentSeq(current.messages) === null && (lowestSeq(merged) ?? 1) > 1
}

/**
 * Messages outside the held run are left to the core: a sent message older
 * than the oldest held (an edit or a reaction far back) would leave a gap in
 * it; a later older page brings it as it is then. Likewise above the newest
 * held when the run does not reach the latest (`beyond`: new messages, and
 * unsent ones, which follow the latest).
 */
function withinRun(current: ConversationMessages, incoming: readonly ChatMessage[]): { within: readonly ChatMessage[]; beyond: ChatMessage[] } {
  const beyond: ChatMessage[] = []
  if (!current.loaded || (!current.hasMoreBefore && !current.hasMoreAfter)) return { within: incoming, beyond }
  const lowest = current.hasMoreBefore ? lowestSeq(current.messages) : null
  const highest = current.hasMoreAfter ? highestSentSeq(current.messages) : null
  const within = incoming.filter((message) => {
    if (highest !== null && (message.seq === null || message.seq > highest)) {
      beyond.push(message)
      return false
    }
    return lowest === null || message.seq === null || message.seq >= lowest
  })
  return { within: within.length === incoming.length ? incoming : within, beyond }
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export const useMessages = create<MessagesState>()((set, get) => {
  const ensureSenders = (messages: readonly ChatMessage[]) => useUsers.getState().ensure(messages.map((message) => message.senderId))

  const setLoadingNewer = (conversationId: string, loading: boolean) =>
    set((state) =>
      patch(state, conversationId, (current) => (current.loadingNewer === loading ? current : { ...current, loadingNewer: loading })),
    )

  /**
   * Replace the held run with a page: the latest (no `afterSeq`) or the one after `afterSeq`. The
   * list starts over at it (`window`). False when the conversation was let go or a later
   * replacement was asked for meanwhile.
   */
  const replaceRun = async (conversationId: string, page: { afterSeq?: number; limit: number }): Promise<boolean> => {
    const token = ++replaceCount
    replacing.set(conversationId, token)
    openStash(conversationId)
    try {
      const answer: MessagePageResult = await parley().loadMessages({ conversationId, ...page })
      if (replacing.get(conversationId) !== token) return false
      const stashed = answer.hasMoreAfter ? [] : stashedBeyond(conversationId, answer.messages)
      let replaced = false
      set((state) =>
        patch(state, conversationId, (current) => {
          replaced = true
          const messages = mergeMessages(mergeMessages([], answer.messages), stashed)
          return {
            ...current,
            messages,
            hasMoreBefore: answer.hasMoreBefore,
            hasMoreAfter: answer.hasMoreAfter,
            loaded: true,
            loadingOlder: false,
            loadingNewer: false,
            window: current.window + 1,
            pagedUpTo: Math.max(current.pagedUpTo, highestOf(answer.messages)),
          }
        }),
      )
      if (replaced) ensureSenders(answer.messages)
      return replaced
    } finally {
      closeStash(conversationId)
      if (replacing.get(conversationId) === token) replacing.delete(conversationId)
    }
  }

  return {
    byConversation: {},
    recent: [],
    retain: (openConversationId) => {
      const before = Object.keys(get().byConversation)
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
          // Scrolled back from the latest and left: its latest messages are not held, nothing worth keeping.
          if (id !== openConversationId && current.hasMoreAfter) continue
          changed--
          const kept = id === openConversationId ? current : trimmed(current, KEPT_CLOSED)
          if (kept !== current) changed++
          byConversation[id] = kept
        }
        for (const id of following.keys()) if (byConversation[id] === undefined) following.delete(id)
        return changed === 0 ? { recent } : { recent, byConversation }
      })
      // What is no longer held: the core stops sending its messages (loadMessages asks for them again).
      const held = get().byConversation
      const released = before.filter((id) => held[id] === undefined)
      if (released.length > 0) parley().releaseMessages({ conversationIds: released }).catch(logFailure('releaseMessages'))
    },
    hold: (conversationId) =>
      set((state) =>
        state.byConversation[conversationId] ? state : { byConversation: { ...state.byConversation, [conversationId]: empty } },
      ),
    applyPage: (conversationId, messages, hasMoreBefore, older) =>
      set((state) =>
        patch(state, conversationId, (current) => {
          const next = {
            ...current,
            messages: mergeMessages(current.messages, messages),
            // The latest page tells about everything before it only the first time (or while the
            // window holds no sent message); later a refresh of it must not undo older pages' answer.
            hasMoreBefore: older || !current.loaded || highestSentSeq(current.messages) === null ? hasMoreBefore : current.hasMoreBefore,
            loaded: true,
            loadingOlder: older ? false : current.loadingOlder,
            olderFailed: older ? false : current.olderFailed,
          }
          // Scrolled up past the window's bound: the newest go (they come back as the list scrolls down).
          return older ? withoutNewest(next, HELD_MAX) : next
        }),
      ),
    merge: (conversationId, messages) =>
      set((state) =>
        patch(state, conversationId, (current) => {
          const { within, beyond } = withinRun(current, messages)
          if (beyond.length > 0) stashes.get(conversationId)?.messages.push(...beyond)
          const merged = mergeMessages(current.messages, within)
          if (merged === current.messages) return current
          const next = { ...current, messages: merged, hasMoreBefore: current.hasMoreBefore || startsLater(current, merged) }
          // Held but not open: events do not grow it past its bound.
          const place = state.recent.indexOf(conversationId)
          if (place > 0) return merged.length > KEPT_CLOSED + TRIM_SLACK ? trimmed(next, KEPT_CLOSED) : next
          if (merged.length <= HELD_MAX + TRIM_SLACK) return next
          // Open, grown past its window by events at the bottom: the oldest go while the list follows
          // the bottom; scrolled up, it keeps what it holds and stops at the latest it had.
          if (following.get(conversationId) !== false) return trimmed(next, HELD_MAX)
          const top = highestSentSeq(current.messages)
          const kept = top === null ? [] : within.filter((message) => message.seq !== null && message.seq <= top)
          return { ...current, messages: mergeMessages(current.messages, kept), hasMoreAfter: true }
        }),
      ),
    remove: (conversationId, keys) =>
      set((state) =>
        patch(state, conversationId, (current) => {
          const kept = removeMessages(current.messages, keys)
          return kept === current.messages ? current : { ...current, messages: kept }
        }),
      ),
    setLoadingOlder: (conversationId, loading, failed = false) =>
      set((state) =>
        patch(state, conversationId, (current) =>
          current.loadingOlder === loading && current.olderFailed === failed ? current : { ...current, loadingOlder: loading, olderFailed: failed },
        ),
      ),
    setFollowing: (conversationId, isFollowing) => {
      if (isFollowing === null) following.delete(conversationId)
      else following.set(conversationId, isFollowing)
    },
    loadLatest: (conversationId, atLeast = 0) => {
      const running = latestInFlight.get(conversationId)
      if (running) return running
      const limit = Math.min(LIMITS.pageMax, Math.max(LIMITS.pageDefault, atLeast))
      const current = get().byConversation[conversationId]
      // A window scrolled back: the latest page replaces it (the messages between are not held).
      if (current?.loaded && current.hasMoreAfter) {
        const load = replaceRun(conversationId, { limit: Math.max(limit, SCROLL_PAGE) })
          .then(() => undefined)
          .finally(() => latestInFlight.delete(conversationId))
        latestInFlight.set(conversationId, load)
        return load
      }
      get().hold(conversationId)
      const load = parley()
        .loadMessages({ conversationId, limit })
        .then((page) => {
          get().applyPage(conversationId, page.messages, page.hasMoreBefore, false)
          ensureSenders(page.messages)
        })
        .finally(() => latestInFlight.delete(conversationId))
      latestInFlight.set(conversationId, load)
      return load
    },
    loadOlder: async (conversationId, limit = SCROLL_PAGE) => {
      const current = get().byConversation[conversationId]
      if (current === undefined || !current.loaded || !current.hasMoreBefore || current.loadingOlder) return false
      const beforeSeq = lowestSeq(current.messages)
      if (beforeSeq === null) {
        get().applyPage(conversationId, [], false, true)
        return false
      }
      const window = current.window
      get().setLoadingOlder(conversationId, true)
      try {
        const page = await parley().loadMessages({ conversationId, beforeSeq, limit })
        // Trimmed or replaced meanwhile: the page no longer joins the run; dropped whole.
        const now = get().byConversation[conversationId]
        if (now === undefined || now.window !== window || lowestSeq(now.messages) !== beforeSeq) {
          get().setLoadingOlder(conversationId, false)
          return false
        }
        get().applyPage(conversationId, page.messages, page.hasMoreBefore, true)
        ensureSenders(page.messages)
        return page.messages.length > 0
      } catch (err) {
        get().setLoadingOlder(conversationId, false, true)
        throw err
      }
    },
    loadNewer: async (conversationId, limit = SCROLL_PAGE) => {
      const current = get().byConversation[conversationId]
      if (current === undefined || !current.loaded || !current.hasMoreAfter || current.loadingNewer) return false
      const afterSeq = highestSentSeq(current.messages)
      if (afterSeq === null) {
        await get().loadLatest(conversationId)
        return false
      }
      const window = current.window
      setLoadingNewer(conversationId, true)
      openStash(conversationId)
      try {
        const page = await parley().loadMessages({ conversationId, afterSeq, limit })
        const now = get().byConversation[conversationId]
        if (now === undefined || now.window !== window || highestSentSeq(now.messages) !== afterSeq) {
          setLoadingNewer(conversationId, false)
          return false
        }
        // Reaching the latest: what events brought meanwhile joins too, and from now on events do.
        const stashed = page.hasMoreAfter ? [] : stashedBeyond(conversationId, page.messages)
        set((state) =>
          patch(state, conversationId, (held) => {
            const next = {
              ...held,
              messages: mergeMessages(mergeMessages(held.messages, page.messages), stashed),
              hasMoreAfter: page.hasMoreAfter,
              loadingNewer: false,
              pagedUpTo: Math.max(held.pagedUpTo, highestOf(page.messages)),
            }
            // Scrolled down past the window's bound: the oldest go.
            return trimmed(next, HELD_MAX)
          }),
        )
        ensureSenders(page.messages)
        return page.messages.length > 0
      } catch (err) {
        setLoadingNewer(conversationId, false)
        throw err
      } finally {
        closeStash(conversationId)
      }
    },
    loadUntil: async (conversationId, seq) => {
      // Once: a run around a far seq. The cache may not reach down to it yet (history is fetched a
      // page at a time as the list scrolls back): the run then starts above it, and pages go on.
      let aroundTried = false
      for (let step = 0; step < MAX_STEPS_TO_REACH; step++) {
        const current = get().byConversation[conversationId]
        if (current === undefined || !current.loaded) return
        const lowest = lowestSeq(current.messages)
        const highest = highestSentSeq(current.messages)
        if (lowest === null || highest === null) return
        if (seq >= lowest && seq <= highest) return
        const older = seq < lowest
        if (older ? !current.hasMoreBefore : !current.hasMoreAfter) return
        // Far away: a run around it, not every page in between.
        if (!aroundTried && (older ? lowest - seq : seq - highest) > REACH_BY_PAGES) {
          aroundTried = true
          if (!(await replaceRun(conversationId, { afterSeq: Math.max(0, seq - AROUND_BEFORE - 1), limit: LIMITS.pageMax }))) return
          continue
        }
        if (older ? current.loadingOlder : current.loadingNewer) {
          await sleep(50)
          continue
        }
        const loaded = older ? await get().loadOlder(conversationId, LIMITS.pageMax) : await get().loadNewer(conversationId, LIMITS.pageMax)
        if (!loaded) return
      }
    },
    sendMessage: async (conversationId, body, replyToKey, attachments) => {
      const message = await parley().sendMessage({
        conversationId,
        body,
        ...(replyToKey === undefined ? {} : { replyToKey }),
        ...(attachments === undefined || attachments.length === 0 ? {} : { attachments: [...attachments] }),
      })
      // Sent from a window scrolled back: to the latest, where the message is (as other messengers do).
      if (get().byConversation[conversationId]?.hasMoreAfter) get().loadLatest(conversationId).catch(logFailure('loading the latest messages'))
      else get().merge(conversationId, [message])
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
    reset: () => {
      following.clear()
      set({ byConversation: {}, recent: [] })
    },
  }
})

const none: ConversationMessages = empty

export const messagesOf =
  (conversationId: string) =>
  (state: MessagesState): ConversationMessages =>
    state.byConversation[conversationId] ?? none
