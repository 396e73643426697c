/**
 * Who is online, as seen from my presence channels: a user is online while
 * they are a member of any conversation channel I am subscribed to. When the
 * connection drops nobody is known to be online any more — better grey than
 * stale green.
 */
import type { PresenceChange } from './link'

export class PresenceBook {
  private readonly members = new Map<string, Set<string>>()
  /** When we saw each user leave (newer than what the server last told us). */
  private readonly leftAt = new Map<string, number>()

  constructor(private readonly now: () => number) {}

  isOnline(userId: string): boolean {
    for (const set of this.members.values()) if (set.has(userId)) return true
    return false
  }

  lastSeen(userId: string): number | undefined {
    return this.leftAt.get(userId)
  }

  /** Apply a change; returns the users whose online state flipped. */
  apply(conversationId: string, change: PresenceChange): string[] {
    const before = new Set(this.onlineUsers())
    let set = this.members.get(conversationId)
    if (set === undefined) {
      set = new Set()
      this.members.set(conversationId, set)
    }
    if (change.type === 'snapshot') {
      set.clear()
      change.userIds.forEach((id) => set.add(id))
    } else if (change.type === 'added') set.add(change.userId)
    else set.delete(change.userId)
    return this.flipped(before)
  }

  /** Everyone goes offline (our connection is gone); returns who flipped. */
  clear(): string[] {
    const before = new Set(this.onlineUsers())
    this.members.clear()
    return this.flipped(before)
  }

  private onlineUsers(): string[] {
    const all = new Set<string>()
    for (const set of this.members.values()) set.forEach((id) => all.add(id))
    return [...all]
  }

  private flipped(before: Set<string>): string[] {
    const after = new Set(this.onlineUsers())
    const changed: string[] = []
    for (const id of before) {
      if (!after.has(id)) {
        changed.push(id)
        this.leftAt.set(id, this.now())
      }
    }
    for (const id of after) if (!before.has(id)) changed.push(id)
    return changed
  }
}
