/**
 * The user's settings, kept in settings.json in the profile directory. Read
 * once at start through the shared schema (src/shared/settings-schema.ts): each
 * setting the file holds validly is kept, the rest are defaults, and a file
 * that does not fit at all counts as none. Every change rewrites the file.
 */
import { join } from 'node:path'
import { defaultSettings, type Settings } from '../../../shared/settings'
import { settingsPatchSchema, type SettingsPatch } from '../../../shared/settings-schema'
import { readJsonFile, writeJsonFile } from '../json-file'

export class SettingsFile {
  private readonly path: string
  private settings: Settings

  constructor(userDataDir: string) {
    this.path = join(userDataDir, 'settings.json')
    this.settings = { ...defaultSettings, ...readJsonFile(this.path, settingsPatchSchema) }
  }

  get current(): Settings {
    return this.settings
  }

  /** Apply the settings given (undefined ones are left as they are), write the file; the new settings. */
  update(patch: SettingsPatch): Settings {
    this.settings = { ...this.settings, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) }
    writeJsonFile(this.path, this.settings)
    return this.settings
  }
}
