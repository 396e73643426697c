/**
 * A stand-in for the shell's updater (UpdaterPort), for the core's update
 * tests and the e2e harness: it records what the core asks of it, and a test
 * plays electron-updater's part by emitting the events.
 */
import type { UpdaterEvent, UpdaterPort } from '../../src/main/core/shell-port'

export class FakeUpdater implements UpdaterPort {
  /** Every feed the core pointed it at, in order. */
  readonly feedUrls: string[] = []
  checks = 0
  installs = 0
  /** What the next `check()` calls do; by default they resolve at once and report nothing. */
  onCheck: () => Promise<void> = async () => undefined
  private readonly listeners = new Set<(event: UpdaterEvent) => void>()

  constructor(public unsupportedReason: string | null = null) {}

  setFeedUrl(url: string): void {
    this.feedUrls.push(url)
  }

  check(): Promise<void> {
    this.checks += 1
    return this.onCheck()
  }

  quitAndInstall(): void {
    this.installs += 1
  }

  on(listener: (event: UpdaterEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** electron-updater's part: report an event to whoever listens. */
  emit(event: UpdaterEvent): void {
    for (const listener of [...this.listeners]) listener(event)
  }

  get listening(): number {
    return this.listeners.size
  }
}
