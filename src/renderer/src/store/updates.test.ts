import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import type { UpdateStatus } from '../../../shared/ipc'
import { stubBridge } from '../../../../test/support/renderer/bridge'
import { resetAllStores } from '.'
import { selectBannerVersion, useUpdates } from './updates'

const status = (patch: Partial<UpdateStatus>): UpdateStatus => ({
  state: 'idle',
  currentVersion: '1.0.0',
  version: null,
  progress: null,
  error: null,
  lastCheckedAt: null,
  ...patch,
})
const banner = () => selectBannerVersion(useUpdates.getState())

beforeEach(() => resetAllStores())
afterEach(() => vi.unstubAllGlobals())

test('the banner shows for a downloaded update only', () => {
  expect(banner()).toBeNull()
  for (const state of ['idle', 'checking', 'up-to-date', 'downloading', 'error', 'unsupported'] as const) {
    useUpdates.getState().setStatus(status({ state, version: state === 'downloading' ? '1.1.0' : null }))
    expect(banner(), state).toBeNull()
  }
  useUpdates.getState().setStatus(status({ state: 'ready', version: '1.1.0' }))
  expect(banner()).toBe('1.1.0')
})

test('"Later" hides it for this version; a newer version shows it again', () => {
  useUpdates.getState().setStatus(status({ state: 'ready', version: '1.1.0' }))
  useUpdates.getState().dismiss()
  expect(banner()).toBeNull()
  useUpdates.getState().setStatus(status({ state: 'ready', version: '1.2.0' }))
  expect(banner()).toBe('1.2.0')
})

test('check takes the core’s answer; install asks the core and nothing else', async () => {
  const installUpdate = vi.fn(async () => null)
  stubBridge({ checkForUpdates: async () => status({ state: 'checking' }), installUpdate })
  await useUpdates.getState().check()
  expect(useUpdates.getState().status?.state).toBe('checking')
  expect(installUpdate).not.toHaveBeenCalled()
  await useUpdates.getState().install()
  expect(installUpdate).toHaveBeenCalledOnce()
})
