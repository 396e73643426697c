/**
 * The server on PostgreSQL (DATABASE_URL): two server processes share one
 * database; 100 concurrent sends spread over both nodes into one conversation
 * get seq 1..100 with no gap and no duplicate, and either node serves what the
 * other stored; edits, deletes and reactions from both nodes at once get
 * revs with no gap, and a deleted message's text, reactions and mentions are
 * gone from the database. Skips with a message when PostgreSQL is not
 * reachable (fails under CI=true).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Conversation, ConversationPage, Message, MessagePage } from '../../src/shared/api'
import { callApi, directConversation, listConversations, newUser } from '../helpers/messenger'
import { spawnServer, type ServerProcess } from '../kit/server-process'
import { postgresUrl, requirePostgres } from '../kit/services'

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T | null> {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 2_000 })
  try {
    await client.connect()
    return await fn(client)
  } catch {
    return null
  } finally {
    await client.end().catch(() => undefined)
  }
}

const missing = await requirePostgres('postgres.test')

describe.skipIf(missing !== null)('server on PostgreSQL', () => {
  const database = `parley_it_${process.pid}_${Date.now().toString(36)}`
  const databaseUrl = new URL(postgresUrl)
  databaseUrl.pathname = `/${database}`
  const dirs: string[] = []
  const nodes: ServerProcess[] = []

  beforeAll(async () => {
    await admin((client) => client.query(`CREATE DATABASE ${database}`))
    const env = {
      DATABASE_URL: databaseUrl.toString(),
      PUSHER_APP_ID: 'pg-app',
      PUSHER_KEY: 'pg-key',
      PUSHER_SECRET: 'pg-secret-value',
      SEND_RATE_LIMIT: '100000',
      AUTH_RATE_LIMIT: '100000',
      CHANGE_RATE_LIMIT: '100000',
    }
    for (let i = 0; i < 2; i++) {
      const dir = mkdtempSync(join(tmpdir(), 'parley-pg-'))
      dirs.push(dir)
      nodes.push(await spawnServer({ ...env, DATA_DIR: dir }))
    }
  }, 60_000)

  afterAll(async () => {
    nodes.forEach((node) => node.child.kill('SIGKILL'))
    await Promise.all(nodes.map((node) => node.exited))
    await admin((client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`))
    dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }))
  })

  test('100 concurrent sends over two nodes into one conversation get seq 1..100', async () => {
    const [a, b] = nodes as [ServerProcess, ServerProcess]
    const alice = await newUser(a.url, 'alice')
    const bob = await newUser(a.url, 'bob')
    const conversation = await directConversation(alice, bob)
    // Bob's token works on node b too: sessions live in the shared database.
    const sends = Array.from({ length: 100 }, (_, i) =>
      callApi(i % 2 === 0 ? a.url : b.url, 'POST', `/api/conversations/${conversation.id}/messages`, {
        token: i % 3 === 0 ? bob.token : alice.token,
        body: { clientId: `pg-${i}`, body: `concurrent ${i}` },
      }),
    )
    const results = await Promise.all(sends)
    expect(results.every((r) => r.status === 201)).toBe(true)
    const page = await callApi<MessagePage>(b.url, 'GET', `/api/conversations/${conversation.id}/messages?after=0&limit=200`, {
      token: bob.token,
    })
    expect(page.body.messages.map((m) => m.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1))
    expect(new Set(page.body.messages.map((m) => m.clientId)).size).toBe(100)
    const view = await callApi<Conversation>(a.url, 'GET', `/api/conversations/${conversation.id}`, { token: alice.token })
    expect(view.body.lastSeq).toBe(100)
  })

  test('the conversation list pages alike on both nodes: a cursor from one continues on the other', async () => {
    const [a, b] = nodes as [ServerProcess, ServerProcess]
    const alice = await newUser(a.url, 'alice')
    const peers = await Promise.all([newUser(b.url, 'peer'), newUser(b.url, 'peer'), newUser(b.url, 'peer')])
    for (const peer of peers) await directConversation(peer, alice)
    for (let i = 0; i < 4; i++) {
      const created = await callApi(i % 2 === 0 ? a.url : b.url, 'POST', '/api/conversations', {
        token: alice.token,
        body: { memberIds: peers.map((peer) => peer.user.id), title: `pg group ${i}` },
      })
      expect(created.status).toBe(201)
    }
    const whole = await listConversations(a.url, alice.token)
    expect(whole).toHaveLength(7)
    const paged: Conversation[] = []
    let requests = 0
    for (let cursor: string | null = null; requests === 0 || cursor !== null; requests++) {
      const page: { status: number; body: ConversationPage } = await callApi<ConversationPage>(
        requests % 2 === 0 ? a.url : b.url,
        'GET',
        `/api/conversations?limit=3${cursor === null ? '' : `&cursor=${cursor}`}`,
        { token: alice.token },
      )
      expect(page.status).toBe(200)
      paged.push(...page.body.conversations)
      cursor = page.body.nextCursor
    }
    expect(requests).toBe(3)
    expect(paged).toEqual(whole)
  })

  test('idempotent resend and markers behave the same on PostgreSQL', async () => {
    const [a, b] = nodes as [ServerProcess, ServerProcess]
    const alice = await newUser(a.url, 'alice')
    const bob = await newUser(b.url, 'bob')
    const conversation = await directConversation(alice, bob)
    const first = await alice.send(conversation.id, 'once', 'same-client-id')
    const again = await callApi(b.url, 'POST', `/api/conversations/${conversation.id}/messages`, {
      token: alice.token,
      body: { clientId: 'same-client-id', body: 'once' },
    })
    expect(again.status).toBe(200)
    expect(again.body).toEqual(first)
    const read = await callApi<{ readSeq: number }>(b.url, 'POST', `/api/conversations/${conversation.id}/read`, {
      token: bob.token,
      body: { seq: 99 },
    })
    expect(read.body.readSeq).toBe(1)
    const back = await callApi<{ readSeq: number }>(a.url, 'POST', `/api/conversations/${conversation.id}/read`, {
      token: bob.token,
      body: { seq: 0 },
    })
    expect(back.body.readSeq).toBe(1)
  })

  test('changes from both nodes at once: one rev each, 1..lastRev with no gap; delete leaves no text, reactions or mentions', async () => {
    const [a, b] = nodes as [ServerProcess, ServerProcess]
    const alice = await newUser(a.url, 'alice')
    const bob = await newUser(b.url, 'bob')
    const conversation = await directConversation(alice, bob)
    const sent: Message[] = []
    for (let i = 0; i < 10; i++) sent.push(await alice.send(conversation.id, `pg ${i} @${bob.user.username}`))
    const path = (m: Message) => `/api/conversations/${conversation.id}/messages/${m.id}`
    const calls = Array.from({ length: 60 }, (_, i) => {
      const node = i % 2 === 0 ? a.url : b.url
      const message = sent[i % 10] as Message
      if (i % 3 === 0) return callApi<Message>(node, 'PATCH', path(message), { token: alice.token, body: { body: `edit ${i}` } })
      const emoji = encodeURIComponent(['👍', '🎉', '👀'][i % 3] as string)
      return callApi<Message>(node, i % 4 === 0 ? 'DELETE' : 'PUT', `${path(message)}/reactions/${emoji}`, { token: bob.token })
    })
    const results = await Promise.all(calls)
    expect(results.every((r) => r.status === 200)).toBe(true)
    const view = await callApi<Conversation>(b.url, 'GET', `/api/conversations/${conversation.id}`, { token: bob.token })
    const lastRev = view.body.lastRev
    // Each change answers with its own rev, a repeat with the message's latest: with the sends, exactly 1..lastRev.
    const answered = new Set([...sent, ...results.map((r) => r.body)].map((m) => m.rev))
    expect([...answered].sort((x, y) => x - y)).toEqual(Array.from({ length: lastRev }, (_, i) => i + 1))
    const page = await callApi<MessagePage>(a.url, 'GET', `/api/conversations/${conversation.id}/messages?changedAfter=0&limit=200`, {
      token: alice.token,
    })
    const revs = page.body.messages.map((m) => m.rev)
    expect(revs).toEqual([...new Set(revs)].sort((x, y) => x - y))
    expect(revs.at(-1)).toBe(lastRev)
    expect(page.body.messages).toHaveLength(10)

    const target = sent[1] as Message
    const gone = await callApi<Message>(b.url, 'DELETE', path(target), { token: alice.token })
    expect(gone.status).toBe(200)
    expect(gone.body.rev).toBe(lastRev + 1)
    const db = new pg.Client({ connectionString: databaseUrl.toString() })
    await db.connect()
    const count = async (query: string, ...params: string[]) => (await db.query(query, params)).rows[0].n as number
    let rows
    try {
      rows = {
        message: (await db.query('SELECT body, deleted_at IS NOT NULL AS deleted FROM messages WHERE id = $1', [target.id])).rows[0],
        reactions: await count('SELECT count(*)::int AS n FROM message_reactions WHERE message_id = $1', target.id),
        mentions: await count('SELECT count(*)::int AS n FROM message_mentions WHERE message_id = $1', target.id),
        anyText: await count("SELECT count(*)::int AS n FROM messages WHERE body LIKE 'pg 1 %'"),
      }
    } finally {
      await db.end()
    }
    expect(rows).toEqual({ message: { body: '', deleted: true }, reactions: 0, mentions: 0, anyText: 0 })
  })
})
