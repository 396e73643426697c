/**
 * GET /updates/* and GET /download against a real server (in process) with a
 * temporary RELEASES_DIR holding a generated release (test/helpers/releases):
 * the feeds and files electron-updater fetches, Range (one, several — read
 * back with electron-updater's own multipart reader — and unsatisfiable),
 * HEAD, the caching headers, refusals of everything outside the folder (also
 * as raw requests over a socket, where no client library tidies the path),
 * the page per OS and language, no release, a malformed feed, the rate limit.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { get, type IncomingHttpHeaders } from 'node:http'
import { createRequire } from 'node:module'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough, Writable } from 'node:stream'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startServer, type ParleyServer } from '../../src/server/app'
import { loadConfig } from '../../src/server/config'
import { sha512Hex } from '../../src/server/releases/feed'
import { sha512Base64, writeFakeRelease, type FakeRelease } from '../helpers/releases'

const SECRET = 'outside-the-releases-folder-7f3a'

interface Running {
  server: ParleyServer
  dataDir: string
  releasesDir: string
  logs: string[]
  stop(): Promise<void>
}

async function start(env: Record<string, string> = {}): Promise<Running> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-releases-'))
  const releasesDir = join(dataDir, 'releases')
  const logs: string[] = []
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString())
      done()
    },
  })
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, RELEASES_DIR: releasesDir, ...env })
  const server = await startServer(config, pino({ level: 'warn' }, sink))
  return {
    server,
    dataDir,
    releasesDir,
    logs,
    async stop() {
      await server.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

function plainGet(target: string, headers: Record<string, string>): Promise<{ status: number; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    get(target, { headers }, (response) => {
      response.resume()
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers }))
    }).on('error', reject)
  })
}

/** One request as bytes on a plain socket: the status code and the whole answer. */
function rawRequest(port: number, target: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let text = ''
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => (text += chunk))
    socket.on('error', reject)
    socket.on('close', () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text }))
    socket.write(Buffer.concat([Buffer.from('GET ', 'latin1'), Buffer.from(target, 'latin1'), Buffer.from(' HTTP/1.1\r\nHost: parley\r\nConnection: close\r\n\r\n', 'latin1')]))
  })
}

const WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36'
const MAC = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15'
const LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0'
const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148'

describe('a server with a release', () => {
  let running: Running
  let release: FakeRelease
  let url: string
  const exe = 'Parley-1.2.0-win-x64.exe'

  beforeAll(async () => {
    running = await start()
    url = running.server.url
    release = writeFakeRelease(running.releasesDir)
    // Things that must never come out of /updates/.
    writeFileSync(join(running.dataDir, 'secret.txt'), SECRET)
    writeFileSync(join(running.releasesDir, '.hidden.exe'), SECRET)
    symlinkSync(join(running.dataDir, 'secret.txt'), join(running.releasesDir, 'outside-link.exe'))
    mkdirSync(join(running.releasesDir, 'sub'))
    writeFileSync(join(running.releasesDir, 'sub', 'nested.exe'), SECRET)
  })
  afterAll(() => running.stop())

  test('each feed, as written, revalidated on every use, without a sign-in', async () => {
    for (const [name, text] of release.feeds) {
      const response = await fetch(`${url}/updates/${name}?noCache=1abc`)
      expect(response.status).toBe(200)
      expect(await response.text()).toBe(text)
      expect(response.headers.get('cache-control')).toBe('no-cache')
      expect(response.headers.get('content-type')).toBe('application/yaml')
      expect(response.headers.get('content-disposition')).toBeNull()
      expect(response.headers.get('x-content-type-options')).toBe('nosniff')
      expect(response.headers.get('etag')).toMatch(/^W\/".+"$/)
      expect(response.headers.get('last-modified')).not.toBeNull()
    }
  })

  test('every installer and blockmap, whole: immutable, a download, its bytes', async () => {
    for (const [name, bytes] of release.files) {
      const response = await fetch(`${url}/updates/${name}`)
      expect(response.status, name).toBe(200)
      expect(Buffer.from(await response.arrayBuffer()).equals(bytes), name).toBe(true)
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
      expect(response.headers.get('content-type')).toBe('application/octet-stream')
      expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${name}"; filename*=UTF-8''${name}`)
      expect(response.headers.get('accept-ranges')).toBe('bytes')
      expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    }
  })

  test('conditional requests: the ETag and Last-Modified answer 304', async () => {
    const first = await fetch(`${url}/updates/${exe}`)
    await first.arrayBuffer()
    const etag = first.headers.get('etag') ?? ''
    // Through node:http: fetch adds `Cache-Control: no-cache` to a conditional request, which asks for the whole file.
    const byTag = await plainGet(`${url}/updates/${exe}`, { 'if-none-match': etag })
    expect(byTag.status, etag).toBe(304)
    expect(byTag.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    const byDate = await plainGet(`${url}/updates/latest.yml`, { 'if-modified-since': new Date(Date.now() + 60_000).toUTCString() })
    expect(byDate.status).toBe(304)
    expect(byDate.headers['cache-control']).toBe('no-cache')
  })

  test('Range: one range is a 206, past the end a 416 that says the length', async () => {
    const bytes = release.files.get(exe) as Buffer
    const part = await fetch(`${url}/updates/${exe}`, { headers: { range: 'bytes=1000-1999' } })
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe(`bytes 1000-1999/${bytes.length}`)
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(1000, 2000))).toBe(true)
    const suffix = await fetch(`${url}/updates/${exe}`, { headers: { range: 'bytes=-100' } })
    expect(Buffer.from(await suffix.arrayBuffer()).equals(bytes.subarray(bytes.length - 100))).toBe(true)
    const beyond = await fetch(`${url}/updates/${exe}`, { headers: { range: `bytes=${bytes.length}-` } })
    expect(beyond.status).toBe(416)
    expect(beyond.headers.get('content-range')).toBe(`bytes */${bytes.length}`)
    expect(beyond.headers.get('cache-control')).toBe('no-store')
    await beyond.arrayBuffer()
  })

  test('several ranges: one multipart/byteranges answer that electron-updater’s own reader takes apart', async () => {
    const bytes = release.files.get(exe) as Buffer
    const ranges = [
      [0, 99],
      [5_000, 70_000],
      [200_000, bytes.length - 1],
    ] as const
    const response = await fetch(`${url}/updates/${exe}`, { headers: { range: `bytes=${ranges.map(([a, b]) => `${a}-${b}`).join(', ')}` } })
    expect(response.status).toBe(206)
    const type = response.headers.get('content-type') ?? ''
    const boundary = /^multipart\/byteranges; boundary=(\S+)$/.exec(type)?.[1]
    expect(boundary).toBeDefined()
    const body = Buffer.from(await response.arrayBuffer())
    expect(Number(response.headers.get('content-length'))).toBe(body.length)
    const parts = await splitWithElectronUpdater(body, boundary ?? '', ranges.map(([a, b]) => b - a + 1))
    expect(parts.equals(Buffer.concat(ranges.map(([a, b]) => bytes.subarray(a, b + 1))))).toBe(true)
    // Overlapping ranges could repeat the file many times over: they are merged into one.
    const overlapping = await fetch(`${url}/updates/${exe}`, { headers: { range: 'bytes=0-99999, 0-99999, 50000-99999' } })
    expect(overlapping.status).toBe(206)
    expect(overlapping.headers.get('content-range')).toBe(`bytes 0-99999/${bytes.length}`)
    expect((await overlapping.arrayBuffer()).byteLength).toBe(100_000)
  })

  test('HEAD: the headers of GET, no body', async () => {
    for (const name of [exe, 'latest.yml']) {
      const response = await fetch(`${url}/updates/${name}`, { method: 'HEAD' })
      expect(response.status).toBe(200)
      const size = name === exe ? (release.files.get(exe) as Buffer).length : Buffer.byteLength(release.feeds.get(name) ?? '')
      expect(Number(response.headers.get('content-length'))).toBe(size)
      expect((await response.arrayBuffer()).byteLength).toBe(0)
    }
  })

  test('a missing file, a dotfile, a folder, a symlink out of the folder: 404', async () => {
    for (const name of ['Parley-9.9.9-win-x64.exe', '.hidden.exe', 'sub', 'sub/nested.exe', 'outside-link.exe', '', 'latest-ios.yml']) {
      const response = await fetch(`${url}/updates/${name}`)
      const text = await response.text()
      expect(response.status, name).toBe(404)
      expect(text).not.toContain(SECRET)
    }
  })

  test.each([
    '/updates/../secret.txt',
    '/updates/../../etc/passwd',
    '/updates/%2e%2e/secret.txt',
    '/updates/%2E%2E%2Fsecret.txt',
    '/updates/..%2fsecret.txt',
    '/updates/%252e%252e%252fsecret.txt',
    '/updates/..\\secret.txt',
    '/updates/%5c..%5csecret.txt',
    '/updates/.%2e/secret.txt',
    '/updates//etc/passwd',
    '/updates/%2fetc%2fpasswd',
    '/updates/latest.yml%00.exe',
    '/updates/latest.yml\u0000',
    '/updates/outside-link.exe',
    '/updates/.hidden.exe',
    '/updates/%2ehidden.exe',
    '/updates/sub/nested.exe',
    '/updates/sub%2fnested.exe',
    '/updates/./latest.yml/../../secret.txt',
  ])('raw %j: refused, nothing from outside', async (target) => {
    const { status, text } = await rawRequest(running.server.port, target)
    expect([400, 403, 404]).toContain(status)
    expect(text).not.toContain(SECRET)
    expect(text).not.toContain('root:')
  })

  test('/download for Windows offers the .exe; macOS the .dmg; Linux the AppImage and the deb', async () => {
    const offered = async (userAgent: string) => {
      const html = await (await fetch(`${url}/download?lang=en`, { headers: { 'user-agent': userAgent } })).text()
      const section = /<section class="offer">([\s\S]*?)<\/section>/.exec(html)?.[1] ?? ''
      return [...section.matchAll(/class="button" href="updates\/([^"]+)"/g)].map((match) => match[1])
    }
    expect(await offered(WINDOWS)).toEqual([exe])
    expect(await offered(MAC)).toEqual(['Parley-1.2.0-mac-arm64.dmg'])
    expect(await offered(LINUX)).toEqual(['Parley-1.2.0-linux-x86_64.AppImage', 'Parley-1.2.0-linux-amd64.deb'])
    expect(await offered(IPHONE)).toEqual([])
  })

  test('/download lists every file of the release with its size and SHA-512 (base64 and hex), linking to /updates/', async () => {
    const response = await fetch(`${url}/download`, { headers: { 'user-agent': LINUX } })
    expect(response.status).toBe(200)
    const html = await response.text()
    for (const [name, bytes] of release.files) {
      if (name.endsWith('.blockmap')) continue
      expect(html).toContain(`<a href="updates/${name}">${name}</a>`)
      expect(html).toContain(sha512Base64(bytes))
      expect(html).toContain(sha512Hex(sha512Base64(bytes)))
      expect(html).toContain(`<data value="${bytes.length}">`)
    }
    expect(html).toContain('300 kB')
    expect(html).toContain('Parley 1.2.0 for Linux')
  })

  test('/download: strict CSP and no script; the language from Accept-Language, ?lang= switches it', async () => {
    const chinese = await fetch(`${url}/download`, { headers: { 'user-agent': WINDOWS, 'accept-language': 'zh-TW,zh;q=0.9,en;q=0.8' } })
    const csp = chinese.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("default-src 'none'")
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/]+=*'/)
    expect(csp).not.toContain('unsafe')
    expect(chinese.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(chinese.headers.get('x-frame-options')).toBe('DENY')
    expect(chinese.headers.get('vary')).toBe('Accept-Language, User-Agent')
    const zh = await chinese.text()
    expect(zh).toContain('<html lang="zh-CN">')
    expect(zh).toContain('适用于 Windows 的 Parley 1.2.0')
    expect(zh).toContain('<a href="?lang=en" hreflang="en" lang="en">English</a>')
    expect(zh).not.toMatch(/<script|\son[a-z]+=/i)
    const english = await (await fetch(`${url}/download?lang=en`, { headers: { 'accept-language': 'zh-CN' } })).text()
    expect(english).toContain('<html lang="en">')
    expect(english).toContain('href="?lang=zh-CN"')
    const fallback = await (await fetch(`${url}/download`, { headers: { 'accept-language': 'fr-FR, de;q=0.5' } })).text()
    expect(fallback).toContain('<html lang="en">')
  })
})

describe('a server without a release', () => {
  let running: Running
  beforeAll(async () => {
    running = await start()
  })
  afterAll(() => running.stop())

  test('/download is a 404 page that says so and what the administrator runs', async () => {
    for (const [lang, says] of [
      ['en', 'This server has no desktop release published yet.'],
      ['zh-CN', '本服务器尚未发布桌面版。'],
    ]) {
      const response = await fetch(`${running.server.url}/download?lang=${lang}`)
      expect(response.status).toBe(404)
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
      const html = await response.text()
      expect(html).toContain(says)
      expect(html).toContain('npm run publish-release -- dist/release')
      expect(html).toContain('docs/distribution.md')
    }
  })

  test('/updates/latest.yml is a 404: an app hears there is nothing to update to', async () => {
    const response = await fetch(`${running.server.url}/updates/latest.yml`)
    expect(response.status).toBe(404)
    expect(await response.json()).toEqual({ error: { code: 'not_found', message: expect.any(String) } })
  })
})

describe('a malformed feed', () => {
  let running: Running
  beforeAll(async () => {
    running = await start()
    writeFakeRelease(running.releasesDir, '1.3.0', ['latest.yml', 'latest-linux.yml'])
    writeFileSync(join(running.releasesDir, 'latest-mac.yml'), 'version: [1.3.0\nfiles: {')
  })
  afterAll(() => running.stop())

  test('the page leaves that OS out and says it cannot be read; the others stay; one log line', async () => {
    for (let visit = 0; visit < 3; visit += 1) {
      const response = await fetch(`${running.server.url}/download?lang=en`, { headers: { 'user-agent': MAC } })
      expect(response.status).toBe(200)
      const html = await response.text()
      expect(html).toContain('The macOS release on this server cannot be read right now.')
      expect(html).toContain('Parley-1.3.0-win-x64.exe')
      expect(html).not.toContain('class="offer"')
    }
    const lines = running.logs.filter((line) => line.includes('latest-mac.yml'))
    expect(lines).toHaveLength(1)
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ level: 40, module: 'releases', feed: 'latest-mac.yml' })
  })

  test('every feed unreadable: a 404 page that says the release cannot be read, never a 500', async () => {
    for (const [feed, text] of [
      ['latest.yml', 'version: 1.3.0\nfiles: []\n'],
      ['latest-linux.yml', `version: 1.3.0\nfiles:\n  - url: ../secret.txt\n    sha512: ${'A'.repeat(86)}==\n`],
    ]) writeFileSync(join(running.releasesDir, feed ?? ''), text ?? '')
    const response = await fetch(`${running.server.url}/download?lang=en`)
    expect(response.status).toBe(404)
    expect(await response.text()).toContain('The desktop release on this server cannot be read right now.')
  })
})

test('RELEASES_RATE_LIMIT: requests per client address per minute, then 429', async () => {
  const running = await start({ RELEASES_RATE_LIMIT: '3' })
  try {
    const statuses: number[] = []
    for (const path of ['/updates/latest.yml', '/download', '/updates/x.exe', '/download']) {
      const response = await fetch(`${running.server.url}${path}`)
      await response.arrayBuffer()
      statuses.push(response.status)
    }
    expect(statuses).toEqual([404, 404, 404, 429])
  } finally {
    await running.stop()
  }
})

/** The concatenated parts of a multipart/byteranges body, as electron-updater's DataSplitter writes them out. */
async function splitWithElectronUpdater(body: Buffer, boundary: string, lengths: number[]): Promise<Buffer> {
  const require = createRequire(import.meta.url)
  const { DataSplitter } = require('electron-updater/out/differentialDownloader/DataSplitter.js') as {
    DataSplitter: new (
      out: Writable,
      options: { oldFileFd: number; tasks: { kind: number; start: number; end: number }[]; start: number; end: number },
      partIndexToTaskIndex: Map<number, number>,
      boundary: string,
      partIndexToLength: number[],
      finishHandler: () => void,
      grandTotalBytes: number,
    ) => Writable
  }
  const out = new PassThrough()
  const chunks: Buffer[] = []
  out.on('data', (chunk: Buffer) => chunks.push(chunk))
  // OperationKind.DOWNLOAD is 1; each task's length is its range's.
  const tasks = lengths.map((length, index) => ({ kind: 1, start: index, end: index + length }))
  await new Promise<void>((resolve, reject) => {
    const splitter = new DataSplitter(
      out,
      { oldFileFd: -1, tasks, start: 0, end: tasks.length },
      new Map(tasks.map((_task, index) => [index, index])),
      boundary,
      lengths,
      resolve,
      lengths.reduce((a, b) => a + b, 0),
    )
    splitter.on('error', reject)
    // Small chunks, as a network delivers them.
    for (let offset = 0; offset < body.length; offset += 7_919) splitter.write(body.subarray(offset, offset + 7_919))
  })
  return Buffer.concat(chunks)
}
