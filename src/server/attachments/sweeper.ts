/**
 * The attachment sweeper (docs/design.md §4.5): every hour (and once at
 * start) it deletes uploads nobody attached within 24 h — rows first, in a
 * transaction that queues their blobs, then the blobs — retries blob
 * deletes that failed before, and removes temp files a crash left in
 * DATA_DIR/tmp. Several nodes may sweep at once: each row is deleted by one
 * of them, and deleting a blob twice is harmless.
 */
import { readdir, stat, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from 'pino'
import type { Store } from '../store/store'
import type { BlobReaper } from './blob-reaper'

export const UPLOAD_TTL_MS = 24 * 60 * 60 * 1000
export const SWEEP_EVERY_MS = 60 * 60 * 1000
/** Rows per transaction: a long backlog is worked off in short writes. */
const BATCH = 200
/**
 * A temp file untouched this long belongs to no upload in progress (a live
 * one is written to continuously, then cleaned and moved within seconds).
 */
export const STALE_TEMP_MS = 6 * 60 * 60 * 1000

export interface SweepResult {
  /** Blob keys of expired uploads deleted. */
  expired: number
  /** Queued blob deletes retried (and succeeded). */
  retried: number
}

export class AttachmentSweeper {
  private timer: NodeJS.Timeout | null = null
  private running: Promise<SweepResult> | null = null

  constructor(
    private readonly options: {
      store: Store
      reaper: BlobReaper
      log: Logger
      /** Injected so tests move time instead of waiting a day. */
      now: () => number
      ttlMs?: number
      everyMs?: number
      /** DATA_DIR/tmp, where uploads are spooled. */
      tmpDir?: string
    },
  ) {}

  start(): void {
    if (this.timer !== null) return
    const run = () => void this.sweep().catch((err: unknown) => this.options.log.warn({ err }, 'attachment sweep failed'))
    setImmediate(run).unref()
    this.timer = setInterval(run, this.options.everyMs ?? SWEEP_EVERY_MS)
    this.timer.unref()
  }

  /** Stop the timer and wait for a sweep in progress. */
  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
    await this.running?.catch(() => undefined)
  }

  /** One sweep; concurrent calls share it. */
  sweep(): Promise<SweepResult> {
    this.running ??= this.sweepOnce().finally(() => {
      this.running = null
    })
    return this.running
  }

  private async sweepOnce(): Promise<SweepResult> {
    const { store, reaper, log } = this.options
    const now = this.options.now()
    const result: SweepResult = { expired: 0, retried: 0 }
    for (;;) {
      const keys = await store.sweepUploads(now - (this.options.ttlMs ?? UPLOAD_TTL_MS), now, BATCH)
      if (keys.length === 0) break
      result.expired += (await reaper.reap(keys)).length
      if (keys.length < BATCH) break
    }
    // Then whatever is still queued and due (failed before, or reserved by an upload that never finished).
    const due = await store.dueBlobDeletions(now, 10 * BATCH)
    result.retried = (await reaper.reap(due)).length
    if (this.options.tmpDir !== undefined) await removeStaleTemps(this.options.tmpDir)
    if (result.expired + result.retried > 0) log.info(result, 'attachments swept')
    return result
  }
}

/** Temp files older than STALE_TEMP_MS by the filesystem's own clock (mtimes are real time, whatever the injected one). */
async function removeStaleTemps(tmpDir: string): Promise<void> {
  const names = await readdir(tmpDir).catch(() => [] as string[])
  const cutoff = Date.now() - STALE_TEMP_MS
  for (const name of names) {
    const path = join(tmpDir, name)
    const info = await stat(path).catch(() => null)
    if (info !== null && info.isFile() && info.mtimeMs < cutoff) await unlink(path).catch(() => undefined)
  }
}
