import { describe, expect, it, vi } from 'vitest'
import type { Message } from '../../../shared/api'
import { serverMessage } from '../../../../test/support/cache/temp-cache'
import { HttpError, NetworkError, type SearchPage } from '../api-client'
import { searchServer, type ServerSearchDeps } from './server-search'

const message = (conversationId: string, seq: number, body: string): Message =>
  serverMessage(conversationId, seq, { id: `m-${conversationId}-${seq}`, clientId: `k${seq}`, body, createdAt: 1_000 * seq })

/** A cache that knows conversation c1 and holds its message seq 9 (key bob:k9); connected unless told. */
function deps(page: SearchPage | Error, connection: 'connected' | 'connecting' | 'offline' = 'connected') {
  const search = vi.fn(async () => {
    if (page instanceof Error) throw page
    return page
  })
  const given: ServerSearchDeps = {
    cache: {
      conversation: (id: string) => (id === 'c1' ? ({ id } as never) : null),
      messageByKey: (conversationId: string, key: string) => (conversationId === 'c1' && key === 'bob:k9' ? ({ key } as never) : null),
    },
    api: { search },
    connection: () => connection,
  }
  return { ...given, search }
}

describe('searchServer', () => {
  it('keeps hits the cache does not hold, of conversations it knows, with a desktop-sized snippet', async () => {
    const long = `${'word '.repeat(60)}the lighthouse at the end`
    const d = deps({
      hits: [
        { message: message('c1', 9, 'lighthouse, cached'), snippet: [] },
        { message: message('c2', 8, 'lighthouse elsewhere'), snippet: [] },
        { message: message('c1', 3, long), snippet: [{ text: long, match: false }] },
      ],
      nextCursor: null,
    })
    const hits = await searchServer(d, 'lighthouse', 50)
    expect(d.search.mock.calls).toEqual([[{ q: 'lighthouse', limit: 50 }]])
    expect(hits).toHaveLength(1)
    expect(hits[0]).toMatchObject({ conversationId: 'c1', messageKey: 'bob:k3', seq: 3, senderId: 'bob', createdAt: 3_000 })
    expect(hits[0]?.snippet.find((part) => part.match)?.text).toBe('lighthouse')
    expect(hits[0]?.snippet.map((part) => part.text).join('').length).toBeLessThan(long.length)
  })

  it('offline: not asked while waiting to reconnect; a request that finds no server is offline unless the link is up', async () => {
    const waiting = deps({ hits: [], nextCursor: null }, 'offline')
    await expect(searchServer(waiting, 'lighthouse', 50)).rejects.toMatchObject({ code: 'offline' })
    expect(waiting.search).not.toHaveBeenCalled()
    await expect(searchServer(deps(new NetworkError('GET /api/search: ECONNREFUSED'), 'connecting'), 'lighthouse', 50)).rejects.toMatchObject({
      code: 'offline',
    })
    await expect(searchServer(deps(new NetworkError('GET /api/search: ECONNRESET')), 'lighthouse', 50)).rejects.toMatchObject({ code: 'unreachable' })
    await expect(searchServer(deps(new HttpError(429, 'rate_limited', 'Too many searches')), 'lighthouse', 50)).rejects.toMatchObject({
      code: 'rate_limited',
    })
  })

  it('does not ask for what no message can hold, or for nothing', async () => {
    for (const query of ['   ', 'a\u0000b', 'x\ud800', '\udc00y']) {
      const d = deps({ hits: [], nextCursor: null })
      expect(await searchServer(d, query, 50)).toEqual([])
      expect(d.search).not.toHaveBeenCalled()
    }
  })
})
