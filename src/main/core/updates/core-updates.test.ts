/**
 * The core's update calls (getUpdateStatus, checkForUpdates, installUpdate)
 * and its `update` event, over a fake updater; the settings turning the
 * automatic checks off and on, on a fake clock.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { afterEach, expect, test } from 'vitest'
import { FakeUpdater } from '../../../../test/helpers/fake-updater'
import { ManualTimers } from '../../../../test/helpers/manual-timers'
import { recordingServices } from '../../../../test/helpers/core'
import type { UpdateStatus } from '../../../shared/ipc'
import { dispatchCall } from '../dispatch'
import { createCore, type Core } from '../index'
import { NO_FEED_MESSAGE } from './update-feed'
import { defaultUpdateTiming, NO_UPDATER_REASON } from './updates'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function core(updater?: FakeUpdater, updateTimers?: ManualTimers): Promise<Core> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-updates-'))
  const services = recordingServices()
  const created = await createCore(
    {
      userDataDir: dir,
      defaultServerUrl: 'http://127.0.0.1:1',
      appInfo: { name: 'Parley', version: '1.0.0', platform: 'linux', locale: 'en-US', tokenStorage: 'keyring' },
      services: updater ? { ...services, updater } : services,
      updateTimers,
    },
    pino({ level: 'silent' }),
  )
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }), () => created.dispose())
  return created
}

test('without an updater the status is unsupported, with the reason; a check changes nothing and install is refused', async () => {
  const c = await core()
  expect(await dispatchCall(c, 'getUpdateStatus', undefined)).toEqual({
    ok: true,
    value: { state: 'unsupported', currentVersion: '1.0.0', version: null, progress: null, error: NO_UPDATER_REASON, lastCheckedAt: null },
  })
  expect(await dispatchCall(c, 'checkForUpdates', undefined)).toMatchObject({ ok: true, value: { state: 'unsupported' } })
  expect(await dispatchCall(c, 'installUpdate', undefined)).toMatchObject({ ok: false, error: { code: 'conflict' } })
})

test('a check signed out says why; with an update address it checks there and the window hears every change', async () => {
  const updater = new FakeUpdater()
  const c = await core(updater)
  const seen: UpdateStatus[] = []
  c.on('update', (status) => seen.push(status))
  expect(await dispatchCall(c, 'checkForUpdates', undefined)).toMatchObject({ ok: true, value: { state: 'error', error: NO_FEED_MESSAGE } })
  await c.updateSettings({ updateUrl: 'https://updates.example.org/parley' })
  updater.onCheck = async () => {
    updater.emit({ type: 'available', version: '1.1.0' })
    updater.emit({ type: 'downloaded', version: '1.1.0' })
  }
  expect(await dispatchCall(c, 'checkForUpdates', undefined)).toMatchObject({ ok: true, value: { state: 'checking' } })
  await new Promise((resolve) => setImmediate(resolve))
  expect(updater.feedUrls).toEqual(['https://updates.example.org/parley/'])
  expect(seen.map((status) => status.state)).toEqual(['error', 'checking', 'downloading', 'ready'])
  expect(updater.installs).toBe(0)
  expect(await dispatchCall(c, 'installUpdate', undefined)).toEqual({ ok: true, value: null })
  expect(updater.installs).toBe(1)
})

test('dispose stops listening to the updater', async () => {
  const updater = new FakeUpdater()
  const c = await core(updater)
  expect(updater.listening).toBe(1)
  await c.dispose()
  expect(updater.listening).toBe(0)
})

test('updateSettings drives the schedule: autoUpdate off stops the automatic checks, on starts them again', async () => {
  const HOUR = 60 * 60 * 1000
  const FIRST = defaultUpdateTiming.firstCheckDelayMs
  const updater = new FakeUpdater()
  const timers = new ManualTimers()
  const c = await core(updater, timers)
  const settle = () => new Promise((resolve) => setImmediate(resolve))
  // Signed out: the feed is the update address.
  await c.updateSettings({ updateUrl: 'https://updates.example.org/parley' })
  timers.advance(FIRST)
  expect(updater.checks).toBe(1)
  await settle()

  await c.updateSettings({ autoUpdate: false })
  expect(timers.pending).toBe(0)
  timers.advance(24 * HOUR)
  expect(updater.checks).toBe(1)

  await c.updateSettings({ autoUpdate: true })
  timers.advance(FIRST - 1)
  expect(updater.checks).toBe(1)
  timers.advance(1)
  expect(updater.checks).toBe(2)
  await settle()
  timers.advance(4 * HOUR)
  expect(updater.checks).toBe(3)
})
