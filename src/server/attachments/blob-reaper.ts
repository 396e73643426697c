/**
 * Deletes blobs the store has queued (blob_deletions, docs/design.md §4.5):
 * right after the transaction that queued them, and again from the sweeper
 * for whatever failed. A key leaves the queue only once the BlobStore
 * confirmed the delete; a failure is logged, counted, and retried later.
 */
import type { Logger } from 'pino'
import type { BlobStore } from '../blobs/blob-store'
import type { Store } from '../store/store'

/** A failed delete is tried again this much later (the sweeper's next run, give or take). */
export const RETRY_DELETE_MS = 10 * 60 * 1000

export interface BlobErrorCounter {
  blobStoreError(operation: 'put' | 'get' | 'delete'): void
}

export class BlobReaper {
  constructor(
    private readonly options: {
      store: Store
      blobs: BlobStore
      log: Logger
      now: () => number
      metrics?: BlobErrorCounter
    },
  ) {}

  /** Delete these blobs now; never throws (failures stay queued). The keys deleted. */
  async reap(keys: readonly string[]): Promise<string[]> {
    if (keys.length === 0) return []
    const { store, blobs, log, metrics } = this.options
    const deleted: string[] = []
    const failed: string[] = []
    await Promise.all(
      keys.map(async (key) => {
        try {
          await blobs.delete(key)
          deleted.push(key)
        } catch (err) {
          failed.push(key)
          metrics?.blobStoreError('delete')
          log.warn({ err, key }, 'blob delete failed; the sweeper retries it')
        }
      }),
    )
    try {
      await store.blobsDeleted(deleted)
      await store.blobDeletesFailed(failed, this.options.now() + RETRY_DELETE_MS)
    } catch (err) {
      // The queue keeps them: deleting a deleted blob again is harmless.
      log.warn({ err }, 'could not update the blob deletion queue')
    }
    return deleted
  }
}
