/** Our signatures must be exactly the ones the official `pusher` SDK produces. */
import Pusher from 'pusher'
import { expect, test } from 'vitest'
import { channelAuth, userAuth, verifyChannelAuth, webhookSignature } from './signature'

const app = { id: '1', key: 'the-key', secret: 'the-secret-value' }
const sdk = new Pusher({ appId: app.id, key: app.key, secret: app.secret, host: '127.0.0.1' })

test('private and presence channel auth match the SDK', () => {
  expect(channelAuth(app, '123.456', 'private-a')).toBe(sdk.authorizeChannel('123.456', 'private-a').auth)
  const presence = sdk.authorizeChannel('1.2', 'presence-b', { user_id: 'u', user_info: { name: 'U' } })
  expect(channelAuth(app, '1.2', 'presence-b', presence.channel_data)).toBe(presence.auth)
  expect(verifyChannelAuth(app, presence.auth, '1.2', 'presence-b', presence.channel_data)).toBe(true)
  expect(verifyChannelAuth(app, presence.auth, '1.3', 'presence-b', presence.channel_data)).toBe(false)
  expect(verifyChannelAuth(app, undefined, '1.2', 'presence-b')).toBe(false)
})

test('user sign-in auth matches the SDK', () => {
  const signed = sdk.authenticateUser('9.9', { id: 'u1', watchlist: ['u2'] })
  expect(userAuth(app, '9.9', signed.user_data)).toBe(signed.auth)
})

test('webhook signatures are the ones the SDK verifies', () => {
  const body = JSON.stringify({ time_ms: 1, events: [{ name: 'channel_occupied', channel: 'c' }] })
  const webhook = sdk.webhook({
    headers: { 'content-type': 'application/json', 'x-pusher-key': app.key, 'x-pusher-signature': webhookSignature(app.secret, body) },
    rawBody: body,
  })
  expect(webhook.isValid()).toBe(true)
  expect(webhook.getEvents()).toEqual([{ name: 'channel_occupied', channel: 'c' }])
})
