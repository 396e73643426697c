/**
 * Blobs as files under DATA_DIR/blobs (the embedded default). Layout:
 * `blobs/<2 hex>/<name>`, where the directory is the first byte of
 * SHA-256(key) — so files spread evenly over 256 directories whatever shape
 * the api gives its keys — and the name is the key itself, except that an
 * upper-case letter is written `^` + its lower case: keys are case-sensitive,
 * macOS's and Windows' filesystems are not, and `Ab` and `ab` must stay two
 * blobs. `^` is outside the key alphabet, so the mapping is one-to-one.
 *
 * A blob appears under its name in one rename, so a reader sees it whole or
 * not at all, and a crash leaves nothing half-written under a real name.
 * Copies between filesystems go through `~tmp-*` files (`~` is outside the key
 * alphabet too), which a later start removes.
 */
import { createHash, randomBytes } from 'node:crypto'
import { constants } from 'node:fs'
import { copyFile, mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { Readable } from 'node:stream'
import { BlobNotFound, type BlobStore } from './blob-store'
import { checkedKey, checkRange } from './checks'

const TEMP_PREFIX = '~tmp-'
/** A temp file this old is left from a copy a crash interrupted (a live copy renames within seconds). */
const STALE_TEMP_MS = 60 * 60 * 1000

const isCode = (err: unknown, ...codes: string[]): boolean =>
  err instanceof Error && 'code' in err && codes.includes(String((err as NodeJS.ErrnoException).code))

/** Where `key` lives, relative to the blobs directory. */
export function blobPath(key: string): string {
  const fanOut = createHash('sha256').update(key).digest('hex').slice(0, 2)
  return join(fanOut, key.replace(/[A-Z]/g, (letter) => `^${letter.toLowerCase()}`))
}

/**
 * Makes a rename or a new directory entry durable: fsync the directory that
 * holds it. Windows cannot open a directory for that (and its filesystem
 * journals metadata itself), so there it is skipped.
 */
async function syncDirectory(path: string): Promise<void> {
  if (process.platform === 'win32') return
  const handle = await open(path, constants.O_RDONLY | constants.O_DIRECTORY)
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/** Flushes the file's bytes to the disk and checks it holds `size` of them. */
async function syncFile(path: string, size: number): Promise<void> {
  const handle = await open(path, 'r')
  try {
    const actual = (await handle.stat()).size
    if (actual !== size) throw new Error(`${path} holds ${actual} bytes, not the ${size} the upload measured`)
    await handle.sync()
  } finally {
    await handle.close()
  }
}

export class FilesystemBlobStore implements BlobStore {
  readonly kind = 'filesystem'

  private constructor(readonly root: string) {}

  /** The store under `<dataDir>/blobs`, created if needed; stale temp files of interrupted copies are removed. */
  static async open(dataDir: string): Promise<FilesystemBlobStore> {
    const root = join(dataDir, 'blobs')
    if ((await mkdir(root, { recursive: true })) !== undefined) await syncDirectory(dataDir)
    const store = new FilesystemBlobStore(root)
    await store.removeStaleTemps(Date.now() - STALE_TEMP_MS)
    return store
  }

  /**
   * Durability: the file is fsynced before the rename and its directory after
   * it. The api answers 201 once this returns, and the desktop app then drops
   * its own copy of the file; without the two fsyncs a power cut could leave
   * the database pointing at a blob that is empty or missing after reboot.
   */
  async putFile(key: string, path: string, size: number): Promise<void> {
    const target = join(this.root, blobPath(checkedKey(key)))
    await syncFile(path, size)
    await this.ensureDirectory(dirname(target))
    try {
      await rename(path, target)
    } catch (err) {
      if (!isCode(err, 'EXDEV')) throw err
      await this.copyInto(path, target)
      await unlink(path)
    }
    await syncDirectory(dirname(target))
  }

  async get(key: string, range?: { start: number; end: number }): Promise<Readable> {
    const path = join(this.root, blobPath(checkedKey(key)))
    checkRange(range)
    // Opened here, not by the stream, so a missing blob rejects instead of erroring the stream later.
    const handle = await open(path, 'r').catch((err: unknown) => {
      throw isCode(err, 'ENOENT') ? new BlobNotFound(key) : err
    })
    return handle.createReadStream(range === undefined ? {} : { start: range.start, end: range.end })
  }

  /**
   * Idempotent. Not fsynced: a delete a crash undoes leaves an orphan file,
   * never a broken reference, and deleting again is harmless.
   */
  async delete(key: string): Promise<void> {
    try {
      await unlink(join(this.root, blobPath(checkedKey(key))))
    } catch (err) {
      if (!isCode(err, 'ENOENT')) throw err
    }
  }

  async close(): Promise<void> {}

  /** Another filesystem: copy into a temp name beside the target, flush it, rename it into place. */
  private async copyInto(source: string, target: string): Promise<void> {
    const temp = join(dirname(target), `${TEMP_PREFIX}${randomBytes(8).toString('hex')}`)
    try {
      await copyFile(source, temp)
      const handle = await open(temp, 'r')
      try {
        await handle.sync()
      } finally {
        await handle.close()
      }
      await rename(temp, target)
    } catch (err) {
      await unlink(temp).catch(() => undefined)
      throw err
    }
  }

  private async ensureDirectory(path: string): Promise<void> {
    // The 256 fan-out directories are made on first use; a new one is made durable in its parent once.
    if ((await mkdir(path, { recursive: true })) !== undefined) await syncDirectory(this.root)
  }

  private async removeStaleTemps(olderThanMs: number): Promise<void> {
    for (const entry of await readdir(this.root, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue
      const directory = join(this.root, entry.name)
      for (const name of await readdir(directory)) {
        if (!name.startsWith(TEMP_PREFIX)) continue
        const path = join(directory, name)
        const info = await stat(path).catch(() => null)
        if (info !== null && info.mtimeMs < olderThanMs) await unlink(path).catch(() => undefined)
      }
    }
  }
}
