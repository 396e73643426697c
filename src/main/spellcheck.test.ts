/** Spell-check settings applied to the session (mocked `electron`), and the OS languages matched to Chromium's dictionaries. */
import { beforeEach, expect, test, vi } from 'vitest'
import { app, resetFakeElectron, session } from '../../test/shell/fake-electron'
import { defaultSettings, type IpcEvents, type Settings } from '../shared/ipc'
import { applySpellcheck, dictionariesFor, dictionaryFor, followSpellcheckSettings, spellcheckLanguagesOf, systemDictionaries } from './spellcheck'

vi.mock('electron', () => import('../../test/shell/fake-electron'))

beforeEach(resetFakeElectron)

const available = ['de', 'de-DE', 'en-AU', 'en-GB', 'en-US', 'es', 'es-ES', 'fr', 'fr-FR', 'pt-BR', 'pt-PT']
const fake = session.defaultSession
const electronSession = fake as unknown as Electron.Session

test('an OS language finds its dictionary: the same tag, its region, the bare language, the usual one, any of it', () => {
  expect(dictionaryFor('en-GB', available)).toBe('en-GB')
  expect(dictionaryFor('en_AU', available)).toBe('en-AU')
  expect(dictionaryFor('de-AT', available)).toBe('de')
  expect(dictionaryFor('en', available)).toBe('en-US')
  expect(dictionaryFor('en-IN', available)).toBe('en-US')
  expect(dictionaryFor('pt', available)).toBe('pt-BR')
  expect(dictionaryFor('fr-CA', available)).toBe('fr')
  expect(dictionaryFor('pt-Latn-PT', available)).toBe('pt-PT')
  // Chinese has no dictionary.
  expect(dictionaryFor('zh-Hans-CN', available)).toBeNull()
  expect(dictionaryFor('zh-CN', available)).toBeNull()
  expect(dictionaryFor('', available)).toBeNull()
})

test('system languages: the OS order, each dictionary once, Chinese dropped', () => {
  expect(systemDictionaries(['zh-Hans-CN', 'en-US', 'en', 'de-CH'], available)).toEqual(['en-US', 'de'])
  expect(systemDictionaries(['zh-Hans-CN'], available)).toEqual([])
})

test('spellcheckLanguages (ShellServices): the session’s dictionaries and the OS’s among them', () => {
  app.getPreferredSystemLanguages.mockImplementation(() => ['zh-Hans-CN', 'en-GB'])
  expect(spellcheckLanguagesOf(electronSession)).toEqual({ available, fromSystem: ['en-GB'] })
  fake.availableSpellCheckerLanguages = []
  expect(spellcheckLanguagesOf(electronSession)).toEqual({ available: [], fromSystem: [] })
})

test('a choice this machine has no dictionary for falls back to the system languages', () => {
  const languages = { available, fromSystem: ['en-US'] }
  expect(dictionariesFor([], languages)).toEqual(['en-US'])
  expect(dictionariesFor(['de', 'fr'], languages)).toEqual(['de', 'fr'])
  expect(dictionariesFor(['de', 'xx-YY'], languages)).toEqual(['de'])
  expect(dictionariesFor(['xx-YY'], languages)).toEqual(['en-US'])
})

const settings = (patch: Partial<Settings>): Settings => ({ ...defaultSettings, ...patch })

test('applying: on with the system languages, on with a chosen one, off; macOS only switches', () => {
  app.getPreferredSystemLanguages.mockImplementation(() => ['en-US', 'zh-Hans-CN'])
  applySpellcheck(electronSession, settings({ spellcheck: true, spellcheckLanguages: [] }), 'linux')
  expect(fake.setSpellCheckerEnabled).toHaveBeenLastCalledWith(true)
  expect(fake.setSpellCheckerLanguages).toHaveBeenLastCalledWith(['en-US'])

  applySpellcheck(electronSession, settings({ spellcheck: true, spellcheckLanguages: ['de'] }), 'win32')
  expect(fake.setSpellCheckerLanguages).toHaveBeenLastCalledWith(['de'])

  fake.setSpellCheckerLanguages.mockClear()
  applySpellcheck(electronSession, settings({ spellcheck: false, spellcheckLanguages: ['de'] }), 'linux')
  expect(fake.setSpellCheckerEnabled).toHaveBeenLastCalledWith(false)
  expect(fake.setSpellCheckerLanguages).not.toHaveBeenCalled()

  fake.availableSpellCheckerLanguages = []
  applySpellcheck(electronSession, settings({ spellcheck: true }), 'darwin')
  expect(fake.setSpellCheckerEnabled).toHaveBeenLastCalledWith(true)
  expect(fake.setSpellCheckerLanguages).not.toHaveBeenCalled()
})

test('a Chinese-only system checks nothing (no dictionary), without an error', () => {
  app.getPreferredSystemLanguages.mockImplementation(() => ['zh-Hans-CN'])
  applySpellcheck(electronSession, settings({ spellcheck: true }), 'linux')
  expect(fake.setSpellCheckerLanguages).toHaveBeenLastCalledWith([])
})

test('a refused language list is logged, not thrown', () => {
  fake.setSpellCheckerLanguages.mockImplementationOnce(() => {
    throw new Error('Invalid language code provided')
  })
  expect(() => applySpellcheck(electronSession, settings({ spellcheck: true }), 'linux')).not.toThrow()
})

test('followed: applied at start and on every settings event, until stopped', async () => {
  const listeners = new Set<(settings: IpcEvents['settings']) => void>()
  const core = {
    getSettings: vi.fn(async () => settings({ spellcheck: true, spellcheckLanguages: ['fr'] })),
    on: vi.fn((_event: 'settings', listener: (payload: Settings) => void) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    }),
  }
  const stop = followSpellcheckSettings(core as never, electronSession, 'linux')
  await vi.waitFor(() => expect(fake.setSpellCheckerLanguages).toHaveBeenLastCalledWith(['fr']))
  for (const listener of listeners) listener(settings({ spellcheck: true, spellcheckLanguages: ['es-ES'] }))
  expect(fake.setSpellCheckerLanguages).toHaveBeenLastCalledWith(['es-ES'])
  for (const listener of listeners) listener(settings({ spellcheck: false }))
  expect(fake.setSpellCheckerEnabled).toHaveBeenLastCalledWith(false)
  stop()
  expect(listeners.size).toBe(0)
})
