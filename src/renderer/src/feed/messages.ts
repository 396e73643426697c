/**
 * Loading a conversation's messages: the latest page when it is opened, older
 * pages as the list scrolls to the top (the core serves them from its cache),
 * and enough pages to reach a given seq (the first unread message, a search hit).
 */
import { LIMITS } from '../../../shared/api'
import type { ChatMessage } from '../../../shared/ipc'
import { logFailure, parley } from '../bridge'
import { lowestSeq } from '../lib/message-order'
import { useMessages } from '../store/messages'
import { ensureUsers } from './users'

const OLDER_PAGE = 100
/** Reaching a seq loads at most this many (full) pages: a search hit 40,000 messages back is still reached. */
const MAX_PAGES_TO_REACH = 200

const latestInFlight = new Map<string, Promise<void>>()

/** Hold the conversation and load its latest page (at least `atLeast` messages, up to a page's maximum). */
export function loadLatest(conversationId: string, atLeast = 0): Promise<void> {
  const running = latestInFlight.get(conversationId)
  if (running) return running
  const store = useMessages.getState()
  store.hold(conversationId)
  const limit = Math.min(LIMITS.pageMax, Math.max(LIMITS.pageDefault, atLeast))
  const load = parley()
    .loadMessages({ conversationId, limit })
    .then((page) => {
      useMessages.getState().applyPage(conversationId, page.messages, page.hasMoreBefore, false)
      ensureUsers(page.messages.map((message) => message.senderId))
    })
    .finally(() => latestInFlight.delete(conversationId))
  latestInFlight.set(conversationId, load)
  return load
}

/** Load the page before the oldest message held; false when there is nothing older or a load is running. */
export async function loadOlder(conversationId: string, limit = OLDER_PAGE): Promise<boolean> {
  const current = useMessages.getState().byConversation[conversationId]
  if (current === undefined || !current.loaded || !current.hasMoreBefore || current.loadingOlder) return false
  const beforeSeq = lowestSeq(current.messages)
  if (beforeSeq === null) {
    useMessages.getState().applyPage(conversationId, [], false, true)
    return false
  }
  useMessages.getState().setLoadingOlder(conversationId, true)
  try {
    const page = await parley().loadMessages({ conversationId, beforeSeq, limit })
    useMessages.getState().applyPage(conversationId, page.messages, page.hasMoreBefore, true)
    ensureUsers(page.messages.map((message) => message.senderId))
    return page.messages.length > 0
  } catch (err) {
    useMessages.getState().setLoadingOlder(conversationId, false)
    throw err
  }
}

/** Load older pages until the message with `seq` is held (or nothing older exists). */
export async function loadUntil(conversationId: string, seq: number): Promise<void> {
  for (let page = 0; page < MAX_PAGES_TO_REACH; page++) {
    const current = useMessages.getState().byConversation[conversationId]
    if (current === undefined || !current.loaded) return
    const lowest = lowestSeq(current.messages)
    if (lowest === null || lowest <= seq || !current.hasMoreBefore) return
    if (current.loadingOlder) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      continue
    }
    if (!(await loadOlder(conversationId, LIMITS.pageMax))) return
  }
}

/** Send (the core stores it as pending at once); the pending message is shown from the result or its event, whichever comes first. */
export async function sendMessage(conversationId: string, body: string): Promise<void> {
  const message = await parley().sendMessage({ conversationId, body })
  useMessages.getState().merge(conversationId, [message])
}

export function retryMessage(message: ChatMessage): void {
  parley()
    .retryMessage({ conversationId: message.conversationId, clientId: message.clientId })
    .then((pending) => useMessages.getState().merge(message.conversationId, [pending]))
    .catch(logFailure('retryMessage'))
}

export function deleteMessage(message: ChatMessage): void {
  parley()
    .deleteMessage({ conversationId: message.conversationId, clientId: message.clientId })
    .then(() => useMessages.getState().remove(message.conversationId, [message.key]))
    .catch(logFailure('deleteMessage'))
}
