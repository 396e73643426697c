/**
 * The user's settings (`getSettings`, `updateSettings` results and the
 * `settings` event), and changing them; the spell-check dictionaries there
 * are to choose from (`getSpellcheckLanguages`, asked when settings open).
 */
import { create } from 'zustand'
import { defaultSettings, type Settings, type SpellcheckLanguages } from '../../../shared/ipc'
import { parley } from '../bridge'
import { logFailure } from '../lib/call-error'

interface SettingsState {
  settings: Settings
  /** Null until asked (and where asking failed). */
  spellcheckLanguages: SpellcheckLanguages | null
  setSettings(settings: Settings): void
  loadSpellcheckLanguages(): void
  /** Shown at once; the core's answer (and its `settings` event) is the truth. Rejects with the call's error, after asking the core for the settings it kept. */
  update(patch: Partial<Settings>): Promise<void>
  reset(): void
}

export const useSettings = create<SettingsState>()((set, get) => ({
  settings: defaultSettings,
  spellcheckLanguages: null,
  setSettings: (settings) => set({ settings }),
  loadSpellcheckLanguages: () => {
    parley()
      .getSpellcheckLanguages()
      .then((spellcheckLanguages) => set({ spellcheckLanguages }))
      .catch(logFailure('getSpellcheckLanguages'))
  },
  update: async (patch) => {
    set({ settings: { ...get().settings, ...patch } })
    try {
      set({ settings: await parley().updateSettings(patch) })
    } catch (err) {
      parley()
        .getSettings()
        .then((settings) => set({ settings }))
        .catch(logFailure('getSettings'))
      throw err
    }
  },
  reset: () => set({ settings: defaultSettings, spellcheckLanguages: null }),
}))
