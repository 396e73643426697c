/**
 * The spool (spool.ts): bytes counted and hashed on the way to a temp file,
 * plain text recognised across chunk boundaries (a character split between
 * two chunks is still text; a truncated one at the end is not), the limit
 * enforced with the temp file removed.
 */
import { createHash } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { measureFile, spool, UploadTooLarge } from './spool'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'parley-spool-'))
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

/** A stream of `bytes` cut into chunks of `size` bytes. */
const chunked = (bytes: Buffer, size: number) =>
  Readable.from(Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size)))

test('counts, hashes and keeps the bytes; a multi-byte character cut by every chunk boundary is still text', async () => {
  const text = Buffer.from('你好，世界 🎉 '.repeat(500), 'utf8')
  for (const size of [1, 2, 3, 5, 4096]) {
    const spooled = await spool(chunked(text, size), dir, 1_000_000)
    expect(spooled.size).toBe(text.length)
    expect(spooled.sha256).toBe(createHash('sha256').update(text).digest('hex'))
    expect(spooled.text).toBe(true)
    expect(readFileSync(spooled.path).equals(text)).toBe(true)
    expect(spooled.head.equals(text.subarray(0, 4096))).toBe(true)
    expect(await measureFile(spooled.path)).toEqual({ size: spooled.size, sha256: spooled.sha256 })
  }
})

test('not text: a NUL, an invalid sequence, a character cut off at the end', async () => {
  for (const bytes of [Buffer.from('abc\0def'), Buffer.from([0x61, 0xff, 0x62]), Buffer.from('ok 你', 'utf8').subarray(0, 5)]) {
    expect((await spool(chunked(bytes, 2), dir, 100)).text).toBe(false)
  }
})

test('past the limit: UploadTooLarge and no temp file left', async () => {
  await expect(spool(chunked(Buffer.alloc(1001), 100), dir, 1000)).rejects.toBeInstanceOf(UploadTooLarge)
  expect(readdirSync(dir)).toEqual([])
  expect((await spool(chunked(Buffer.alloc(1000), 100), dir, 1000)).size).toBe(1000)
})
