/**
 * In-process notifications from the realtime server: what the api listens to
 * (presence, sign-ins) and what webhooks are made from. A listener that throws
 * is logged and never disturbs the server or the other listeners.
 */
import type { Logger } from 'pino'

/**
 * Presence and sign-in hooks fire on every node of a cluster; `remote` marks
 * the copies of a transition that happened on another node (webhooks are sent
 * only by the node where it happened). Occupancy fires only where it happened.
 */
export interface HookEvents {
  channelOccupied: { channel: string }
  channelVacated: { channel: string }
  memberAdded: { channel: string; userId: string; userInfo: unknown; remote?: true }
  memberRemoved: { channel: string; userId: string; remote?: true }
  /** First signed-in connection of a user (cluster-wide). */
  userOnline: { userId: string; remote?: true }
  /** Last signed-in connection of a user went away (cluster-wide). */
  userOffline: { userId: string; remote?: true }
  clientEvent: { channel: string; event: string; data: unknown; socketId: string; userId?: string }
}

export type HookName = keyof HookEvents
type Listener<K extends HookName> = (event: HookEvents[K]) => void

export class Hooks {
  private readonly listeners: { [K in HookName]?: Set<Listener<K>> } = {}

  constructor(private readonly log: Logger) {}

  /** Subscribe; returns the function that unsubscribes. */
  on<K extends HookName>(name: K, listener: Listener<K>): () => void {
    let set = this.listeners[name] as Set<Listener<K>> | undefined
    if (set === undefined) {
      set = new Set()
      ;(this.listeners as Record<K, Set<Listener<K>>>)[name] = set
    }
    set.add(listener)
    return () => {
      set.delete(listener)
    }
  }

  emit<K extends HookName>(name: K, event: HookEvents[K]): void {
    const set = this.listeners[name] as Set<Listener<K>> | undefined
    if (set === undefined) return
    for (const listener of set) {
      try {
        listener(event)
      } catch (err) {
        this.log.error({ err, hook: name }, 'realtime hook listener failed')
      }
    }
  }
}
