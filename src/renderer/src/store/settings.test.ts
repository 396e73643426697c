import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { defaultSettings, type Settings } from '../../../shared/ipc'
import { stubBridge } from '../../../../test/support/renderer/bridge'
import { resetAllStores } from '.'
import { useSettings } from './settings'

beforeEach(() => resetAllStores())
afterEach(() => vi.unstubAllGlobals())

describe('settings slice: update', () => {
  it('shows the change at once, then keeps what the core answered', async () => {
    let answer: (settings: Settings) => void = () => undefined
    stubBridge({ updateSettings: () => new Promise((resolve) => (answer = resolve)) })
    const saved = useSettings.getState().update({ theme: 'dark' })
    expect(useSettings.getState().settings).toEqual({ ...defaultSettings, theme: 'dark' })
    answer({ ...defaultSettings, theme: 'dark', language: 'zh-CN' })
    await saved
    expect(useSettings.getState().settings).toEqual({ ...defaultSettings, theme: 'dark', language: 'zh-CN' })
  })

  it('rejects with the call’s error when the core refuses, and takes back the settings the core kept', async () => {
    const kept: Settings = { ...defaultSettings, notifications: false }
    stubBridge({
      updateSettings: () => Promise.reject(new Error('[internal] disk full')),
      getSettings: () => Promise.resolve(kept),
    })
    await expect(useSettings.getState().update({ theme: 'dark' })).rejects.toThrow('[internal] disk full')
    await vi.waitFor(() => expect(useSettings.getState().settings).toEqual(kept))
  })
})

describe('settings slice: spell-check dictionaries', () => {
  it('asks the core once asked, and keeps nothing when the call fails', async () => {
    stubBridge({ getSpellcheckLanguages: () => Promise.resolve({ available: ['de', 'en-US'], fromSystem: ['en-US'] }) })
    expect(useSettings.getState().spellcheckLanguages).toBeNull()
    useSettings.getState().loadSpellcheckLanguages()
    await vi.waitFor(() => expect(useSettings.getState().spellcheckLanguages).toEqual({ available: ['de', 'en-US'], fromSystem: ['en-US'] }))
    resetAllStores()
    expect(useSettings.getState().spellcheckLanguages).toBeNull()
    vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    vi.spyOn(console, 'error').mockImplementation(() => undefined)
    stubBridge({ getSpellcheckLanguages: () => Promise.reject(new Error('[internal] no')) })
    useSettings.getState().loadSpellcheckLanguages()
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(useSettings.getState().spellcheckLanguages).toBeNull()
  })
})
