import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterEach, describe, expect, test } from 'vitest'
import { ParleyError } from '../../../shared/ipc'
import { AttachmentFolders } from './attachment-folders'
import { Staging } from './staging'

const dirs: string[] = []
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })))

function setup(limit = 10_000_000, now = () => Date.now()) {
  const dir = mkdtempSync(join(tmpdir(), 'parley-staging-'))
  dirs.push(dir)
  const folders = new AttachmentFolders(join(dir, 'account'))
  const staging = new Staging({ folders, maxUploadBytes: async () => limit, now })
  const source = (name: string, bytes: Uint8Array | string) => {
    const path = join(dir, name)
    writeFileSync(path, bytes)
    return path
  }
  return { dir, folders, staging, source }
}

const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#3366cc' } })
    .png()
    .toBuffer()

const code = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (err: unknown) => (err instanceof ParleyError ? err.code : String(err)),
  )

describe('picked files', () => {
  test('are copied into the outbox folder, typed by their content and never by their name', async () => {
    const { staging, source, folders } = setup()
    const image = source('holiday.txt', await png(40, 20))
    const text = source('fake.png', 'just some text, no picture')
    const staged = await staging.stageFiles('c1', [image, text])
    expect(staged).toEqual([
      { stagedId: expect.stringMatching(/^[A-Za-z0-9_-]{8,64}$/), name: 'holiday.txt', size: expect.any(Number), mime: 'image/png', width: 40, height: 20, previewUrl: `/media/staged/${staged[0]?.stagedId}` },
      { stagedId: expect.any(String), name: 'fake.png', size: 26, mime: 'application/octet-stream', width: null, height: null, previewUrl: null },
    ])
    expect(readFileSync(folders.staged(staged[1]?.stagedId ?? ''), 'utf8')).toBe('just some text, no picture')
    expect(staging.get(staged[0]?.stagedId ?? '')?.path).toBe(folders.staged(staged[0]?.stagedId ?? ''))
  })

  test('an image turned by its EXIF orientation has its size as displayed', async () => {
    const { staging, source } = setup()
    const turned = await sharp({ create: { width: 60, height: 20, channels: 3, background: '#000' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer()
    const [staged] = await staging.stageFiles('c1', [source('turned.jpg', turned)])
    expect(staged).toMatchObject({ mime: 'image/jpeg', width: 20, height: 60 })
  })

  test('names lose their path, controls and bidi overrides', async () => {
    const { staging, source } = setup()
    const [staged] = await staging.stageFiles('c1', [source('invoice\u202egpj.exe', 'MZ')])
    expect(staged?.name).toBe('invoicegpj.exe')
  })

  test('a file over the server limit fails the whole pick with too_large, and leaves no copy', async () => {
    const { staging, source, folders } = setup(100)
    const small = source('small.bin', 'x'.repeat(10))
    const big = source('big.bin', 'x'.repeat(101))
    const error = await staging.stageFiles('c1', [small, big]).catch((err: unknown) => err)
    expect(error).toBeInstanceOf(ParleyError)
    expect(error).toMatchObject({ code: 'too_large', message: expect.stringContaining('big.bin') })
    expect(await readdir(folders.outbox)).toEqual([])
  })

  test('a path that is not a readable file is not_found', async () => {
    const { staging, dir } = setup()
    expect(await code(staging.stageFiles('c1', [join(dir, 'missing')]))).toBe('not_found')
    expect(await code(staging.stageFiles('c1', [dir]))).toBe('not_found')
  })
})

describe('bytes from the renderer', () => {
  test('arrive in order and are staged when complete', async () => {
    const { staging, folders } = setup()
    const stagedId = await staging.begin('c1', 'notes/today.txt', 11)
    await Promise.all([staging.append(stagedId, Buffer.from('hello ')), staging.append(stagedId, Buffer.from('world'))])
    const staged = await staging.finish(stagedId)
    expect(staged).toMatchObject({ stagedId, name: 'today.txt', size: 11, mime: 'application/octet-stream' })
    expect(readFileSync(folders.staged(stagedId), 'utf8')).toBe('hello world')
  })

  test('a size over the limit is refused at begin; more bytes than declared or fewer at finish are refused and change nothing', async () => {
    const { staging, folders } = setup(100)
    expect(await code(staging.begin('c1', 'big.bin', 101))).toBe('too_large')
    const stagedId = await staging.begin('c1', 'a.bin', 4)
    await staging.append(stagedId, Buffer.from('abc'))
    expect(await code(staging.append(stagedId, Buffer.from('de')))).toBe('bad_request')
    expect(await code(staging.finish(stagedId))).toBe('bad_request')
    await staging.append(stagedId, Buffer.from('d'))
    await staging.finish(stagedId)
    expect(readFileSync(folders.staged(stagedId), 'utf8')).toBe('abcd')
    expect(await code(staging.append(stagedId, Buffer.from('e')))).toBe('not_found')
    expect(await code(staging.finish('never-begun-1'))).toBe('not_found')
  })

  test('discard deletes the copy (staged or half received); an unknown id is not_found', async () => {
    const { staging, folders } = setup()
    const half = await staging.begin('c1', 'a.bin', 10)
    await staging.append(half, Buffer.from('abc'))
    const whole = await staging.begin('c1', 'b.bin', 1)
    await staging.append(whole, Buffer.from('b'))
    await staging.finish(whole)
    await staging.discard(half)
    await staging.discard(whole)
    expect(await readdir(folders.outbox)).toEqual([])
    expect(await code(staging.discard(whole))).toBe('not_found')
  })
})

describe('sending and cleaning', () => {
  test('peek checks conversation and duplicates before anything changes; release hands the files over', async () => {
    const { staging, source } = setup()
    const [a, b] = await staging.stageFiles('c1', [source('a.txt', 'a'), source('b.txt', 'b')])
    const ids = [a?.stagedId ?? '', b?.stagedId ?? '']
    expect(() => staging.peek('c2', ids)).toThrow(expect.objectContaining({ code: 'not_found' }))
    expect(() => staging.peek('c1', [ids[0] as string, ids[0] as string])).toThrow(expect.objectContaining({ code: 'bad_request' }))
    expect(staging.peek('c1', ids).map((f) => f.name)).toEqual(['a.txt', 'b.txt'])
    staging.release(ids)
    expect(() => staging.peek('c1', ids)).toThrow(expect.objectContaining({ code: 'not_found' }))
  })

  test('at start, copies a day old that no outbox row refers to are deleted; others stay', async () => {
    const later = Date.now() + 2 * 24 * 60 * 60 * 1000
    const { folders, source, staging: first } = setup()
    const [kept, orphan] = await first.stageFiles('c1', [source('kept.txt', 'k'), source('orphan.txt', 'o')])
    const fresh = join(folders.outbox, 'fresh-leftover-1')
    writeFileSync(fresh, 'f')
    const recent = new Date(later - 1000)
    utimesSync(fresh, recent, recent)
    const restarted = new Staging({ folders, maxUploadBytes: async () => 1_000, now: () => later })
    const removed = await restarted.cleanLeftovers(new Set([folders.staged(kept?.stagedId ?? '')]))
    expect(removed).toBe(1)
    expect(existsSync(folders.staged(kept?.stagedId ?? ''))).toBe(true)
    expect(existsSync(folders.staged(orphan?.stagedId ?? ''))).toBe(false)
    expect(existsSync(fresh)).toBe(true)
  })
})
