import { afterAll, beforeAll, expect, test } from 'vitest'
import { connected, nextEvent, pusherClient, sdkFor, subscribed } from '../helpers/clients'
import { startTestServer, type TestServer } from '../helpers/server'

let server: TestServer
beforeAll(async () => {
  server = await startTestServer()
})
afterAll(async () => {
  await server.stop()
})

test('pusher-js receives an event published with the pusher SDK', async () => {
  const client = pusherClient(server, { userId: 'u1' })
  await connected(client)
  const channel = await subscribed(client, 'private-smoke')
  const received = nextEvent(channel, 'hello')
  await sdkFor(server).trigger('private-smoke', 'hello', { text: 'hi' })
  expect(await received).toEqual({ text: 'hi' })
  client.disconnect()
})
