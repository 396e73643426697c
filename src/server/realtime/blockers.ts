/**
 * Who blocked whom, as far as this node's presence channels need to know
 * (docs/design.md §4.6). Someone who blocked a user is hidden from that user
 * in every presence channel: from the member list of their
 * subscription_succeeded, from member_added/member_removed, and their client
 * events (typing) do not reach them. One-way: the blocker still sees the
 * user they blocked.
 *
 * A user's blockers are read from the store once per node — when they first
 * subscribe to a presence channel here, concurrent subscribes sharing the one
 * read — and kept while they are in a presence channel on this node or a
 * subscribe of theirs is being answered; block and unblock notifications
 * (every node gets them through the cluster) keep them current. Delivery only
 * looks at maps: `hiddenFrom(member)` is undefined unless that member blocked
 * someone with presence on this node, so fan-out from anyone else costs one
 * lookup in a map that is empty while nobody has blocked anybody.
 */

interface Viewer {
  /** Who blocked this user; null until the store has answered. */
  blockers: Set<string> | null
  /** The store read in flight, which every concurrent subscribe waits for. */
  loading: Promise<void> | null
  /** Block changes that arrived during the read: replayed over its answer, in order. */
  changes: { blockerId: string; blocked: boolean }[]
  /** Presence channels the user is a member of on this node. */
  channels: Set<string>
  /** Subscribes of theirs being answered. */
  holds: number
}

export class Blockers {
  /** Users with presence on this node (or a subscribe on the way) → who blocked them. */
  private readonly viewers = new Map<string, Viewer>()
  /** The inverse, for delivery: blocker → the users here they blocked. */
  private readonly hidden = new Map<string, Set<string>>()

  /**
   * Hold `userId`'s blockers for a subscribe being answered, reading them with
   * `load` unless this node already has them. Rejects when the read fails (the
   * subscribe must then be refused, never admitted unfiltered); otherwise the
   * caller calls `release` once the subscribe has been answered.
   */
  async acquire(userId: string, load: (userId: string) => Promise<Iterable<string>>): Promise<void> {
    let viewer = this.viewers.get(userId)
    if (viewer === undefined) {
      viewer = { blockers: null, loading: null, changes: [], channels: new Set(), holds: 0 }
      this.viewers.set(userId, viewer)
      viewer.loading = this.fill(userId, viewer, load)
    }
    viewer.holds++
    // A failed read has taken the viewer out already: the holds go with it.
    if (viewer.blockers === null) await viewer.loading
  }

  private async fill(userId: string, viewer: Viewer, load: (userId: string) => Promise<Iterable<string>>): Promise<void> {
    let loaded: Iterable<string>
    try {
      loaded = await load(userId)
    } catch (err) {
      if (this.viewers.get(userId) === viewer) this.viewers.delete(userId)
      throw err
    }
    viewer.blockers = new Set()
    for (const blockerId of loaded) this.apply(userId, viewer.blockers, blockerId, true)
    for (const change of viewer.changes) this.apply(userId, viewer.blockers, change.blockerId, change.blocked)
    viewer.changes = []
    viewer.loading = null
  }

  /** The subscribe `acquire` was for has been answered. */
  release(userId: string): void {
    const viewer = this.viewers.get(userId)
    if (viewer === undefined) return
    viewer.holds--
    this.forgetIfIdle(userId, viewer)
  }

  /** `userId` became a member of presence channel `channel` on this node (their first socket in it here). */
  entered(userId: string, channel: string): void {
    this.viewers.get(userId)?.channels.add(channel)
  }

  /** `userId`'s last socket in presence channel `channel` on this node left it. */
  left(userId: string, channel: string): void {
    const viewer = this.viewers.get(userId)
    if (viewer === undefined) return
    viewer.channels.delete(channel)
    this.forgetIfIdle(userId, viewer)
  }

  /** Who blocked `viewerId`; undefined when this node does not hold them. */
  blockersOf(viewerId: string): ReadonlySet<string> | undefined {
    return this.viewers.get(viewerId)?.blockers ?? undefined
  }

  /** The users on this node that `memberId` blocked, from whom their presence and client events are withheld. */
  hiddenFrom(memberId: string): ReadonlySet<string> | undefined {
    return this.hidden.get(memberId)
  }

  /**
   * `blockerId` blocked (`blocked`) or unblocked `blockedId`. Returns the
   * presence channels where the blocked user is on this node and must be told
   * at once (member_removed or member_added for the blocker, if present):
   * none when this node does not hold them or nothing changed.
   */
  changed(blockerId: string, blockedId: string, blocked: boolean): readonly string[] {
    const viewer = this.viewers.get(blockedId)
    if (viewer === undefined) return []
    if (viewer.blockers === null) {
      viewer.changes.push({ blockerId, blocked })
      return []
    }
    return this.apply(blockedId, viewer.blockers, blockerId, blocked) ? [...viewer.channels] : []
  }

  /** True when the relation changed. */
  private apply(viewerId: string, blockers: Set<string>, blockerId: string, blocked: boolean): boolean {
    if (blockerId === viewerId || blockers.has(blockerId) === blocked) return false
    if (blocked) {
      blockers.add(blockerId)
      let viewers = this.hidden.get(blockerId)
      if (viewers === undefined) {
        viewers = new Set()
        this.hidden.set(blockerId, viewers)
      }
      viewers.add(viewerId)
    } else {
      blockers.delete(blockerId)
      this.unhide(blockerId, viewerId)
    }
    return true
  }

  private unhide(blockerId: string, viewerId: string): void {
    const viewers = this.hidden.get(blockerId)
    viewers?.delete(viewerId)
    if (viewers?.size === 0) this.hidden.delete(blockerId)
  }

  private forgetIfIdle(userId: string, viewer: Viewer): void {
    if (viewer.holds > 0 || viewer.channels.size > 0 || this.viewers.get(userId) !== viewer) return
    this.viewers.delete(userId)
    for (const blockerId of viewer.blockers ?? []) this.unhide(blockerId, userId)
  }
}
