/**
 * GET /api/search (docs/design.md §4.7): messages of the caller's
 * conversations whose body holds every term of `q`, newest first, each with a
 * snippet; `before` pages on. A `conversationId` the caller is not a member
 * of answers 404, as every conversation route does.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { hasLoneSurrogate, type Message } from '../../../shared/api'
import { buildSnippet, SERVER_SNIPPET, type SnippetPart } from '../../../shared/search/snippet'
import { searchTerms } from '../../../shared/search/terms'
import { currentUser } from '../authenticate'
import type { ApiContext } from '../context'
import { badRequest, parseWith } from '../errors'
import { membersFor } from '../membership'
import { perUserPerMinute } from '../rate-limits'
import { decodeSearchCursor, encodeSearchCursor } from '../search-cursor'

/** `q`, in characters (code points). */
export const SEARCH_QUERY_MAX = 200
export const SEARCH_PAGE_DEFAULT = 20
export const SEARCH_PAGE_MAX = 50

export const searchQuerySchema = z.object({
  q: z
    .string()
    .refine((q) => !q.includes('\u0000'), { message: 'contains a NUL character (U+0000)' })
    .refine((q) => !hasLoneSurrogate(q), { message: 'contains an unpaired surrogate' })
    .refine((q) => q.length > 0 && [...q].length <= SEARCH_QUERY_MAX, { message: `must be 1–${SEARCH_QUERY_MAX} characters` }),
  conversationId: z.string().min(1).optional(),
  before: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[A-Za-z0-9_-]+$/, 'not a cursor from a previous page')
    .optional(),
  limit: z.coerce.number().int().min(1).max(SEARCH_PAGE_MAX).default(SEARCH_PAGE_DEFAULT),
})

export interface SearchHit {
  message: Message
  snippet: SnippetPart[]
}

export interface SearchPage {
  hits: SearchHit[]
  /** The `before` of the next page; null on the last. */
  nextCursor: string | null
}

/** The request line without its query string: what people search for stays out of the logs, as message bodies do. */
const requestWithoutQuery = (request: FastifyRequest) => ({
  method: request.method,
  url: request.url.split('?')[0],
  host: request.host,
  remoteAddress: request.ip,
  remotePort: request.socket?.remotePort,
})

export function searchRoutes(ctx: ApiContext) {
  return async (app: FastifyInstance) => {
    app.get(
      '/api/search',
      { ...perUserPerMinute(ctx.limits.searchesPerMinute, 'search'), logSerializers: { req: requestWithoutQuery } },
      async (request): Promise<SearchPage> => {
        const me = currentUser(request)
        const query = parseWith(searchQuerySchema, request.query, 'query')
        const before = query.before === undefined ? undefined : decodeSearchCursor(query.before)
        if (before === null) throw badRequest('before: not a cursor from a previous page')
        if (query.conversationId !== undefined) await membersFor(ctx, query.conversationId, me.id)
        const terms = searchTerms(query.q)
        // Only whitespace: nothing to look for.
        if (terms.length === 0) return { hits: [], nextCursor: null }
        const page = await ctx.store.searchMessages({
          userId: me.id,
          terms,
          limit: query.limit,
          ...(query.conversationId === undefined ? {} : { conversationId: query.conversationId }),
          ...(before === undefined ? {} : { before }),
        })
        const last = page.hits.at(-1)
        return {
          hits: page.hits.map(({ message }) => ({ message, snippet: buildSnippet(message.body, terms, SERVER_SNIPPET) })),
          nextCursor: page.hasMore && last ? encodeSearchCursor(last.position) : null,
        }
      },
    )
  }
}
