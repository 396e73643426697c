/**
 * rev under concurrency and in realtime (issue 17, docs/design.md §4.4 and
 * §5), on a real server with its SQLite store and real pusher-js clients:
 * - five members make 40 mixed changes each at once (sends, replies, edits,
 *   deletes, reactions added and removed): every change got a rev of its own,
 *   the revs the events carried are exactly 1..lastRev (replies whose preview
 *   changed included), and changedAfter=0 in small pages returns every
 *   message once, in ascending rev, equal to what the seq pages return;
 * - another member's pusher-js client receives message.updated for an edit, a
 *   reaction and a delete, message.created carries rev, and an update over
 *   10 KB comes without its body, and one still over as a bare notice.
 * PostgreSQL runs the same concurrency at the store level (store.test.ts) and
 * across two nodes (test/integration/postgres.test.ts).
 */
import type PusherClient from 'pusher-js'
import type { Channel } from 'pusher-js'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Message } from '../../../src/shared/api'
import { userChannel, type MessageCreatedEvent, type MessageUpdatedEvent } from '../../../src/shared/channels'
import { nextEvent, subscribed } from '../../helpers/clients'
import { newUser, type MessengerUser } from '../../helpers/messenger'
import { Rest, sleep, type Account } from '../../helpers/rest'
import { startTestServer, type TestServer } from '../../helpers/server'
import { intBetween, pick as pickOne, seededRandom } from '../../kit/random'

let server: TestServer
let rest: Rest
const clients: PusherClient[] = []

beforeAll(async () => {
  server = await startTestServer({ AUTH_RATE_LIMIT: '100000', SEND_RATE_LIMIT: '100000', CHANGE_RATE_LIMIT: '100000' })
  rest = new Rest(server.url)
})
afterAll(async () => {
  clients.forEach((client) => client.disconnect())
  await server.stop()
})

const accountOf = (user: MessengerUser): Account => ({ token: user.token, user: user.user, username: user.user.username })

async function inboxOf(user: MessengerUser): Promise<Channel> {
  const client = await user.connect()
  clients.push(client)
  return subscribed(client, userChannel(user.user.id))
}

describe('rev under concurrent changes', () => {
  test('5 members × 40 mixed changes at once: one rev per change, events cover 1..lastRev, changedAfter pages are complete', async () => {
    const people = await Promise.all(Array.from({ length: 5 }, (_, i) => newUser(server.url, `rv${i}`)))
    const accounts = people.map(accountOf)
    const [owner, ...others] = accounts as [Account, ...Account[]]
    const conv = await rest.conversation(owner, others, 'Busy')
    const inbox = await inboxOf(people[0] as MessengerUser)
    const eventRevs: number[] = []
    inbox.bind('message.created', (event: MessageCreatedEvent) => eventRevs.push(event.message.rev))
    inbox.bind('message.updated', (event: MessageUpdatedEvent) => eventRevs.push(event.message.rev))

    const emoji = ['👍', '❤️', '😂', '🎉', '👀']
    /** Every message id sent so far, by anyone (replies and reactions pick from these). */
    const everyone: string[] = []
    const changeRevs: number[] = []
    const statuses = new Map<string, number>()
    const count = (key: string) => statuses.set(key, (statuses.get(key) ?? 0) + 1)

    async function member(account: Account, seed: number): Promise<void> {
      const random = seededRandom(seed)
      const pick = <T,>(list: readonly T[]): T | undefined => (list.length === 0 ? undefined : pickOne(random, list))
      const mine: string[] = []
      const deleted = new Set<string>()
      /** `${messageId} ${emoji}` I reacted with (as I know it; a delete by the sender takes them away). */
      const reacted = new Set<string>()
      for (let op = 0; op < 40; op++) {
        const roll = intBetween(random, 0, 99)
        const live = mine.filter((id) => !deleted.has(id))
        if (roll < 25 || everyone.length < 3) {
          const replyTo = roll % 3 === 0 ? pick(everyone) : undefined
          const reply = replyTo
            ? await rest.reply(account, conv.id, `reply ${op}`, replyTo)
            : await rest.post<Message>(`/api/conversations/${conv.id}/messages`, account.token, {
                clientId: `rv-${seed}-${op}`,
                body: `message ${op} of ${seed}`,
              })
          count(`send ${reply.status}`)
          // A reply to a message deleted meanwhile is refused (409); nothing else may fail.
          expect([201, ...(replyTo ? [409] : [])], reply.text).toContain(reply.status)
          if (reply.status === 201) {
            changeRevs.push(reply.json.rev)
            mine.push(reply.json.id)
            everyone.push(reply.json.id)
          }
        } else if (roll < 45 && live.length > 0) {
          const id = pick(live) as string
          const edited = await rest.edit(account, conv.id, id, `edit ${op} by ${seed}`)
          count(`edit ${edited.status}`)
          expect(edited.status, edited.text).toBe(200)
          changeRevs.push(edited.json.rev)
        } else if (roll < 55 && live.length > 0) {
          const id = pick(live) as string
          const gone = await rest.deleteMessage(account, conv.id, id)
          count(`delete ${gone.status}`)
          expect(gone.status, gone.text).toBe(200)
          deleted.add(id)
          changeRevs.push(gone.json.rev)
        } else {
          const id = pick(everyone) as string
          const e = pick(emoji) as string
          const had = reacted.has(`${id} ${e}`)
          const reply = await rest.react(account, conv.id, id, e, !had)
          count(`react ${reply.status}`)
          // 409: its sender deleted it meanwhile (with every reaction on it).
          expect([200, 409], reply.text).toContain(reply.status)
          if (reply.status === 200) {
            changeRevs.push(reply.json.rev)
            if (had) reacted.delete(`${id} ${e}`)
            else reacted.add(`${id} ${e}`)
          } else {
            reacted.delete(`${id} ${e}`)
          }
        }
      }
    }

    await Promise.all(accounts.map((account, i) => member(account, 1000 + i)))

    const lastRev = (await rest.conversationById(owner, conv.id)).lastRev
    // The mix reached every kind of change (around 45 sends, 25 edits, 20 deletes, 65 reactions).
    for (const kind of ['send 201', 'edit 200', 'delete 200', 'react 200']) expect(statuses.get(kind), kind).toBeGreaterThan(10)
    // Every successful change has a rev of its own…
    expect(new Set(changeRevs).size).toBe(changeRevs.length)
    expect(changeRevs.length).toBeGreaterThan(100)
    expect(Math.max(...changeRevs)).toBeLessThanOrEqual(lastRev)
    // …and with the replies whose preview changed, the events carried each rev 1..lastRev exactly once.
    const deadline = Date.now() + 5_000
    while (eventRevs.length < lastRev && Date.now() < deadline) await sleep(20)
    expect([...eventRevs].sort((x, y) => x - y)).toEqual(Array.from({ length: lastRev }, (_, i) => i + 1))
    for (const rev of changeRevs) expect(eventRevs).toContain(rev)

    // changedAfter=0 in pages of 7: strictly ascending (checked by the helper), each message once, as the seq pages show it.
    const changes = await rest.changedAfter(owner, conv.id, 0, 7)
    const bySeq = await rest.allMessages(owner, conv.id)
    expect(changes.messages).toHaveLength(bySeq.length)
    expect(new Set(changes.messages.map((m) => m.id)).size).toBe(bySeq.length)
    expect([...changes.messages].sort((x, y) => x.seq - y.seq)).toEqual(bySeq)
    expect(changes.messages.at(-1)?.rev).toBe(lastRev)
    // From the middle: exactly the messages whose latest change came later.
    const middle = Math.floor(lastRev / 2)
    const later = await rest.changedAfter(owner, conv.id, middle, 5)
    expect(later.messages).toEqual(changes.messages.filter((m) => m.rev > middle))
  }, 60_000)
})

describe('realtime: message.updated', () => {
  test("another member's pusher-js client receives the edit, the reaction and the delete; message.created carries rev", async () => {
    const alice = await newUser(server.url, 'alice')
    const bob = await newUser(server.url, 'bob')
    const conv = await rest.conversation(accountOf(alice), [accountOf(bob)])
    const inbox = await inboxOf(bob)
    const a = accountOf(alice)

    const created = nextEvent<MessageCreatedEvent>(inbox, 'message.created')
    const sent = await rest.send(a, conv.id, 'typo')
    expect((await created).message).toEqual(sent)
    expect(sent.rev).toBe(1)

    let updated = nextEvent<MessageUpdatedEvent>(inbox, 'message.updated')
    const edited = await rest.edit(a, conv.id, sent.id, 'fixed')
    expect((await updated).message).toEqual(edited.json)
    expect(edited.json.rev).toBe(2)

    updated = nextEvent<MessageUpdatedEvent>(inbox, 'message.updated')
    const reacted = await rest.react(a, conv.id, sent.id, '🙌')
    expect((await updated).message).toEqual(reacted.json)

    updated = nextEvent<MessageUpdatedEvent>(inbox, 'message.updated')
    const deleted = await rest.deleteMessage(a, conv.id, sent.id)
    expect((await updated).message).toEqual(deleted.json)
    expect(deleted.json).toMatchObject({ rev: 4, body: '', reactions: [] })

    // Nothing changed, nothing sent: the next event bob gets is the one after.
    const next = nextEvent<MessageCreatedEvent | MessageUpdatedEvent>(inbox, 'message.updated', 1_000).catch(() => null)
    expect((await rest.deleteMessage(a, conv.id, sent.id)).status).toBe(200)
    expect(await next).toBeNull()
  })

  test('an edit whose event would exceed 10 KB arrives without its body; the message has it', async () => {
    const alice = await newUser(server.url, 'alice')
    const bob = await newUser(server.url, 'bob')
    const conv = await rest.conversation(accountOf(alice), [accountOf(bob)])
    const inbox = await inboxOf(bob)
    const sent = await rest.send(accountOf(alice), conv.id, 'short')
    const updated = nextEvent<MessageUpdatedEvent>(inbox, 'message.updated')
    const big = '界'.repeat(4_000)
    const edited = await rest.edit(accountOf(alice), conv.id, sent.id, big)
    expect(edited.json.body).toBe(big)
    const event = (await updated).message
    expect(event.body).toBeUndefined()
    const { body: _body, ...rest_ } = edited.json
    expect(event).toEqual(rest_)
  })

  test('a reaction whose event would exceed 10 KB even without the body arrives as a bare notice to fetch the message', async () => {
    const owner = await newUser(server.url, 'owner')
    const people = await Promise.all(Array.from({ length: 30 }, (_, i) => newUser(server.url, `rx${i}`)))
    const conv = await rest.conversation(accountOf(owner), people.map(accountOf), 'reactions')
    const sent = await rest.send(accountOf(owner), conv.id, 'react to me')
    const emoji = ['👍', '🎉', '😂', '❤️', '🔥', '👀', '🙏', '💯', '✅', '🚀', '😮', '😢', '👏', '🤔', '🙌', '💡', '⭐', '🍕', '☕', '🎈']
    // 30 people × 20 emoji: the reactions alone are about 17 KB of JSON.
    for (const person of people.slice(0, -1)) {
      await Promise.all(emoji.map((e) => rest.react(accountOf(person), conv.id, sent.id, e)))
    }
    const last = people.at(-1) as MessengerUser
    await Promise.all(emoji.slice(1).map((e) => rest.react(accountOf(last), conv.id, sent.id, e)))
    const inbox = await inboxOf(owner)
    const updated = nextEvent<MessageUpdatedEvent>(inbox, 'message.updated')
    const reacted = await rest.react(accountOf(last), conv.id, sent.id, emoji[0] as string)
    expect(reacted.status).toBe(200)
    expect(Buffer.byteLength(JSON.stringify(reacted.json))).toBeGreaterThan(10 * 1024)
    const event = (await updated).message
    expect(event).toMatchObject({ id: sent.id, rev: reacted.json.rev, reactions: [], mentions: [], replyTo: null })
    expect(event.body).toBeUndefined()
    expect(Buffer.byteLength(JSON.stringify({ message: event }))).toBeLessThan(10 * 1024)
  }, 60_000)
})
