import type { RealtimeServer } from '../realtime/server'
import type { EventSink } from './publisher'

/**
 * The embedded realtime server as a publishing target in this process: the
 * events its HTTP API would deliver, without the HTTP round trip to itself.
 */
export function realtimeSink(realtime: RealtimeServer): EventSink {
  return {
    trigger: async (channels, event, data) => realtime.publish([...new Set(channels)], event, data),
    triggerBatch: async (batch) => batch.forEach((entry) => realtime.publish([entry.channel], entry.name, entry.data)),
    terminateUserConnections: async (userId) => realtime.terminateUserConnections(userId),
  }
}
