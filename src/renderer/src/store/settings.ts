/** The user's settings (`getSettings`, `updateSettings` results and the `settings` event), and changing them. */
import { create } from 'zustand'
import { defaultSettings, type Settings } from '../../../shared/ipc'
import { parley } from '../bridge'
import { logFailure } from '../lib/call-error'

interface SettingsState {
  settings: Settings
  setSettings(settings: Settings): void
  /** Shown at once; the core's answer (and its `settings` event) is the truth. Rejects with the call's error, after asking the core for the settings it kept. */
  update(patch: Partial<Settings>): Promise<void>
  reset(): void
}

export const useSettings = create<SettingsState>()((set, get) => ({
  settings: defaultSettings,
  setSettings: (settings) => set({ settings }),
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
  reset: () => set({ settings: defaultSettings }),
}))
