/**
 * What only the filesystem store does: its layout on disk, the copy when the
 * spool file is on another filesystem (a real one: /dev/shm is tmpfs here),
 * and the removal of temp files an interrupted copy left.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { blobPath, FilesystemBlobStore } from './filesystem-blob-store'

const dirs: string[] = []
function tempDir(parent = tmpdir()): string {
  const dir = mkdtempSync(join(parent, 'parley-fs-blobs-'))
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describe('filesystem blob store', () => {
  test('blobs/<first byte of SHA-256(key), hex>/<key, upper case escaped>', async () => {
    expect(blobPath('abc')).toBe(join('ba', 'abc'))
    expect(blobPath('Photo_1.JPG')).toMatch(/^[0-9a-f]{2}[/\\]\^photo_1\.\^j\^p\^g$/)
    const dataDir = tempDir()
    const store = await FilesystemBlobStore.open(dataDir)
    const spool = join(dataDir, 'upload')
    writeFileSync(spool, 'hello')
    await store.putFile('abc', spool, 5)
    expect(readFileSync(join(dataDir, 'blobs', 'ba', 'abc'), 'utf8')).toBe('hello')
  })

  test('a spool file on another filesystem is copied in, then removed', async (context) => {
    const dataDir = tempDir()
    if (!existsSync('/dev/shm') || statSync('/dev/shm').dev === statSync(dataDir).dev) {
      context.skip('needs /dev/shm on a filesystem of its own')
    }
    const elsewhere = tempDir('/dev/shm')
    const store = await FilesystemBlobStore.open(dataDir)
    const content = randomBytes(3 * 1024 * 1024)
    const spool = join(elsewhere, 'upload')
    writeFileSync(spool, content)
    await store.putFile('copied', spool, content.length)
    expect(existsSync(spool)).toBe(false)
    expect(readFileSync(join(store.root, blobPath('copied'))).equals(content)).toBe(true)
    // Nothing but the blob in its directory: the temp name was renamed away.
    expect(readdirSync(join(store.root, blobPath('copied'), '..'))).toEqual(['copied'])
  })

  test('opening the store removes temp files left by an interrupted copy, but not fresh ones', async () => {
    const dataDir = tempDir()
    const fanOut = join(dataDir, 'blobs', 'ab')
    mkdirSync(fanOut, { recursive: true })
    writeFileSync(join(fanOut, '~tmp-old'), 'half')
    writeFileSync(join(fanOut, '~tmp-new'), 'in flight')
    writeFileSync(join(fanOut, 'kept'), 'a blob')
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000)
    utimesSync(join(fanOut, '~tmp-old'), twoHoursAgo, twoHoursAgo)
    await FilesystemBlobStore.open(dataDir)
    expect(readdirSync(fanOut).sort()).toEqual(['kept', '~tmp-new'])
  })
})
