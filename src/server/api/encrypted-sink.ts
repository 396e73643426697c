/**
 * The `pusher` SDK as an EventSink, fit for encrypted per-user channels
 * (`private-encrypted-user-*`, PUSHER_ENCRYPTION_MASTER_KEY):
 *
 * - The SDK encrypts an event for one channel at a time — each channel has
 *   its own key, derived from the master key and its name — and refuses a
 *   trigger to several channels when any is encrypted. A group's event goes
 *   to every member's channel, so such a trigger becomes `batch_events` calls
 *   of single-channel entries (the SDK encrypts each), ten at a time, in order.
 * - The SDK encrypts `JSON.stringify(data)`, and pusher-js parses once what it
 *   decrypts: the event's JSON must go in as the value it encodes, or clients
 *   would get a string instead of the event.
 *
 * Without encrypted channels every call passes through unchanged.
 */
import type Pusher from 'pusher'
import type { EventSink } from './publisher'

/** Pusher accepts at most 10 events per batch. */
const MAX_BATCH = 10

const isEncrypted = (channel: string): boolean => channel.startsWith('private-encrypted-')

/** What the SDK should be given as an event's data on `channel`. */
const dataFor = (channel: string, data: string): unknown => (isEncrypted(channel) ? JSON.parse(data) : data)

export function encryptingSink(sdk: Pusher): EventSink {
  return {
    async trigger(channels, event, data) {
      const [only] = channels
      if (channels.length === 1 && only !== undefined) return sdk.trigger(only, event, dataFor(only, data))
      if (!channels.some(isEncrypted)) return sdk.trigger(channels, event, data)
      for (let i = 0; i < channels.length; i += MAX_BATCH) {
        await sdk.triggerBatch(channels.slice(i, i + MAX_BATCH).map((channel) => ({ channel, name: event, data: dataFor(channel, data) })))
      }
      return undefined
    },
    triggerBatch: (batch) => sdk.triggerBatch(batch.map((entry) => ({ ...entry, data: dataFor(entry.channel, entry.data) }))),
    terminateUserConnections: (userId) => sdk.terminateUserConnections(userId),
  }
}
