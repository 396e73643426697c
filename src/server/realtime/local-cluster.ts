/**
 * The single-process cluster: every count lives in this process, so a local
 * first/last transition is also the cluster-wide one and nobody else needs to
 * hear about it.
 */
import { randomUUID } from 'node:crypto'
import type { Cluster } from './cluster'

export class LocalCluster implements Cluster {
  readonly nodeId = randomUUID()
  private readonly members = new Map<string, Map<string, unknown>>()
  private readonly subscribers = new Map<string, number>()
  private readonly online = new Set<string>()
  /** claimOnce: claimed keys, and the same keys by the second they expire in (to forget them in bulk). */
  private readonly claimed = new Set<string>()
  private readonly claimsBySecond = new Map<number, string[]>()
  private purgedAt = 0

  async start(): Promise<void> {}

  send(): void {}

  async presence(channel: string, userId: string, info: unknown, delta: 1 | -1): Promise<'first' | 'last' | null> {
    let members = this.members.get(channel)
    if (delta === 1) {
      if (members === undefined) {
        members = new Map()
        this.members.set(channel, members)
      }
      const first = !members.has(userId)
      members.set(userId, info)
      return first ? 'first' : null
    }
    if (members === undefined || !members.delete(userId)) return null
    if (members.size === 0) this.members.delete(channel)
    return 'last'
  }

  async presenceMembers(channel: string): Promise<Map<string, unknown>> {
    return new Map(this.members.get(channel))
  }

  async presenceCount(channel: string): Promise<number> {
    return this.members.get(channel)?.size ?? 0
  }

  async hasMember(channel: string, userId: string): Promise<boolean> {
    return this.members.get(channel)?.has(userId) ?? false
  }

  async occupancy(channel: string, delta: 1 | -1, local: number): Promise<'occupied' | 'vacated' | null> {
    this.subscriberCount(channel, local)
    return delta === 1 ? 'occupied' : 'vacated'
  }

  subscriberCount(channel: string, local: number): void {
    if (local > 0) this.subscribers.set(channel, local)
    else this.subscribers.delete(channel)
  }

  async subscriptionCount(channel: string): Promise<number> {
    return this.subscribers.get(channel) ?? 0
  }

  async occupiedChannels(prefix: string): Promise<string[]> {
    return [...this.subscribers.keys()].filter((name) => name.startsWith(prefix))
  }

  async signedIn(userId: string, delta: 1 | -1): Promise<'online' | 'offline' | null> {
    if (delta === 1) {
      if (this.online.has(userId)) return null
      this.online.add(userId)
      return 'online'
    }
    return this.online.delete(userId) ? 'offline' : null
  }

  async onlineUsers(userIds: readonly string[]): Promise<Set<string>> {
    return new Set(userIds.filter((id) => this.online.has(id)))
  }

  async claimOnce(key: string, expiresAt: number): Promise<boolean> {
    const nowSecond = Math.floor(Date.now() / 1000)
    if (nowSecond !== this.purgedAt) {
      this.purgedAt = nowSecond
      for (const [second, keys] of this.claimsBySecond) {
        if (second >= nowSecond) continue
        for (const old of keys) this.claimed.delete(old)
        this.claimsBySecond.delete(second)
      }
    }
    if (this.claimed.has(key)) return false
    this.claimed.add(key)
    const second = Math.floor(expiresAt / 1000)
    const keys = this.claimsBySecond.get(second)
    if (keys) keys.push(key)
    else this.claimsBySecond.set(second, [key])
    return true
  }

  async close(): Promise<void> {}
}
