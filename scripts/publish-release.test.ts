/**
 * The release folder: what scripts/release-files.mjs picks out of a dist/
 * tree and copies to dist/release (npm run dist's last step), and
 * `npm run publish-release` as a child process — its refusals (nothing is
 * copied unless every feed and file checks out), the order a watcher of the
 * releases folder sees (every file before any feed that names it, never a
 * half-written file), earlier releases kept, and --prune.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, watch, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { fakeBytes, writeFakeRelease, type FakeRelease } from '../test/helpers/releases'
import { collectRelease, FEED_NAME, releaseFiles } from './release-files.mjs'

const root = join(import.meta.dirname, '..')
const yaml = createRequire(join(root, 'package.json'))('js-yaml') as { load(text: string): unknown }

let work: string
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'parley-publish-'))
})
afterEach(() => rmSync(work, { recursive: true, force: true }))

/** The top-level files of `dir` and its feeds, parsed, as dist.mjs reads them. */
function readDist(dir: string): { names: string[]; feeds: Record<string, unknown> } {
  const names = readdirSync(dir).filter((name) => statSync(join(dir, name)).isFile())
  const feeds = Object.fromEntries(names.filter((name) => FEED_NAME.test(name)).map((name) => [name, yaml.load(readFileSync(join(dir, name), 'utf8'))]))
  return { names, feeds }
}

describe('release-files: what of dist/ goes into a release folder', () => {
  test('the feeds, every file they name and the blockmaps beside them; nothing else electron-builder leaves', () => {
    const dist = join(work, 'dist')
    const release = writeFakeRelease(dist, '1.3.0')
    // What else a dist/ holds after a few builds.
    mkdirSync(join(dist, 'linux-unpacked'))
    mkdirSync(join(dist, 'release'))
    for (const name of ['builder-debug.yml', 'builder-effective-config.yaml', 'Parley-1.2.0-win-x64.exe', 'Parley-1.2.0-win-x64.exe.blockmap', 'latest-mac.json']) {
      writeFileSync(join(dist, name), 'left over')
    }
    const { names, feeds } = readDist(dist)
    const selected = releaseFiles(names, feeds)
    expect(selected.feeds).toEqual(['latest-linux.yml', 'latest-mac.yml', 'latest.yml'])
    expect(selected.files).toEqual([...release.files.keys()].sort())
    expect(selected.files).toContain('Parley-1.3.0-win-x64.exe.blockmap')
    expect(selected.missing).toEqual([])
  })

  test('a feed naming a file that is not there is reported', () => {
    const dist = join(work, 'dist')
    writeFakeRelease(dist, '1.3.0', ['latest.yml'])
    rmSync(join(dist, 'Parley-1.3.0-win-x64.exe'))
    const { names, feeds } = readDist(dist)
    expect(releaseFiles(names, feeds).missing).toEqual(['Parley-1.3.0-win-x64.exe'])
  })

  test('collectRelease copies exactly that into dist/release, byte for byte, files before feeds; an older release folder is emptied first', () => {
    const dist = join(work, 'dist')
    const release = writeFakeRelease(dist, '1.3.0')
    mkdirSync(join(dist, 'linux-unpacked'))
    writeFileSync(join(dist, 'linux-unpacked', 'parley'), 'binary')
    for (const name of ['builder-debug.yml', 'Parley-1.2.0-win-x64.exe', 'Parley-1.2.0-win-x64.exe.blockmap']) writeFileSync(join(dist, name), 'left over')
    mkdirSync(join(dist, 'release'))
    writeFileSync(join(dist, 'release', 'Parley-1.1.0-win-x64.exe'), 'an older build')

    const collected = collectRelease(dist)
    const files = [...release.files.keys()].sort()
    const feeds = [...release.feeds.keys()].sort()
    expect(collected).toEqual({ ok: true, dir: join(dist, 'release'), files: [...files, ...feeds] })
    expect(readdirSync(join(dist, 'release')).sort()).toEqual([...files, ...feeds].sort())
    for (const [name, bytes] of release.files) expect(readFileSync(join(dist, 'release', name)).equals(bytes), name).toBe(true)
    for (const [name, text] of release.feeds) expect(readFileSync(join(dist, 'release', name), 'utf8'), name).toBe(text)
    // The dist/ left as it was.
    expect(readFileSync(join(dist, 'Parley-1.2.0-win-x64.exe'), 'utf8')).toBe('left over')
  })

  test('collectRelease copies nothing without a feed, or when a feed names a file that is not there', () => {
    const dist = join(work, 'dist')
    mkdirSync(dist)
    writeFileSync(join(dist, 'Parley-1.3.0-win-x64.exe'), fakeBytes('exe', 100))
    expect(collectRelease(dist)).toEqual({ ok: false, error: expect.stringMatching(/no update feed \(latest\*\.yml\)/) })
    expect(existsSync(join(dist, 'release'))).toBe(false)

    writeFakeRelease(dist, '1.3.0', ['latest.yml', 'latest-linux.yml'])
    rmSync(join(dist, 'Parley-1.3.0-linux-amd64.deb'))
    mkdirSync(join(dist, 'release'))
    writeFileSync(join(dist, 'release', 'latest.yml'), 'the last good release')
    expect(collectRelease(dist)).toEqual({ ok: false, error: 'the update feeds name files that are not in dist/: Parley-1.3.0-linux-amd64.deb' })
    expect(readdirSync(join(dist, 'release'))).toEqual(['latest.yml'])
  })

  test('the feed names are the ones the server serves', async () => {
    const { isFeedName } = await import('../src/server/releases/feed')
    for (const name of ['latest.yml', 'latest-mac.yml', 'latest-linux.yml', 'latest-linux-arm64.yml', 'beta.yml', 'latest.yaml', 'latest-mac.json', 'latest-ios.yml']) {
      expect(FEED_NAME.test(name), name).toBe(isFeedName(name))
    }
  })
})

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

function publish(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/publish-release.ts', ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })))
}

/** Every published file's bytes, by name (dotfiles and folders left out). */
function published(dir: string): Map<string, Buffer> {
  return new Map(
    readdirSync(dir)
      .filter((name) => !name.startsWith('.') && statSync(join(dir, name)).isFile())
      .sort()
      .map((name) => [name, readFileSync(join(dir, name))]),
  )
}

function expected(release: FakeRelease): Map<string, Buffer> {
  const all = new Map(release.files)
  for (const [name, text] of release.feeds) all.set(name, Buffer.from(text))
  return new Map([...all].sort(([a], [b]) => (a < b ? -1 : 1)))
}

describe('npm run publish-release', () => {
  test('publishes: files first, feeds last, each whole when its name appears', async () => {
    const source = join(work, 'release')
    const target = join(work, 'releases')
    const release = writeFakeRelease(source, '1.2.0')
    mkdirSync(target)
    const appeared: string[] = []
    const broken: string[] = []
    const watcher = watch(target, (_event, name) => {
      if (name === null || name.startsWith('.') || appeared.includes(name) || !existsSync(join(target, name))) return
      appeared.push(name)
      // Whatever a client could read now: every feed's files are there, whole.
      for (const feed of release.feeds.keys()) {
        if (!existsSync(join(target, feed))) continue
        for (const [file, bytes] of release.files) {
          if (file.endsWith('.blockmap') || !readFileSync(join(source, feed), 'utf8').includes(file)) continue
          if (!existsSync(join(target, file)) || statSync(join(target, file)).size !== bytes.length) broken.push(`${feed} before ${file}`)
        }
      }
      if (statSync(join(target, name)).size !== (release.files.get(name)?.length ?? Buffer.byteLength(release.feeds.get(name) ?? ''))) broken.push(`${name} partial`)
    })
    const run = await publish([source, '--releases-dir', target])
    watcher.close()
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toBe(`Published 1.2.0 (latest-linux.yml, latest-mac.yml, latest.yml) to ${target}: 8 files copied, 0 already there.\n`)
    expect(published(target)).toEqual(expected(release))
    expect(readdirSync(target).filter((name) => name.startsWith('.'))).toEqual([])
    expect(broken).toEqual([])
    const lastFile = Math.max(...[...release.files.keys()].map((name) => appeared.indexOf(name)))
    const firstFeed = Math.min(...[...release.feeds.keys()].map((name) => appeared.indexOf(name)))
    expect(lastFile).toBeLessThan(firstFeed)
    expect(firstFeed).toBeGreaterThanOrEqual(0)
  })

  test('the destination: RELEASES_DIR, else DATA_DIR/releases', async () => {
    const source = join(work, 'release')
    writeFakeRelease(source, '1.2.0', ['latest.yml'])
    expect((await publish([source], { RELEASES_DIR: join(work, 'elsewhere') })).code).toBe(0)
    expect(existsSync(join(work, 'elsewhere', 'latest.yml'))).toBe(true)
    expect((await publish([source], { DATA_DIR: join(work, 'data') })).code).toBe(0)
    expect(existsSync(join(work, 'data', 'releases', 'latest.yml'))).toBe(true)
  })

  test.each([
    ['a file with other bytes than the feed states', (dir: string) => writeFileSync(join(dir, 'Parley-1.2.0-win-x64.exe'), fakeBytes('tampered', 300_000)), /Parley-1\.2\.0-win-x64\.exe: its SHA-512 is not the one latest\.yml states/],
    ['a file of another size', (dir: string) => writeFileSync(join(dir, 'Parley-1.2.0-linux-amd64.deb'), 'short'), /Parley-1\.2\.0-linux-amd64\.deb is 5 bytes; latest-linux\.yml says 90000/],
    ['a file the feed names, missing', (dir: string) => rmSync(join(dir, 'Parley-1.2.0-mac-arm64.dmg')), /latest-mac\.yml names Parley-1\.2\.0-mac-arm64\.dmg, which is not in/],
    ['a feed that is not YAML', (dir: string) => writeFileSync(join(dir, 'latest-mac.yml'), 'version: [1.2.0\nfiles: {'), /latest-mac\.yml: not YAML/],
    ['a feed naming a file outside the folder', (dir: string) => writeFileSync(join(dir, 'latest.yml'), `version: 1.2.0\nfiles:\n  - url: ../../etc/passwd\n    sha512: ${'A'.repeat(86)}==\n`), /latest\.yml: files\.0\.url: a file name in the same folder/],
    ['no feed at all', (dir: string) => ['latest.yml', 'latest-mac.yml', 'latest-linux.yml'].forEach((feed) => rmSync(join(dir, feed))), /holds no update feed/],
  ])('refuses %s, with the reason and exit code 1, and copies nothing', async (_what, spoil, reason) => {
    const source = join(work, 'release')
    const target = join(work, 'releases')
    writeFakeRelease(source, '1.2.0')
    spoil(source)
    const run = await publish([source, '--releases-dir', target])
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/^Not published:\n/)
    expect(run.stderr).toMatch(reason)
    expect(run.stderr).not.toMatch(/\s+at /)
    expect(existsSync(target) ? readdirSync(target) : []).toEqual([])
  })

  test('refuses to change the bytes of a published name', async () => {
    const target = join(work, 'releases')
    writeFakeRelease(join(work, 'first'), '1.2.0', ['latest.yml'])
    expect((await publish([join(work, 'first'), '--releases-dir', target])).code).toBe(0)
    // The same version built again: other bytes under the same names.
    const again = join(work, 'again')
    writeFakeRelease(again, '1.2.0', ['latest.yml'])
    const rebuilt = fakeBytes('rebuilt', 1000)
    writeFileSync(join(again, 'Parley-1.2.0-win-x64.exe.blockmap'), rebuilt)
    const before = published(target)
    const run = await publish([again, '--releases-dir', target])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('Parley-1.2.0-win-x64.exe.blockmap is published already with other bytes')
    expect(published(target)).toEqual(before)
  })

  test('usage and configuration mistakes: exit code 2', async () => {
    const none = await publish([])
    expect(none.code).toBe(2)
    expect(none.stderr).toContain('Usage: npm run publish-release -- <dir>')
    expect((await publish(['a', 'b'])).code).toBe(2)
    expect((await publish([work, '--bogus'])).code).toBe(2)
    const config = await publish([work], { RELEASES_RATE_LIMIT: 'lots' })
    expect(config.code).toBe(2)
    expect(config.stderr).toContain('RELEASES_RATE_LIMIT')
    expect((await publish(['--help'])).stdout).toContain('--prune')
  })

  test('earlier releases stay (differential updates) until --prune removes what no feed names', async () => {
    const target = join(work, 'releases')
    const older = writeFakeRelease(join(work, 'r1'), '1.2.0')
    const newer = writeFakeRelease(join(work, 'r2'), '1.3.0')
    expect((await publish([join(work, 'r1'), '--releases-dir', target])).code).toBe(0)
    expect((await publish([join(work, 'r2'), '--releases-dir', target])).code).toBe(0)
    const both = published(target)
    for (const name of [...older.files.keys(), ...newer.files.keys(), ...newer.feeds.keys()]) expect(both.has(name), name).toBe(true)
    expect(both.get('latest.yml')?.toString()).toBe(newer.feeds.get('latest.yml'))
    // Not the folder's business: a dotfile and a folder of the admin's. A temporary file of an interrupted run: gone.
    writeFileSync(join(target, '.keep'), '')
    mkdirSync(join(target, 'notes'))
    writeFileSync(join(target, '.Parley-1.3.0-win-x64.exe.publishing-12345'), 'half')
    const pruned = await publish([join(work, 'r2'), '--releases-dir', target, '--prune'])
    expect(pruned.code).toBe(0)
    expect(pruned.stdout).toContain('0 files copied, 8 already there.')
    expect(pruned.stdout).toContain('Pruned .Parley-1.3.0-win-x64.exe.publishing-12345, Parley-1.2.0-')
    expect(published(target)).toEqual(expected(newer))
    expect(existsSync(join(target, '.keep'))).toBe(true)
    expect(existsSync(join(target, 'notes'))).toBe(true)
  })

  test('--prune with an unreadable feed in the folder removes nothing', async () => {
    const target = join(work, 'releases')
    writeFakeRelease(join(work, 'r1'), '1.2.0', ['latest.yml'])
    expect((await publish([join(work, 'r1'), '--releases-dir', target])).code).toBe(0)
    writeFileSync(join(target, 'latest-mac.yml'), 'files: {')
    writeFileSync(join(target, 'Parley-1.1.0-mac-arm64.zip'), 'old')
    const run = await publish([join(work, 'r1'), '--releases-dir', target, '--prune'])
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/^Published, but nothing pruned:\n {2}latest-mac\.yml in .* cannot be read/)
    expect(existsSync(join(target, 'Parley-1.1.0-mac-arm64.zip'))).toBe(true)
  })
})
