/**
 * Search on the server for the history the cache does not hold
 * (docs/design.md §8, "Search"): GET /api/search, its hits as the renderer's
 * SearchHit. The renderer merges them with the cache's own hits.
 *
 * - A hit of a message the cache holds is left out: the cache's search
 *   answers for it (with my queued edits laid over), so it is never twice.
 * - A hit of a conversation the cache does not know is left out (the server
 *   answers only for my conversations; one it has and the cache does not yet
 *   is met by the next sync, not by search).
 * - Nothing is stored: a lone old message would break the cache's one
 *   contiguous range per conversation. Opening a hit fetches older pages down
 *   to it, as scrolling back does.
 * - The snippet is cut again with the desktop's shape, so server hits look
 *   like local ones.
 * - Failures: `offline` when the app has no connection (none is tried while
 *   it waits to reconnect, and a request that finds no server while it is
 *   not connected) — the renderer asks again when the connection is back;
 *   `unreachable` when the request found no server while the realtime link
 *   is up; the server's refusals keep their code (`rate_limited` for 429).
 */
import { hasLoneSurrogate, type Message } from '../../../shared/api'
import { ParleyError, type ConnectionStatus, type SearchHit } from '../../../shared/ipc'
import { buildSnippet, DESKTOP_SNIPPET } from '../../../shared/search/snippet'
import { searchTerms } from '../../../shared/search/terms'
import { NetworkError, type ApiClient } from '../api-client'
import { messageKey } from '../cache/messages/message-row'
import type { Cache } from '../cache/types'
import { translateError } from '../errors'

export interface ServerSearchDeps {
  cache: Pick<Cache, 'conversation' | 'messageByKey'>
  api: Pick<ApiClient, 'search'>
  /** The realtime link's state (the supervisor's): whether the app is online. */
  connection(): ConnectionStatus['state']
}

const offline = () =>
  new ParleyError('offline', 'Searching older messages needs a connection to the server. You are offline; the results are from this device only.')

export async function searchServer(deps: ServerSearchDeps, query: string, limit: number): Promise<SearchHit[]> {
  const terms = searchTerms(query)
  // Nothing to look for; or text no message can hold (bodies never have a NUL or a lone surrogate), which the server refuses.
  if (terms.length === 0 || query.includes('\u0000') || hasLoneSurrogate(query)) return []
  if (deps.connection() === 'offline') throw offline()
  let page: Awaited<ReturnType<ApiClient['search']>>
  try {
    page = await deps.api.search({ q: query, limit })
  } catch (err) {
    if (err instanceof NetworkError && deps.connection() !== 'connected') throw offline()
    throw translateError(err)
  }
  const hits: SearchHit[] = []
  for (const { message } of page.hits) {
    if (!wanted(deps.cache, message)) continue
    hits.push({
      conversationId: message.conversationId,
      messageKey: messageKey(message.senderId, message.clientId),
      seq: message.seq,
      senderId: message.senderId,
      createdAt: message.createdAt,
      snippet: buildSnippet(message.body, terms, DESKTOP_SNIPPET),
    })
  }
  return hits
}

function wanted(cache: ServerSearchDeps['cache'], message: Message): boolean {
  if (cache.conversation(message.conversationId) === null) return false
  return cache.messageByKey(message.conversationId, messageKey(message.senderId, message.clientId)) === null
}
