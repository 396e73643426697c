import { describe, expect, test } from 'vitest'
import { serverMessage, tempCache } from '../../../../../test/support/cache/temp-cache'
import type { SearchHit } from '../../../../shared/ipc'
import type { Cache } from '../types'

/** A cache holding these bodies as seq 1, 2, 3… of conversation c1 (later seq = newer). */
function cacheWith(bodies: readonly string[]): Cache {
  const { cache } = tempCache()
  cache.storeMessages(bodies.map((body, i) => serverMessage('c1', i + 1, { body })))
  return cache
}

const bodiesOf = async (cache: Cache, query: string, limit = 50): Promise<string[]> => {
  const all = cache.messagesInRange('c1', 1, 1_000)
  return (await cache.search(query, limit)).map((hit) => all.find((m) => m.key === hit.messageKey)?.body ?? '?')
}

/** The snippet with matches in [brackets]. */
const marked = (hit: SearchHit | undefined): string => (hit?.snippet ?? []).map((part) => (part.match ? `[${part.text}]` : part.text)).join('')

describe('languages and scripts', () => {
  test('English, case-insensitive, with the match highlighted as written', async () => {
    const cache = cacheWith(['Hello World', 'nothing here', 'say HELLO to everyone'])
    expect(await bodiesOf(cache, 'hello')).toEqual(['say HELLO to everyone', 'Hello World'])
    expect(await bodiesOf(cache, 'WORLD')).toEqual(['Hello World'])
    expect((await cache.search('hello', 10)).map(marked)).toEqual(['say [HELLO] to everyone', '[Hello] World'])
  })

  test('accents are ignored both ways, including decomposed text', async () => {
    const decomposed = 'Cafe\u0301 tonight?'
    const cache = cacheWith(['Café crème at noon', 'cafe without accent', decomposed, 'naïve résumé'])
    expect(await bodiesOf(cache, 'cafe')).toEqual([decomposed, 'cafe without accent', 'Café crème at noon'])
    expect(await bodiesOf(cache, 'CAFÉ')).toEqual([decomposed, 'cafe without accent', 'Café crème at noon'])
    expect(await bodiesOf(cache, 'creme')).toEqual(['Café crème at noon'])
    expect(await bodiesOf(cache, 'resume')).toEqual(['naïve résumé'])
    const hits = (await cache.search('cafe', 10))
    expect(marked(hits[0])).toBe('[Cafe\u0301] tonight?')
    expect(marked(hits[2])).toBe('[Café] crème at noon')
  })

  test('Chinese: a two-character word and a three-character phrase inside a sentence', async () => {
    const cache = cacheWith(['我们周末去爬山吧', '周末愉快！', '今天下雨了', '我们去爬山'])
    expect(await bodiesOf(cache, '周末')).toEqual(['周末愉快！', '我们周末去爬山吧'])
    expect(await bodiesOf(cache, '去爬山')).toEqual(['我们去爬山', '我们周末去爬山吧'])
    expect(await bodiesOf(cache, '爬')).toEqual(['我们去爬山', '我们周末去爬山吧'])
    expect(await bodiesOf(cache, '明天')).toEqual([])
    expect(marked((await cache.search('周末', 10))[1])).toBe('我们[周末]去爬山吧')
    expect(marked((await cache.search('去爬山', 10))[1])).toBe('我们周末[去爬山]吧')
  })

  test('Japanese: kanji and kana words', async () => {
    const cache = cacheWith(['明日東京に行きます', '本当にありがとうございます', '京都も好き', 'すしを食べた'])
    expect(await bodiesOf(cache, '東京')).toEqual(['明日東京に行きます'])
    expect(await bodiesOf(cache, 'ありがとう')).toEqual(['本当にありがとうございます'])
    expect(await bodiesOf(cache, 'すし')).toEqual(['すしを食べた'])
    expect(await bodiesOf(cache, '京')).toEqual(['京都も好き', '明日東京に行きます'])
    expect(marked((await cache.search('東京', 1))[0])).toBe('明日[東京]に行きます')
    expect(marked((await cache.search('ありがとう', 1))[0])).toBe('本当に[ありがとう]ございます')
  })

  test('emoji alone, inside text, repeated and as a ZWJ sequence', async () => {
    const family = '👨‍👩‍👧'
    const cache = cacheWith(['🎉', 'party tonight 🎉 bring snacks', 'no emoji', `${family} at the beach`, '🎉🎉🎉'])
    expect(await bodiesOf(cache, '🎉')).toEqual(['🎉🎉🎉', 'party tonight 🎉 bring snacks', '🎉'])
    expect(await bodiesOf(cache, '🎉🎉🎉')).toEqual(['🎉🎉🎉'])
    expect(await bodiesOf(cache, family)).toEqual([`${family} at the beach`])
    expect(await bodiesOf(cache, '🎉 snacks')).toEqual(['party tonight 🎉 bring snacks'])
    expect((await cache.search('🎉', 10)).map(marked)).toEqual(['[🎉🎉🎉]', 'party tonight [🎉] bring snacks', '[🎉]'])
  })

  test('short terms outside ASCII are case-insensitive too (LIKE only folds ASCII by itself)', async () => {
    const cache = cacheWith(['Über alles', 'über den Berg', 'ÖL und Wasser', 'Ωμέγα'])
    expect(await bodiesOf(cache, 'Üb')).toEqual(['über den Berg', 'Über alles'])
    expect(await bodiesOf(cache, 'öl')).toEqual(['ÖL und Wasser'])
    expect(await bodiesOf(cache, 'ωμ')).toEqual(['Ωμέγα'])
    expect(marked((await cache.search('üB', 1))[0])).toBe('[üb]er den Berg')
  })

  test('mixed-language messages', async () => {
    const cache = cacheWith(["Let's meet 明天 at 3pm", '明天见', 'meet at 5pm'])
    expect(await bodiesOf(cache, '明天')).toEqual(['明天见', "Let's meet 明天 at 3pm"])
    expect(await bodiesOf(cache, '3pm')).toEqual(["Let's meet 明天 at 3pm"])
    expect(await bodiesOf(cache, "let's")).toEqual(["Let's meet 明天 at 3pm"])
    expect(await bodiesOf(cache, 'meet 明天')).toEqual(["Let's meet 明天 at 3pm"])
    expect(marked((await cache.search('MEET 明天 3PM', 1))[0])).toBe("Let's [meet] [明天] at [3pm]")
  })
})

describe('queries', () => {
  test('every whitespace-separated term must occur (AND), long and short terms alike', async () => {
    const cache = cacheWith(['hiking on Saturday', 'hiking 周末', 'Saturday 周末 plans', 'hiking Saturday 周末 ok'])
    expect(await bodiesOf(cache, 'hiking saturday')).toEqual(['hiking Saturday 周末 ok', 'hiking on Saturday'])
    expect(await bodiesOf(cache, 'saturday 周末')).toEqual(['hiking Saturday 周末 ok', 'Saturday 周末 plans'])
    expect(await bodiesOf(cache, '周末 ok')).toEqual(['hiking Saturday 周末 ok'])
    expect(await bodiesOf(cache, '  hiking\t周末\n ')).toEqual(['hiking Saturday 周末 ok', 'hiking 周末'])
  })

  test('special characters and FTS5 operators are text, never syntax', async () => {
    const bodies = [
      'growth was 100% this year',
      'use snake_case names',
      'she said "hi" twice',
      "it's fine",
      'a*b is a product',
      'key:value pairs',
      'see (note) below',
      'rock AND roll',
      'this OR that',
      'NOT today',
      'NEAR(a b) is a query',
      'back\\slash',
      'plain words only',
    ]
    const cache = cacheWith(bodies)
    expect(await bodiesOf(cache, '%')).toEqual(['growth was 100% this year'])
    expect(await bodiesOf(cache, '100%')).toEqual(['growth was 100% this year'])
    expect(await bodiesOf(cache, '_')).toEqual(['use snake_case names'])
    expect(await bodiesOf(cache, 'snake_case')).toEqual(['use snake_case names'])
    expect(await bodiesOf(cache, '"hi"')).toEqual(['she said "hi" twice'])
    expect(await bodiesOf(cache, '"')).toEqual(['she said "hi" twice'])
    expect(await bodiesOf(cache, "'")).toEqual(["it's fine"])
    expect(await bodiesOf(cache, "it's")).toEqual(["it's fine"])
    expect(await bodiesOf(cache, '*')).toEqual(['a*b is a product'])
    expect(await bodiesOf(cache, 'a*b')).toEqual(['a*b is a product'])
    expect(await bodiesOf(cache, 'key:value')).toEqual(['key:value pairs'])
    expect(await bodiesOf(cache, ':')).toEqual(['key:value pairs'])
    expect(await bodiesOf(cache, '(note)')).toEqual(['see (note) below'])
    expect(await bodiesOf(cache, '(')).toEqual(['NEAR(a b) is a query', 'see (note) below'])
    expect(await bodiesOf(cache, ')')).toEqual(['NEAR(a b) is a query', 'see (note) below'])
    expect(await bodiesOf(cache, '\\')).toEqual(['back\\slash'])
    expect(await bodiesOf(cache, 'AND')).toEqual(['rock AND roll'])
    expect(await bodiesOf(cache, 'rock AND roll')).toEqual(['rock AND roll'])
    expect(await bodiesOf(cache, 'OR')).toEqual(['plain words only', 'this OR that'])
    expect(await bodiesOf(cache, 'this OR that')).toEqual(['this OR that'])
    expect(await bodiesOf(cache, 'NOT today')).toEqual(['NOT today'])
    expect(await bodiesOf(cache, 'NEAR(a')).toEqual(['NEAR(a b) is a query'])
    for (const query of ['"', '""', '"unbalanced', 'a"b', '*', '^start', '-minus', '+', 'NEAR', 'NEAR(', 'OR AND NOT', '{col}:x', '\u0000', '%_%']) {
      await expect(cache.search(query, 10), query).resolves.toBeInstanceOf(Array)
    }
    expect(await bodiesOf(cache, '%_%')).toEqual([])
  })

  test('results are newest first across conversations and respect the limit', async () => {
    const { cache } = tempCache()
    cache.storeMessages([
      serverMessage('a', 1, { body: 'lunch?', createdAt: 3_000 }),
      serverMessage('b', 1, { body: 'lunch at noon', createdAt: 9_000 }),
      serverMessage('a', 2, { body: 'lunch tomorrow', createdAt: 5_000 }),
    ])
    // A conversation whose history arrives later but is older.
    cache.storeMessages([serverMessage('c', 1, { body: 'old lunch', createdAt: 1_000 })])
    const hits = (await cache.search('lunch', 10))
    expect(hits.map((hit) => [hit.conversationId, hit.createdAt])).toEqual([
      ['b', 9_000],
      ['a', 5_000],
      ['a', 3_000],
      ['c', 1_000],
    ])
    expect(hits[0]).toEqual({
      conversationId: 'b',
      messageKey: 'bob:b-c1',
      seq: 1,
      senderId: 'bob',
      createdAt: 9_000,
      snippet: [
        { text: 'lunch', match: true },
        { text: ' at noon', match: false },
      ],
    })
    expect((await cache.search('lunch', 2))).toHaveLength(2)
    expect((await cache.search('lu', 3)).map((hit) => hit.createdAt)).toEqual([9_000, 5_000, 3_000])
  })

  test('pending and failed messages are found too', async () => {
    const { cache } = tempCache()
    cache.addPending({ conversationId: 'c1', senderId: 'me', clientId: 'k1', body: 'draft about the budget', createdAt: 5 })
    cache.addPending({ conversationId: 'c1', senderId: 'me', clientId: 'k2', body: 'budget 预算', createdAt: 6 })
    cache.markFailed('c1', 'k2', 'refused')
    expect((await cache.search('budget', 10)).map((hit) => [hit.messageKey, hit.seq])).toEqual([
      ['me:k2', null],
      ['me:k1', null],
    ])
    expect((await cache.search('预算', 10)).map((hit) => hit.messageKey)).toEqual(['me:k2'])
  })

  test('an empty or blank query, or a limit of 0, finds nothing', async () => {
    const cache = cacheWith(['anything'])
    expect((await cache.search('', 10))).toEqual([])
    expect((await cache.search('   \n', 10))).toEqual([])
    expect((await cache.search('anything', 0))).toEqual([])
  })
})
