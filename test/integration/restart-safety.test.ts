/**
 * Crash safety of the real server process: SIGKILL it while sends are in
 * flight; after a restart every acknowledged message is there, seqs are
 * gapless, and numbering continues where it stopped.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, test } from 'vitest'
import type { Message, MessagePage } from '../../src/shared/api'
import { directConversation, newUser, type MessengerUser } from '../helpers/messenger'
import { spawnServer, type ServerProcess } from '../kit/server-process'
import { freePort } from '../kit/ports'

const dataDir = mkdtempSync(join(tmpdir(), 'parley-crash-'))
let current: ServerProcess | null = null
afterAll(() => {
  current?.child.kill('SIGKILL')
  rmSync(dataDir, { recursive: true, force: true })
})

async function allMessages(user: MessengerUser, conversationId: string): Promise<Message[]> {
  const messages: Message[] = []
  for (;;) {
    const after = messages.at(-1)?.seq ?? 0
    const page = await user.call<MessagePage>('GET', `/api/conversations/${conversationId}/messages?after=${after}&limit=200`)
    messages.push(...page.body.messages)
    if (!page.body.hasMore) return messages
  }
}

test('SIGKILL between and during sends loses no acknowledged message and leaves no seq gap', async () => {
  const port = await freePort()
  const env = { DATA_DIR: dataDir, PORT: String(port), SEND_RATE_LIMIT: '100000' }
  current = await spawnServer(env)
  const alice = await newUser(current.url, 'alice')
  const bob = await newUser(current.url, 'bob')
  const conversation = await directConversation(alice, bob)
  const acknowledged = new Map<string, Message>()

  for (let round = 0; round < 3; round++) {
    let stop = false
    const senders = [alice, bob, alice, bob].map(async (user, lane) => {
      for (let i = 0; !stop; i++) {
        try {
          const message = await user.send(conversation.id, `round ${round} lane ${lane} #${i}`)
          acknowledged.set(message.id, message)
        } catch {
          return // the server is gone: this send was never acknowledged
        }
      }
    })
    await new Promise((resolve) => setTimeout(resolve, 300 + round * 150))
    current.child.kill('SIGKILL')
    await current.exited
    stop = true
    await Promise.all(senders)

    current = await spawnServer(env)
    const stored = await allMessages(alice, conversation.id)
    const seqs = stored.map((message) => message.seq)
    expect(seqs).toEqual(Array.from({ length: stored.length }, (_, i) => i + 1))
    const byId = new Map(stored.map((message) => [message.id, message]))
    for (const message of acknowledged.values()) expect(byId.get(message.id)).toEqual(message)

    const next = await bob.send(conversation.id, `after restart ${round}`)
    expect(next.seq).toBe(stored.length + 1)
    acknowledged.set(next.id, next)
  }
  expect(acknowledged.size).toBeGreaterThan(30)
}, 60_000)
