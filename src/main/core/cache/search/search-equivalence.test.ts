/**
 * Search results must not depend on how far the deferred index has got: the
 * same messages searched with the index fully built, not built at all, and
 * half built give identical hits (same messages, order and snippets) — for
 * random messages in many scripts and random queries cut from them, with case
 * changed, accents added or removed, and several terms.
 */
import { describe, expect, test } from 'vitest'
import { seededRandom } from '../../../../../test/kit/random'
import { connectionOf, expectIndexExact, expectIndexInvariant } from '../../../../../test/support/cache/search-checks'
import { serverMessage, tempCache } from '../../../../../test/support/cache/temp-cache'
import type { Message } from '../../../../shared/api'
import { catchUpSearchIndex, searchIndexBacklog } from '../../testing'
import type { Cache } from '../types'
import { TrigramFold } from './trigram-fold'

const FRAGMENTS: readonly string[] = [
  // English and Latin with accents, ligatures, special cases.
  'the budget meeting', 'Lunch tomorrow?', 'SHIP IT', 'deploy on Friday', 'Café crème', 'naïve résumé', 'Ærøskøbing',
  'Straße', 'STRASSE', 'İstanbul', 'ısı', 'Ångström', 'Cafe\u0301 au lait', 'ǅemal', 'ﬁle', 'ＦＵＬＬ ｗｉｄｔｈ', 'ﬀ',
  // Greek (final sigma, tonos), Cyrillic (й, ё), Armenian, Georgian.
  'Οδυσσέας', 'ΣΟΦΟΣ σοφός', 'άλφα ΆΛΦΑ', 'Москва', 'мой МОЙ', 'ёлка Ёлка елка', 'Բարեւ', 'გამარჯობა', 'ᲒᲐᲛᲐᲠᲯᲝᲑᲐ',
  // CJK without spaces, kana, halfwidth katakana, Hangul.
  '我们周末去爬山吧', '明天开会讨论一下', '明日東京に行きます', 'ありがとうございます', 'ｶﾀｶﾅ', 'カタカナ', '안녕하세요 여러분',
  // Right-to-left with vowel marks.
  'مَرْحَبًا', 'مرحبا', 'שָׁלוֹם', 'שלום',
  // Emoji: alone, skin tone, ZWJ family, flags, keycap.
  '🎉', '👍🏽', '👨‍👩‍👧', '🇯🇵🇫🇷', '1️⃣', '😂😂',
  // Astral letters with case (Deseret), symbols that are LIKE or FTS5 syntax.
  '𐐀𐐨𐐁', '100%', 'snake_case', '"quoted"', "it's", 'a\\b', 'NEAR(x y)', 'x AND y',
  // Control characters.
  'nul\u0000byte', 'tab\there',
]

function randomMessages(random: () => number, count: number): Message[] {
  const messages: Message[] = []
  const seqs = new Map<string, number>()
  for (let i = 0; i < count; i++) {
    const conversationId = `c${Math.floor(random() * 3)}`
    const seq = (seqs.get(conversationId) ?? 0) + 1
    seqs.set(conversationId, seq)
    const parts = Array.from({ length: 1 + Math.floor(random() * 5) }, () => FRAGMENTS[Math.floor(random() * FRAGMENTS.length)] as string)
    const body = parts.join(random() < 0.7 ? ' ' : '')
    messages.push({
      ...serverMessage(conversationId, seq),
      id: `${conversationId}-m${seq}`,
      conversationId,
      seq,
      senderId: random() < 0.5 ? 'ana' : 'bo',
      clientId: `${conversationId}-k${seq}`,
      body,
      // Collisions on purpose: row ids then take the next free integer.
      createdAt: 1_000 + Math.floor(random() * count * 2),
    })
  }
  return messages
}

/** A query cut from a random body, sometimes altered so that only folding can match it. */
function randomQuery(random: () => number, messages: readonly Message[]): string {
  const pick = (): string => {
    const chars = [...(messages[Math.floor(random() * messages.length)] as Message).body]
    const length = 1 + Math.floor(random() * 8)
    const start = Math.floor(random() * Math.max(1, chars.length - length))
    let term = chars.slice(start, start + length).join('')
    const change = random()
    if (change < 0.15) term = term.toUpperCase()
    else if (change < 0.3) term = term.toLowerCase()
    else if (change < 0.4) term = term.normalize('NFD').replace(/[\u0300-\u036f]/gu, '')
    else if (change < 0.45) term = term.normalize('NFD')
    else if (change < 0.5) term = `${term}é`
    return term
  }
  const r = random()
  if (r < 0.6) return pick()
  if (r < 0.9) return `${pick()} ${pick()}`
  return `${pick()} ${pick()} ${pick()}`
}

describe('results do not depend on how far indexing has got', () => {
  for (const seed of [1, 2, 3]) {
    test(`seed ${seed}: 400 messages, 300 queries — index complete, empty and half-built agree`, async () => {
      const random = seededRandom(seed)
      const messages = randomMessages(random, 400)
      const own = Array.from({ length: 20 }, (_, i) => ({
        conversationId: `c${i % 3}`,
        senderId: 'me',
        clientId: `own-${i}`,
        body: `${FRAGMENTS[Math.floor(random() * FRAGMENTS.length)] as string} ${FRAGMENTS[Math.floor(random() * FRAGMENTS.length)] as string}`,
        createdAt: 1_000 + Math.floor(random() * 800),
      }))
      const caches = [tempCache({ backgroundIndexing: false }), tempCache({ backgroundIndexing: false }), tempCache({ backgroundIndexing: false })].map(
        ({ cache }) => cache,
      )
      const [full, none, half] = caches as [(typeof caches)[0], (typeof caches)[0], (typeof caches)[0]]
      for (const cache of caches) {
        for (let i = 0; i < messages.length; i += 50) cache.storeMessages(messages.slice(i, i + 50))
        for (const draft of own) cache.addPending(draft)
        // Some own messages fail, some are deleted, some come back from the server (new row id, same key).
        for (const draft of own.slice(0, 5)) cache.markFailed(draft.conversationId, draft.clientId, 'refused')
        for (const draft of own.slice(5, 8)) cache.deleteUnsent(draft.conversationId, draft.clientId)
      }
      catchUpSearchIndex(full)
      catchUpSearchIndex(half, 1)
      const sent = own.slice(8, 14).map((draft, i) => ({ ...serverMessage(draft.conversationId, 1_000 + i), id: `sent-${draft.clientId}`, ...draft, createdAt: draft.createdAt + 5_000 }))
      for (const cache of caches) cache.storeMessages(sent)
      expect(searchIndexBacklog(full)).toBe(6)
      catchUpSearchIndex(full)
      expect(searchIndexBacklog(none)).toBe(400 + 20 - 3)
      expect(searchIndexBacklog(half)).toBeGreaterThan(0)
      expect(searchIndexBacklog(half)).toBeLessThan(417)
      expectIndexExact(full)
      expectIndexInvariant(half)

      let withHits = 0
      for (let q = 0; q < 300; q++) {
        const query = randomQuery(random, messages)
        const limit = [1, 3, 10, 50, 1_000][Math.floor(random() * 5)] as number
        const expected = (await full.search(query, limit))
        expect((await none.search(query, limit)), `${JSON.stringify(query)} limit ${limit}, nothing indexed`).toEqual(expected)
        expect((await half.search(query, limit)), `${JSON.stringify(query)} limit ${limit}, half indexed`).toEqual(expected)
        if (expected.length > 0) withHits++
      }
      // The queries are mostly cut from bodies: most must find something, or this test proves little.
      expect(withHits).toBeGreaterThan(150)
    })
  }
})

describe('results do not depend on how far the indexer has got with edited rows’ old entries', () => {
  for (const seed of [4, 5]) {
    test(`seed ${seed}: 300 indexed messages, a third edited and some deleted — the same hits as a cache that only ever held the new texts`, async () => {
      const random = seededRandom(seed)
      const messages = randomMessages(random, 300)
      const changed = messages.map((m) => {
        const r = random()
        if (r < 0.3) return { ...m, rev: m.rev + 1_000, body: randomMessages(random, 1)[0]?.body ?? '', editedAt: 1 }
        if (r < 0.35) return { ...m, rev: m.rev + 1_000, body: '', deletedAt: 2 }
        return m
      })
      const [truth, edited] = [tempCache({ backgroundIndexing: false }), tempCache({ backgroundIndexing: false })].map(({ cache }) => cache) as [
        Cache,
        Cache,
      ]
      for (let i = 0; i < messages.length; i += 50) {
        truth.storeMessages(changed.slice(i, i + 50))
        edited.storeMessages(messages.slice(i, i + 50))
      }
      catchUpSearchIndex(truth)
      catchUpSearchIndex(edited)
      for (let i = 0; i < changed.length; i += 50) edited.storeMessages(changed.slice(i, i + 50))
      expectIndexExact(truth)
      // Queries cut from the old texts and the new ones.
      const texts = [...messages, ...changed]
      const compare = async (moment: string) => {
        expectIndexInvariant(edited)
        let withHits = 0
        for (let q = 0; q < 100; q++) {
          const query = randomQuery(random, texts)
          const limit = [1, 3, 10, 50, 1_000][Math.floor(random() * 5)] as number
          const expected = await truth.search(query, limit)
          expect(await edited.search(query, limit), `${JSON.stringify(query)} limit ${limit}, ${moment}`).toEqual(expected)
          if (expected.length > 0) withHits++
        }
        expect(withHits).toBeGreaterThan(40)
      }
      await compare('no old entry deleted yet')
      catchUpSearchIndex(edited, 1)
      await compare('part way')
      catchUpSearchIndex(edited)
      await compare('all done')
      expectIndexExact(edited)
    })
  }
})

describe('folding for the backlog is the index tokenizer’s own', () => {
  test('messages_fts uses the tokenizer that TrigramFold learns from', async () => {
    const { cache } = tempCache({ backgroundIndexing: false })
    const sql = connectionOf(cache).prepare<[], string>(`SELECT sql FROM sqlite_schema WHERE name = 'messages_fts'`).pluck().get()
    expect(sql).toContain(`tokenize = '${'trigram case_sensitive 0 remove_diacritics 1'}'`)
  })

  test('known foldings: case, Latin accents and ligature-free letters; other marks stay; NUL is skipped', async () => {
    const { cache } = tempCache({ backgroundIndexing: false })
    const fold = new TrigramFold(connectionOf(cache))
    expect(fold.fold('ÄÖÜ àéî Ç')).toBe('aou aei c')
    expect(fold.fold('Cafe\u0301')).toBe('cafe')
    expect(fold.fold('ΣΟΦΟΣ σοφός')).toBe('σοφοσ σοφόσ')
    expect(fold.fold('МОЙ')).toBe('мой')
    expect(fold.fold('İ')).toBe('i')
    expect(fold.fold('我们周末')).toBe('我们周末')
    expect(fold.fold('a\u0000b')).toBe('ab')
    expect(fold.fold('ABC')).toBe('abc')
    expect(fold.fold('🎉👍🏽')).toBe('🎉👍🏽')
  })

  test('every BMP character and a sample of astral ones folds as the real index folds it', async () => {
    const { cache } = tempCache({ backgroundIndexing: false })
    const codePoints: number[] = []
    for (let c = 0; c < 0x10000; c++) if (c < 0xd800 || c > 0xdfff) codePoints.push(c)
    for (let c = 0x10000; c < 0x110000; c += 997) codePoints.push(c)
    for (let c = 0x10400; c < 0x10450; c++) codePoints.push(c)
    // One message per character, between two letters: the index then holds exactly one trigram for it (or none if skipped).
    const messages = codePoints.map((c, i) => ({
      ...serverMessage('c1', i + 1),
      id: `m${i}`,
      conversationId: 'c1',
      seq: i + 1,
      senderId: 'bob',
      clientId: `k${i}`,
      body: `q${String.fromCodePoint(c)}q`,
      createdAt: i,
    }))
    for (let i = 0; i < messages.length; i += 5_000) cache.storeMessages(messages.slice(i, i + 5_000))
    // Big steps: this test is about what is indexed, not about stalls.
    const { indexer } = cache as unknown as { indexer: { step(budgetMs: number): number } }
    while (indexer.step(500) > 0);
    const db = connectionOf(cache)
    db.exec('CREATE VIRTUAL TABLE temp.all_terms USING fts5vocab (main, messages_fts, instance)')
    const indexed = new Map(db.prepare<[], { doc: number; term: string }>('SELECT doc, term FROM temp.all_terms').all().map((row) => [row.doc, row.term]))
    const folded = new TrigramFold(db).foldAll(codePoints.map((c) => `q${String.fromCodePoint(c)}q`))
    const mismatches: string[] = []
    codePoints.forEach((c, i) => {
      const expected = folded[i]
      // Row ids are createdAt = i here.
      const actual = indexed.get(i) ?? 'qq'
      if (actual !== expected && mismatches.length < 10) mismatches.push(`U+${c.toString(16)}: index ${JSON.stringify(actual)}, fold ${JSON.stringify(expected)}`)
    })
    expect(mismatches).toEqual([])
  })
})
