import { beforeEach, describe, expect, test } from 'vitest'
import { FakeUpdater } from '../../../../test/helpers/fake-updater'
import { ManualTimers } from '../../../../test/helpers/manual-timers'
import type { UpdateStatus } from '../../../shared/ipc'
import type { Settings } from '../../../shared/settings'
import { describeUpdateError } from './update-error'
import { NO_FEED_MESSAGE, updateFeedUrl } from './update-feed'
import { defaultUpdateTiming, NO_UPDATER_REASON, Updates } from './updates'

const HOUR = 60 * 60 * 1000
const FIRST = defaultUpdateTiming.firstCheckDelayMs
const silent = { info: () => undefined, warn: () => undefined }

let timers: ManualTimers
let updater: FakeUpdater
let settings: Pick<Settings, 'autoUpdate' | 'updateUrl'>
let server: string | null
let emitted: UpdateStatus[]

beforeEach(() => {
  timers = new ManualTimers()
  updater = new FakeUpdater()
  settings = { autoUpdate: true, updateUrl: null }
  server = 'https://chat.example.org'
  emitted = []
})

function start(port: FakeUpdater | null = updater): Updates {
  return new Updates({
    updater: port,
    currentVersion: '1.0.0',
    settings: () => settings,
    signedInServerUrl: () => server,
    emit: (status) => emitted.push(status),
    log: silent,
    timers,
  })
}

const states = () => emitted.map((status) => status.state)
/** Lets the port's check() promise settle. */
const settle = () => new Promise((resolve) => setImmediate(resolve))

describe('where updates cannot work', () => {
  test('without an updater (tests, the harness) the status is unsupported with a reason, and nothing is checked or installed', () => {
    const updates = start(null)
    expect(updates.status).toMatchObject({ state: 'unsupported', error: NO_UPDATER_REASON, currentVersion: '1.0.0' })
    expect(updates.check('user').state).toBe('unsupported')
    expect(() => updates.install()).toThrow(/No update is ready/)
    timers.advance(24 * HOUR)
    expect(emitted).toEqual([])
  })

  test("the port's reason (a development build, a deb) is the status, and the port is never asked to check", () => {
    const port = new FakeUpdater('development build')
    const updates = start(port)
    expect(updates.status).toMatchObject({ state: 'unsupported', error: 'development build' })
    expect(port.listening).toBe(0)
    updates.check('user')
    timers.advance(24 * HOUR)
    expect(port.checks).toBe(0)
    expect(port.feedUrls).toEqual([])
  })
})

describe('the schedule', () => {
  test('the first automatic check comes shortly after start, then every 4 hours', async () => {
    start()
    expect(updater.checks).toBe(0)
    timers.advance(FIRST - 1)
    expect(updater.checks).toBe(0)
    timers.advance(1)
    expect(updater.checks).toBe(1)
    await settle()
    timers.advance(4 * HOUR - 1)
    expect(updater.checks).toBe(1)
    timers.advance(1)
    expect(updater.checks).toBe(2)
    await settle()
    timers.advance(4 * HOUR)
    await settle()
    timers.advance(4 * HOUR)
    expect(updater.checks).toBe(4)
  })

  test('with automatic checks off nothing is checked by itself, but the user can still check', async () => {
    settings.autoUpdate = false
    const updates = start()
    timers.advance(24 * HOUR)
    expect(updater.checks).toBe(0)
    expect(updates.check('user').state).toBe('checking')
    expect(updater.checks).toBe(1)
    await settle()
    timers.advance(24 * HOUR)
    expect(updater.checks).toBe(1)
  })

  test('turning automatic checks off cancels the next one; turning them on checks shortly and resumes the 4-hour rhythm', async () => {
    const updates = start()
    settings = { ...settings, autoUpdate: false }
    updates.inputsChanged()
    expect(timers.pending).toBe(0)
    timers.advance(8 * HOUR)
    expect(updater.checks).toBe(0)
    settings = { ...settings, autoUpdate: true }
    updates.inputsChanged()
    timers.advance(FIRST)
    expect(updater.checks).toBe(1)
    await settle()
    timers.advance(4 * HOUR)
    expect(updater.checks).toBe(2)
  })

  test('a setting that does not touch updates leaves the schedule alone', () => {
    const updates = start()
    timers.advance(FIRST - 1000)
    updates.inputsChanged()
    timers.advance(1000)
    expect(updater.checks).toBe(1)
  })

  test('dispose stops the timers and the subscription', () => {
    const updates = start()
    expect(updater.listening).toBe(1)
    updates.dispose()
    expect(timers.pending).toBe(0)
    expect(updater.listening).toBe(0)
    timers.advance(24 * HOUR)
    expect(updater.checks).toBe(0)
  })
})

describe('the feed', () => {
  test("the signed-in server's /updates/ folder, else the configured address", async () => {
    const updates = start()
    updates.check('user')
    expect(updater.feedUrls).toEqual(['https://chat.example.org/updates/'])
    await settle()
    settings = { ...settings, updateUrl: 'https://downloads.example.net/parley' }
    updates.inputsChanged()
    updates.check('user')
    expect(updater.feedUrls).toEqual(['https://chat.example.org/updates/', 'https://downloads.example.net/parley/'])
    await settle()
    // Unchanged: not set again.
    updates.check('user')
    expect(updater.feedUrls).toHaveLength(2)
  })

  test('updateFeedUrl: a server under a path keeps it; a configured address wins even when signed out', () => {
    expect(updateFeedUrl(null, 'https://example.org/parley')).toBe('https://example.org/parley/updates/')
    expect(updateFeedUrl(null, 'http://127.0.0.1:8787/')).toBe('http://127.0.0.1:8787/updates/')
    expect(updateFeedUrl('https://cdn.example.org/parley/', null)).toBe('https://cdn.example.org/parley/')
    expect(updateFeedUrl(null, null)).toBeNull()
  })

  test('signed out with no address: an automatic check passes quietly, a check the user asked for says why', () => {
    server = null
    const updates = start()
    timers.advance(FIRST)
    expect(updater.checks).toBe(0)
    expect(emitted).toEqual([])
    expect(updates.check('user')).toMatchObject({ state: 'error', error: NO_FEED_MESSAGE })
    expect(updater.checks).toBe(0)
  })

  test('signing in brings the next automatic check forward', () => {
    server = null
    const updates = start()
    timers.advance(FIRST)
    server = 'https://chat.example.org'
    updates.inputsChanged()
    timers.advance(FIRST)
    expect(updater.checks).toBe(1)
    expect(updater.feedUrls).toEqual(['https://chat.example.org/updates/'])
  })
})

describe('transitions', () => {
  test('checking → up-to-date, with the time of the check', async () => {
    const updates = start()
    updater.onCheck = async () => {
      updater.emit({ type: 'checking' })
      updater.emit({ type: 'not-available' })
    }
    updates.check('user')
    await settle()
    expect(states()).toEqual(['checking', 'up-to-date'])
    expect(updates.status).toMatchObject({ state: 'up-to-date', version: null, error: null, lastCheckedAt: timers.now() })
  })

  test('checking → downloading with progress → ready; never installed by itself; "Restart to update" installs', async () => {
    const updates = start()
    updates.check('user')
    updater.emit({ type: 'checking' })
    updater.emit({ type: 'available', version: '1.2.0' })
    expect(updates.status).toMatchObject({ state: 'downloading', version: '1.2.0', progress: { percent: 0 } })
    updater.emit({ type: 'progress', percent: 50, transferred: 500, total: 1000, bytesPerSecond: 100 })
    expect(updates.status.progress).toEqual({ percent: 50, transferred: 500, total: 1000, bytesPerSecond: 100 })
    timers.advance(1000)
    updater.emit({ type: 'downloaded', version: '1.2.0' })
    await settle()
    expect(states()).toEqual(['checking', 'downloading', 'downloading', 'ready'])
    expect(updates.status).toMatchObject({ state: 'ready', version: '1.2.0', progress: null, error: null })
    timers.advance(48 * HOUR)
    expect(updater.installs).toBe(0)
    updates.install()
    expect(updater.installs).toBe(1)
  })

  test('install refuses while nothing is downloaded', () => {
    const updates = start()
    updates.check('user')
    updater.emit({ type: 'available', version: '1.2.0' })
    expect(() => updates.install()).toThrow(/No update is ready/)
    expect(updater.installs).toBe(0)
  })

  test('progress reaches the window at most every 500 ms, the latest value last', () => {
    const updates = start()
    updates.check('user')
    updater.emit({ type: 'available', version: '1.2.0' })
    const before = emitted.length
    for (let i = 1; i <= 20; i++) {
      updater.emit({ type: 'progress', percent: i * 4, transferred: i * 40, total: 1000, bytesPerSecond: 10 })
      timers.advance(20)
    }
    // 400 ms of events: the first at once, the rest wait for the interval.
    expect(emitted.length - before).toBe(1)
    timers.advance(100)
    expect(emitted.length - before).toBe(2)
    expect(updates.status.progress?.percent).toBe(80)
  })

  test('progress waiting to be shown is dropped when the download ends', () => {
    const updates = start()
    updates.check('user')
    updater.emit({ type: 'available', version: '1.2.0' })
    updater.emit({ type: 'progress', percent: 10, transferred: 10, total: 100, bytesPerSecond: 1 })
    updater.emit({ type: 'progress', percent: 90, transferred: 90, total: 100, bytesPerSecond: 1 })
    updater.emit({ type: 'downloaded', version: '1.2.0' })
    timers.advance(1000)
    expect(updates.status).toMatchObject({ state: 'ready', progress: null })
    expect(timers.pending).toBe(1) // only the next automatic check
  })

  test('an error event becomes the status in words; the next check tries again', async () => {
    const updates = start()
    timers.advance(FIRST)
    updater.emit({ type: 'error', message: 'HttpError: 404 \n"method: GET url: https://chat.example.org/updates/latest-linux.yml\n\nPlease double check that your authentication token is correct.' })
    await settle()
    expect(updates.status).toMatchObject({ state: 'error', error: 'There is no release for this system at chat.example.org yet.' })
    updater.onCheck = async () => updater.emit({ type: 'not-available' })
    timers.advance(4 * HOUR)
    await settle()
    expect(updater.checks).toBe(2)
    expect(updates.status).toMatchObject({ state: 'up-to-date', error: null })
  })

  test("a check that rejects is an error too (the port's promise, not only its event)", async () => {
    const updates = start()
    updater.onCheck = () => Promise.reject(new Error('net::ERR_CONNECTION_REFUSED'))
    updates.check('user')
    await settle()
    expect(updates.status).toMatchObject({ state: 'error', error: 'Cannot reach chat.example.org.' })
  })

  test('a download that fails ends in error and forgets its progress', () => {
    const updates = start()
    updates.check('user')
    updater.emit({ type: 'available', version: '1.2.0' })
    updater.emit({ type: 'error', message: 'sha512 checksum mismatch, expected abc, got def' })
    expect(updates.status).toMatchObject({ state: 'error', version: null, progress: null })
    expect(updates.status.error).toMatch(/damaged/)
  })

  test('a check the port answers with silence goes back to idle', async () => {
    const updates = start()
    updates.check('user')
    await settle()
    expect(updates.status.state).toBe('idle')
  })

  test('every change is emitted once; nothing is emitted for no change', () => {
    const updates = start()
    updates.check('user')
    updater.emit({ type: 'checking' })
    updater.emit({ type: 'checking' })
    expect(states()).toEqual(['checking'])
  })
})

describe('no overlapping checks', () => {
  test('while a check is on its way, while downloading and while an update waits for its restart', async () => {
    let finish: () => void = () => undefined
    updater.onCheck = () => new Promise<void>((resolve) => (finish = resolve))
    const updates = start()
    updates.check('user')
    updates.check('user')
    timers.advance(FIRST)
    expect(updater.checks).toBe(1)
    updater.emit({ type: 'available', version: '1.2.0' })
    finish()
    await settle()
    updates.check('user')
    expect(updater.checks).toBe(1)
    updater.emit({ type: 'downloaded', version: '1.2.0' })
    updates.check('user')
    timers.advance(8 * HOUR)
    expect(updater.checks).toBe(1)
    expect(updates.status.state).toBe('ready')
  })

  test('an error from elsewhere does not take back a downloaded update', () => {
    const updates = start()
    updates.check('user')
    updater.emit({ type: 'available', version: '1.2.0' })
    updater.emit({ type: 'downloaded', version: '1.2.0' })
    updater.emit({ type: 'error', message: 'ECONNRESET' })
    expect(updates.status).toMatchObject({ state: 'ready', version: '1.2.0' })
  })
})

describe('describeUpdateError', () => {
  test.each([
    ['HttpError: 404 "method: GET url: …"', 'There is no release for this system at example.org yet.'],
    ['Error: getaddrinfo ENOTFOUND example.org', 'Cannot reach example.org.'],
    ['HttpError: 503 Service Unavailable "method: GET url: …"', 'The update server at example.org failed (503); it will be tried again later.'],
    ['ENOSPC: no space left on device', 'There is not enough disk space to download the update.'],
    ['Something odd\nat stack line', 'Something odd'],
    ['', 'The update failed.'],
  ])('%s', (message, words) => {
    expect(describeUpdateError(message, 'https://example.org/updates/')).toBe(words)
  })

  test('long messages are cut', () => {
    expect(describeUpdateError('x'.repeat(500), null).length).toBe(200)
  })
})
