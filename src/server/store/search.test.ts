/**
 * Search in the store (docs/design.md §4.7) on SQLite and PostgreSQL: the
 * scripts and lengths of terms, what is literal, edits and deletes, whose
 * conversations, pages. Real databases, no mocks. The bounded scan for short
 * terms and the migration's backfill: migrations/0008-search.test.ts.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { requirePostgres } from '../../../test/kit/services'
import { storeFactories, type StoreFactory } from '../../../test/support/store-factories'
import { searchTerms } from '../../shared/search/terms'
import { newId } from './ids'
import type { ConversationRecord, SearchPosition, Store, UserRecord } from './store'

const postgresMissing = await requirePostgres('search store tests: the postgres variant')

function searchContract(factory: StoreFactory): void {
  let store: Store
  let cleanup: () => Promise<void>
  let n = 0
  let clock = 1_000
  beforeEach(async () => {
    ;({ store, cleanup } = await factory.open())
  })
  afterEach(async () => {
    await cleanup()
  })

  const user = async (): Promise<UserRecord> =>
    store.createUser({ id: newId('u'), username: `s${++n}`, displayName: 's', passwordHash: 'x', createdAt: 1 })
  const group = async (members: UserRecord[]): Promise<ConversationRecord> =>
    (await store.createConversation({ kind: 'group', title: 'g', memberIds: members.map((m) => m.id), createdBy: members[0]!.id, now: 1 }))
      .conversation
  /** Sends each body in turn (later = newer), each a millisecond after the one before. */
  const send = async (conversation: ConversationRecord, sender: UserRecord, ...bodies: string[]) => {
    const sent = []
    for (const body of bodies) {
      sent.push((await store.appendMessage({ conversationId: conversation.id, senderId: sender.id, clientId: newId('m'), body, now: ++clock })).message)
    }
    return sent
  }
  const search = async (who: UserRecord, query: string, options: { conversationId?: string; before?: SearchPosition; limit?: number } = {}) =>
    store.searchMessages({ userId: who.id, terms: searchTerms(query), limit: options.limit ?? 50, ...options })
  const bodies = async (who: UserRecord, query: string, conversationId?: string) =>
    (await search(who, query, conversationId === undefined ? {} : { conversationId })).hits.map((hit) => hit.message.body)

  /** One member and a group holding `texts`, oldest first. */
  const corpus = async (...texts: string[]) => {
    const me = await user()
    const conversation = await group([me])
    await send(conversation, me, ...texts)
    return { me, conversation }
  }

  test('English: case-insensitive substrings, newest first', async () => {
    const { me } = await corpus('Hello World', 'nothing here', 'say HELLO to everyone', 'othello')
    expect(await bodies(me, 'hello')).toEqual(['othello', 'say HELLO to everyone', 'Hello World'])
    expect(await bodies(me, 'WORLD')).toEqual(['Hello World'])
    expect(await bodies(me, 'absent')).toEqual([])
  })

  test('Chinese without spaces: a two-character word, a three-character one, one character', async () => {
    const { me } = await corpus('我们周末去爬山吧', '周末愉快！', '今天下雨了', '我们去爬山', '你好世界')
    expect(await bodies(me, '周末')).toEqual(['周末愉快！', '我们周末去爬山吧'])
    expect(await bodies(me, '去爬山')).toEqual(['我们去爬山', '我们周末去爬山吧'])
    expect(await bodies(me, '爬')).toEqual(['我们去爬山', '我们周末去爬山吧'])
    expect(await bodies(me, '好')).toEqual(['你好世界'])
    expect(await bodies(me, '你好')).toEqual(['你好世界'])
    expect(await bodies(me, '明天')).toEqual([])
  })

  test('Japanese: kanji and kana', async () => {
    const { me } = await corpus('明日東京に行きます', '本当にありがとうございます', '京都も好き', 'すしを食べた')
    expect(await bodies(me, '東京')).toEqual(['明日東京に行きます'])
    expect(await bodies(me, 'ありがとう')).toEqual(['本当にありがとうございます'])
    expect(await bodies(me, 'すし')).toEqual(['すしを食べた'])
    expect(await bodies(me, '京')).toEqual(['京都も好き', '明日東京に行きます'])
  })

  test('emoji: one, a run of three, a ZWJ sequence; mixed scripts in one message', async () => {
    const { me } = await corpus('party 🎉 tonight', '🎉🎉🎉', 'family 👨‍👩‍👧 photo', 'Deploy 周末 🚀 ok?', 'plain')
    expect(await bodies(me, '🎉')).toEqual(['🎉🎉🎉', 'party 🎉 tonight'])
    expect(await bodies(me, '🎉🎉🎉')).toEqual(['🎉🎉🎉'])
    expect(await bodies(me, '👨‍👩‍👧')).toEqual(['family 👨‍👩‍👧 photo'])
    expect(await bodies(me, 'deploy 周末 🚀')).toEqual(['Deploy 周末 🚀 ok?'])
    expect(await bodies(me, '周末🚀')).toEqual([])
  })

  test('one- and two-character Latin terms, any case', async () => {
    const { me } = await corpus('ok then', 'OK!', 'Is it a bug?', 'nothing', 'Ünïcode É')
    expect(await bodies(me, 'ok')).toEqual(['OK!', 'ok then'])
    expect(await bodies(me, 'Ok')).toEqual(['OK!', 'ok then'])
    expect(await bodies(me, 'a')).toEqual(['Is it a bug?'])
    expect(await bodies(me, 'é')).toEqual(['Ünïcode É'])
    expect(await bodies(me, 'üN')).toEqual(['Ünïcode É'])
  })

  test('a phrase: every word must occur, in any order; short and long words mixed', async () => {
    const { me } = await corpus('the project review is at 3', 'review the project', 'project only', 'a review only', 'Project Review: ok')
    expect(await bodies(me, 'project review')).toEqual(['Project Review: ok', 'review the project', 'the project review is at 3'])
    expect(await bodies(me, 'project review ok')).toEqual(['Project Review: ok'])
    expect(await bodies(me, 'review 3')).toEqual(['the project review is at 3'])
    expect(await bodies(me, '  project   review  ')).toEqual(['Project Review: ok', 'review the project', 'the project review is at 3'])
  })

  test('nothing typed is syntax: FTS5 operators, quotes and LIKE wildcards are text', async () => {
    const texts = [
      'say "hello" now',
      'NEAR(a b) and c OR d',
      'star* power',
      'x^2 + (y:z)',
      '100% done',
      'snake_case name',
      'back\\slash',
      'NOT this',
      'plain hello text',
      // Decoys: what the wildcards would match if they were not text.
      'snakeXcase decoy',
      '1000 items decoy',
    ]
    const { me } = await corpus(...texts)
    expect(await bodies(me, '"hello"')).toEqual(['say "hello" now'])
    expect(await bodies(me, 'NEAR(a')).toEqual(['NEAR(a b) and c OR d'])
    expect(await bodies(me, 'OR')).toEqual(['NEAR(a b) and c OR d'])
    expect(await bodies(me, 'star*')).toEqual(['star* power'])
    expect(await bodies(me, 'x^2')).toEqual(['x^2 + (y:z)'])
    expect(await bodies(me, '(y:z)')).toEqual(['x^2 + (y:z)'])
    expect(await bodies(me, '%')).toEqual(['100% done'])
    expect(await bodies(me, '0%')).toEqual(['100% done'])
    expect(await bodies(me, '_')).toEqual(['snake_case name'])
    expect(await bodies(me, 'e_c')).toEqual(['snake_case name'])
    expect(await bodies(me, 'snake_case')).toEqual(['snake_case name'])
    expect(await bodies(me, '100%')).toEqual(['100% done'])
    expect(await bodies(me, 'k\\s')).toEqual(['back\\slash'])
    expect(await bodies(me, '\\')).toEqual(['back\\slash'])
    expect(await bodies(me, 'NOT')).toEqual(['NOT this'])
    expect(await bodies(me, '"')).toEqual(['say "hello" now'])
    expect(await bodies(me, '*')).toEqual(['star* power'])
  })

  test('an edit matches its new text only; a deleted message and system messages never match', async () => {
    const [me, other] = [await user(), await user()]
    const conversation = await group([me, other])
    const [edited, deleted] = await send(conversation, me, 'original wording', 'secret plans 周末')
    await send(conversation, me, 'unrelated')
    await store.editMessage({ conversationId: conversation.id, messageId: edited!.id, userId: me.id, body: 'revised text', mentions: [], now: ++clock })
    await store.deleteMessage({ conversationId: conversation.id, messageId: deleted!.id, userId: me.id, now: ++clock })
    // A system message (body '') records the rename.
    await store.renameConversation({ conversationId: conversation.id, actorId: me.id, title: 'secret plans', now: ++clock })
    expect(await bodies(me, 'original')).toEqual([])
    expect(await bodies(me, 'wording')).toEqual([])
    expect(await bodies(me, 'revised')).toEqual(['revised text'])
    expect(await bodies(me, 'secret')).toEqual([])
    expect(await bodies(me, '周末')).toEqual([])
    expect(await bodies(me, 's')).toEqual(['revised text'])
    const [hit] = (await search(me, 'revised')).hits
    expect(hit?.message).toMatchObject({ id: edited!.id, body: 'revised text', editedAt: expect.any(Number) })
  })

  test('only the caller’s conversations; a member removed or gone sees none of it any more', async () => {
    const [me, other, third] = [await user(), await user(), await user()]
    const mine = await group([me, other])
    const theirs = await group([other, third])
    const direct = (await store.createConversation({ kind: 'direct', title: null, memberIds: [other.id, third.id], createdBy: other.id, now: 1 }))
      .conversation
    await send(mine, other, 'lunch in mine')
    await send(theirs, other, 'lunch in theirs', '好 in theirs')
    await send(direct, third, 'lunch in direct')
    expect(await bodies(me, 'lunch')).toEqual(['lunch in mine'])
    expect(await bodies(me, '好')).toEqual([])
    expect(await bodies(third, 'lunch')).toEqual(['lunch in direct', 'lunch in theirs'])
    // conversationId narrows; one the caller is not in gives nothing even if asked.
    expect(await bodies(me, 'lunch', theirs.id)).toEqual([])
    expect(await bodies(me, 'in', theirs.id)).toEqual([])
    expect(await bodies(third, 'lunch', theirs.id)).toEqual(['lunch in theirs'])
    // `me` created `mine` (its owner) and removes `other`; then `other` no longer finds anything there.
    await send(mine, me, 'in mine after')
    await store.removeMember({ conversationId: mine.id, actorId: me.id, userId: other.id, now: ++clock })
    expect(await bodies(other, 'lunch')).toEqual(['lunch in direct', 'lunch in theirs'])
    expect(await bodies(other, 'mine')).toEqual([])
    expect(await bodies(other, 'in', mine.id)).toEqual([])
    // And `me` leaving: the same for them.
    await store.removeMember({ conversationId: mine.id, actorId: me.id, userId: me.id, now: ++clock })
    expect(await bodies(me, 'lunch')).toEqual([])
    expect(await bodies(me, 'lunch', mine.id)).toEqual([])
    expect(await bodies(me, 'in')).toEqual([])
  })

  test('the hit is the message as the message list gives it', async () => {
    const [me, other] = [await user(), await user()]
    const conversation = await group([me, other])
    const [original] = await send(conversation, other, 'first words')
    const reply = (
      await store.appendMessage({ conversationId: conversation.id, senderId: me.id, clientId: 'r1', body: 'an answer', now: ++clock, replyToId: original!.id })
    ).message
    await store.setReaction({ conversationId: conversation.id, messageId: reply.id, userId: other.id, emoji: '👍', present: true })
    const listed = (await store.messages(conversation.id, { after: 0, limit: 10 })).messages.find((m) => m.id === reply.id)
    const [hit] = (await search(me, 'answer')).hits
    expect(hit?.message).toEqual(listed)
  })

  test('pages: newest first, no hit repeated or skipped, hasMore until the last', async () => {
    const [me, other] = [await user(), await user()]
    const a = await group([me, other])
    const b = await group([me])
    const expected: string[] = []
    for (let i = 0; i < 23; i++) {
      const body = `match number ${i} 好`
      await send(i % 3 === 0 ? b : a, i % 2 === 0 ? me : other, body)
      expected.unshift(body)
      if (i % 4 === 0) await send(a, other, `filler ${i}`)
    }
    for (const query of ['match', '好']) {
      const seen: string[] = []
      let before: SearchPosition | undefined
      let pages = 0
      for (;;) {
        const page = await search(me, query, { limit: 5, ...(before ? { before } : {}) })
        pages++
        seen.push(...page.hits.map((hit) => hit.message.body))
        if (!page.hasMore) break
        // A cursor that did not move on would page for ever.
        expect(pages).toBeLessThan(10)
        expect(page.hits).toHaveLength(5)
        before = page.hits.at(-1)!.position
      }
      expect(seen).toEqual(expected)
      expect(pages).toBe(5)
    }
    // Exactly a page's worth: no empty page after it.
    const exact = await search(me, 'match', { limit: 23 })
    expect(exact.hits).toHaveLength(23)
    expect(exact.hasMore).toBe(false)
  })

  test('a new message while paging comes before the cursor, never into later pages', async () => {
    const { me, conversation } = await corpus('note 1', 'note 2', 'note 3', 'note 4')
    const first = await search(me, 'note', { limit: 2 })
    expect(first.hits.map((hit) => hit.message.body)).toEqual(['note 4', 'note 3'])
    await send(conversation, me, 'note 5')
    const second = await search(me, 'note', { limit: 2, before: first.hits.at(-1)!.position })
    expect(second.hits.map((hit) => hit.message.body)).toEqual(['note 2', 'note 1'])
    expect(second.hasMore).toBe(false)
  })

  test('hostile terms give an answer, never an error', async () => {
    const { me } = await corpus('ordinary text', '🙂'.repeat(10))
    const queries = ['\u0000', 'a\u0000b', '\ud800', 'x\udc00', '🙂'.repeat(200), '!!!', '...', '\'"`;--', '%%%', '___', '\\\\\\', 'NEAR', '*', '^', ':', '()']
    for (const query of queries) {
      const result = await search(me, query)
      expect(Array.isArray(result.hits), query).toBe(true)
    }
    expect((await search(me, '🙂'.repeat(3))).hits).toHaveLength(1)
    expect((await store.searchMessages({ userId: me.id, terms: [], limit: 10 })).hits).toEqual([])
  })
}

for (const factory of storeFactories) {
  describe.skipIf(factory.name === 'postgres' && postgresMissing !== null)(`${factory.name} store: search`, () => searchContract(factory))
}

describe.each(storeFactories)('accents on $name', (factory) => {
  // Long terms fold accents on both stores (SQLite's trigram index removes diacritics, PostgreSQL searches
  // parley_search_fold(body): migration 0009); short ones keep them on both, as in the desktop cache.
  test.skipIf(factory.name === 'postgres' && postgresMissing !== null)('a long term matches with or without its accents, in either case; a short one with its own', async () => {
    const { store, cleanup } = await factory.open()
    try {
      const me = await store.createUser({ id: newId('u'), username: 'acc', displayName: 'a', passwordHash: 'x', createdAt: 1 })
      const conversation = (await store.createConversation({ kind: 'group', title: 'g', memberIds: [me.id], createdBy: me.id, now: 1 })).conversation
      let now = 2
      for (const body of ['Café crème', 'cafe noir', 'Ærø ferry', 'naïve plan 100%', 'snake_case and more']) {
        await store.appendMessage({ conversationId: conversation.id, senderId: me.id, clientId: newId('m'), body, now: now++ })
      }
      const found = async (query: string) => (await store.searchMessages({ userId: me.id, terms: searchTerms(query), limit: 10 })).hits.map((h) => h.message.body)
      expect(await found('cafe')).toEqual(['cafe noir', 'Café crème'])
      expect(await found('CAFÉ')).toEqual(['cafe noir', 'Café crème'])
      expect(await found('creme')).toEqual(['Café crème'])
      expect(await found('NAIVE')).toEqual(['naïve plan 100%'])
      // LIKE's own characters stay literal after folding.
      expect(await found('100%')).toEqual(['naïve plan 100%'])
      expect(await found('e_c')).toEqual(['snake_case and more'])
      expect(await found('a%n')).toEqual([])
      expect(await found('ïv')).toEqual(['naïve plan 100%'])
      expect(await found('ÏV')).toEqual(['naïve plan 100%'])
      expect(await found('iv')).toEqual([])
    } finally {
      await cleanup()
    }
  })
})
