import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { serverMessage, tempCache } from '../../../../test/support/cache/temp-cache'
import type { Transfer } from '../../../shared/ipc'
import { AttachmentFolders, fileKey } from './attachment-folders'
import { DownloadCache } from './download-cache'
import { TransferReporter } from './transfer-reporter'

function setup(capBytes: number) {
  const temp = tempCache()
  const folders = new AttachmentFolders(join(temp.dir, 'account'))
  let clock = 1_000
  const reports: Transfer[] = []
  const changed: string[][] = []
  const downloads = new DownloadCache({
    cache: temp.cache,
    folders,
    server: { baseUrl: 'http://127.0.0.1:9', token: null },
    transfers: new TransferReporter((t) => reports.push(...t), () => clock),
    capBytes: () => capBytes,
    now: () => ++clock,
    onFilesChanged: (ids) => void changed.push(ids),
  })
  /** A downloaded file of `size` bytes, used at the next tick. */
  const cached = (id: string, size: number) => {
    const path = folders.file(id)
    writeFileSync(path, Buffer.alloc(size))
    temp.cache.recordCachedFile(id, path, size, ++clock)
    return path
  }
  return { temp, folders, downloads, cached, reports, changed }
}

describe('the download cache cap', () => {
  test('evicts the least recently used first until the files fit', async () => {
    const { downloads, cached, temp, changed } = setup(250)
    const a = cached('a', 100)
    const b = cached('b', 100)
    const c = cached('c', 100)
    // Opening a makes b the least recently used.
    expect(await downloads.cachedPath('a')).toBe(a)
    expect(await downloads.evict()).toEqual(['b'])
    // b's message no longer shows it downloaded.
    expect(changed).toEqual([['b']])
    expect([existsSync(a), existsSync(b), existsSync(c)]).toEqual([true, false, true])
    expect(temp.cache.cachedFileBytes()).toBe(200)
  })

  test('never evicts a file in use, nor the one just added', async () => {
    const { downloads, cached } = setup(150)
    cached('a', 100)
    cached('b', 100)
    cached('c', 100)
    let evicted: string[] = []
    await downloads.using('a', async () => {
      evicted = await downloads.evict('c')
    })
    expect(evicted).toEqual(['b'])
    // Still over the cap (a and c are 200 bytes): a goes once nobody uses it.
    expect(await downloads.evict('c')).toEqual(['a'])
  })

  test('my own upload is adopted (moved, not copied) and counts toward the cap', async () => {
    const { downloads, cached, temp, folders } = setup(150)
    cached('old', 100)
    const copy = join(folders.outbox, 'staged-one-1')
    writeFileSync(copy, Buffer.alloc(100))
    await downloads.adopt('mine', copy, 100)
    expect(existsSync(copy)).toBe(false)
    expect(await downloads.cachedPath('mine')).toBe(folders.file('mine'))
    expect(temp.cache.cachedFile('old')).toBeNull()
  })

  test('a file deleted behind our back is forgotten; forget deletes file and row', async () => {
    const { downloads, cached, temp } = setup(1_000)
    cached('gone', 10)
    const kept = cached('kept', 10)
    const { rmSync } = await import('node:fs')
    rmSync(temp.cache.cachedFile('gone')?.path ?? '')
    expect(await downloads.cachedPath('gone')).toBeNull()
    expect(temp.cache.cachedFile('gone')).toBeNull()
    await downloads.forget(['kept'])
    expect(existsSync(kept)).toBe(false)
    expect(temp.cache.cachedFile('kept')).toBeNull()
  })

  test('a download that cannot reach the server fails with a failed transfer and leaves nothing', async () => {
    const { downloads, temp, reports, folders } = setup(1_000)
    temp.cache.storeMessages([serverMessage('c1', 1, { attachments: [{ id: 'a1', name: 'a.bin', size: 5, mime: 'application/zip', width: null, height: null, hasThumbnail: false }] })])
    const attachment = temp.cache.attachment('a1')
    if (attachment === null) throw new Error('not stored')
    await expect(downloads.ensure(attachment)).rejects.toMatchObject({ code: 'unreachable' })
    expect(reports.map((r) => r.state)).toEqual(['active', 'failed'])
    expect(reports[1]).toMatchObject({ direction: 'download', id: 'a1', conversationId: 'c1', messageKey: 'bob:c1-c1', total: 5, error: 'Cannot reach the server' })
    const { readdirSync } = await import('node:fs')
    expect(readdirSync(folders.tmp)).toEqual([])
  })
})

test('ids that are not plainly safe are hashed before they name a file', () => {
  expect(fileKey('abc_DEF-1')).toBe('abc_DEF-1')
  expect(fileKey('../../etc/passwd')).toMatch(/^h-[0-9a-f]{64}$/)
  expect(fileKey('a/b')).not.toContain('/')
})
