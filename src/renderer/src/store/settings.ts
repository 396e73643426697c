/** The user's settings (`getSettings`, `updateSettings` results and the `settings` event). */
import { create } from 'zustand'
import { defaultSettings, type Settings } from '../../../shared/ipc'

interface SettingsState {
  settings: Settings
  setSettings(settings: Settings): void
  reset(): void
}

export const useSettings = create<SettingsState>()((set) => ({
  settings: defaultSettings,
  setSettings: (settings) => set({ settings }),
  reset: () => set({ settings: defaultSettings }),
}))
