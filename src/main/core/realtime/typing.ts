/**
 * Typing indicators over `client-typing` on a conversation's presence channel.
 * Outgoing: `typing: true` at most every 3 s while the user types, `false`
 * after 3 s without a keystroke or when the message is sent. Incoming: a
 * typist is shown until they say they stopped, send a message, or 6 s pass
 * without a renewal.
 */
export interface TypingDeps {
  send(conversationId: string, typing: boolean): void
  onChange(conversationId: string, userIds: string[]): void
  throttleMs: number
  idleMs: number
  expiryMs: number
  now(): number
}

export class Typing {
  private readonly outgoing = new Map<string, { lastSentAt: number; idle: NodeJS.Timeout }>()
  private readonly incoming = new Map<string, Map<string, NodeJS.Timeout>>()

  constructor(private readonly deps: TypingDeps) {}

  /** The local user typed (true) or cleared/sent (false). */
  setTyping(conversationId: string, typing: boolean): void {
    const state = this.outgoing.get(conversationId)
    if (!typing) {
      if (state === undefined) return
      clearTimeout(state.idle)
      this.outgoing.delete(conversationId)
      this.deps.send(conversationId, false)
      return
    }
    const now = this.deps.now()
    const idle = setTimeout(() => this.setTyping(conversationId, false), this.deps.idleMs)
    if (state === undefined) {
      this.outgoing.set(conversationId, { lastSentAt: now, idle })
      this.deps.send(conversationId, true)
      return
    }
    clearTimeout(state.idle)
    state.idle = idle
    if (now - state.lastSentAt >= this.deps.throttleMs) {
      state.lastSentAt = now
      this.deps.send(conversationId, true)
    }
  }

  /** Someone else's `client-typing`. */
  received(conversationId: string, userId: string, typing: boolean): void {
    let typists = this.incoming.get(conversationId)
    if (typists === undefined) {
      typists = new Map()
      this.incoming.set(conversationId, typists)
    }
    const previous = typists.get(userId)
    if (previous !== undefined) clearTimeout(previous)
    if (typing) {
      typists.set(
        userId,
        setTimeout(() => this.received(conversationId, userId, false), this.deps.expiryMs),
      )
    } else {
      typists.delete(userId)
    }
    if (previous === undefined && !typing) return
    if (previous !== undefined && typing) return
    this.deps.onChange(conversationId, [...typists.keys()])
  }

  typists(conversationId: string): string[] {
    return [...(this.incoming.get(conversationId)?.keys() ?? [])]
  }

  /** Forget every incoming typist (the connection dropped). */
  clearIncoming(): void {
    for (const [conversationId, typists] of this.incoming) {
      if (typists.size === 0) continue
      typists.forEach((timer) => clearTimeout(timer))
      typists.clear()
      this.deps.onChange(conversationId, [])
    }
  }

  /** Nothing more of this conversation (I left it): my typing stops unsaid, its typists go. */
  forget(conversationId: string): void {
    const state = this.outgoing.get(conversationId)
    if (state !== undefined) clearTimeout(state.idle)
    this.outgoing.delete(conversationId)
    const typists = this.incoming.get(conversationId)
    this.incoming.delete(conversationId)
    if (typists === undefined || typists.size === 0) return
    typists.forEach((timer) => clearTimeout(timer))
    this.deps.onChange(conversationId, [])
  }

  dispose(): void {
    this.outgoing.forEach((state) => clearTimeout(state.idle))
    this.outgoing.clear()
    this.incoming.forEach((typists) => typists.forEach((timer) => clearTimeout(timer)))
    this.incoming.clear()
  }
}
