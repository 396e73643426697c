/**
 * A typed event emitter: `Events` maps each event name to its payload. `on`
 * returns the unsubscriber; `emit` calls the listeners in the order they
 * subscribed, synchronously, before it returns.
 *
 * A listener that throws: with `onListenerError`, it is reported there and
 * the other listeners still run (the core's push events: one window's bad
 * listener must not silence the rest); without it, the error propagates to
 * whoever emitted, as a direct call would (an account's parts, whose callers
 * retry or fail on it).
 */
export type Listener<T> = (payload: T) => void

export class EventHub<Events extends object> {
  private readonly listeners = new Map<keyof Events, Set<Listener<never>>>()

  constructor(private readonly onListenerError?: (err: unknown, event: keyof Events) => void) {}

  on<E extends keyof Events>(event: E, listener: Listener<Events[E]>): () => void {
    let set = this.listeners.get(event)
    if (set === undefined) {
      set = new Set()
      this.listeners.set(event, set)
    }
    set.add(listener)
    return () => set.delete(listener)
  }

  emit<E extends keyof Events>(event: E, payload: Events[E]): void {
    for (const listener of this.listeners.get(event) ?? []) {
      if (this.onListenerError === undefined) {
        ;(listener as Listener<Events[E]>)(payload)
        continue
      }
      try {
        ;(listener as Listener<Events[E]>)(payload)
      } catch (err) {
        this.onListenerError(err, event)
      }
    }
  }

  /** Forget every listener. */
  clear(): void {
    this.listeners.clear()
  }
}
