/**
 * Electron's built-in spell-checker for the renderer's session, following the
 * settings: `spellcheck` turns it on and off, `spellcheckLanguages` picks the
 * dictionaries — empty means the OS's languages that have one
 * (`app.getPreferredSystemLanguages()` matched against
 * `session.availableSpellCheckerLanguages`; Chinese has none, so a Chinese
 * system checks nothing). Applied at start and on every `settings` event.
 *
 * macOS uses the OS's own checker, which picks languages by itself: there
 * Electron offers no dictionaries and setting languages is a no-op, so only
 * the switch applies.
 */
import { app, type Session } from 'electron'
import type { ParleyCore } from './core/core-api'
import type { Settings, SpellcheckLanguages } from '../shared/ipc'
import { shellLog } from './log'

const log = shellLog('spellcheck')

/** A language without a region: the dictionary most of its writers use. */
const DEFAULT_REGION: Record<string, string> = { en: 'en-US', pt: 'pt-BR', es: 'es-ES' }

/**
 * The dictionary for one OS language tag (BCP 47: `en-US`, `de`, `zh-Hans-CN`),
 * or null: the same tag, else the language with the tag's region, the bare
 * language, the language's usual dictionary, any of the language's.
 */
export function dictionaryFor(tag: string, available: readonly string[]): string | null {
  const byLower = new Map(available.map((code) => [code.toLowerCase(), code]))
  const parts = tag.replace(/_/g, '-').toLowerCase().split('-')
  const language = parts[0] ?? ''
  if (language === '') return null
  const region = parts.slice(1).find((part) => /^[a-z]{2}$|^[0-9]{3}$/.test(part))
  const candidates = [parts.join('-'), region === undefined ? null : `${language}-${region}`, language, DEFAULT_REGION[language]?.toLowerCase() ?? null]
  for (const candidate of candidates) {
    const found = candidate === null ? undefined : byLower.get(candidate)
    if (found !== undefined) return found
  }
  return available.find((code) => code.toLowerCase().startsWith(`${language}-`)) ?? null
}

/** The OS's preferred languages that have a dictionary, in the OS's order, each once. */
export function systemDictionaries(preferred: readonly string[], available: readonly string[]): string[] {
  const found = preferred.map((tag) => dictionaryFor(tag, available)).filter((code): code is string => code !== null)
  return [...new Set(found)]
}

/** What `ShellServices.spellcheckLanguages` answers: every dictionary, and the OS's languages among them. */
export function spellcheckLanguagesOf(session: Session): SpellcheckLanguages {
  const available = [...session.availableSpellCheckerLanguages].sort()
  return { available, fromSystem: systemDictionaries(app.getPreferredSystemLanguages(), available) }
}

/** The dictionaries a setting means here: the chosen ones this machine has, else the OS's. */
export function dictionariesFor(chosen: readonly string[], languages: SpellcheckLanguages): string[] {
  const known = new Set(languages.available)
  const usable = chosen.filter((code) => known.has(code))
  if (usable.length < chosen.length) log.warn({ missing: chosen.filter((code) => !known.has(code)) }, 'chosen dictionaries are not available here')
  return usable.length > 0 ? usable : languages.fromSystem
}

export function applySpellcheck(session: Session, settings: Pick<Settings, 'spellcheck' | 'spellcheckLanguages'>, platform: NodeJS.Platform): void {
  session.setSpellCheckerEnabled(settings.spellcheck)
  if (!settings.spellcheck || platform === 'darwin') return
  const languages = dictionariesFor(settings.spellcheckLanguages, spellcheckLanguagesOf(session))
  try {
    session.setSpellCheckerLanguages(languages)
  } catch (err) {
    log.warn({ err: String(err), languages }, 'the spell-checker refused its languages')
  }
}

/** Applies the settings now and whenever they change; returns the unsubscriber. */
export function followSpellcheckSettings(core: Pick<ParleyCore, 'getSettings' | 'on'>, session: Session, platform: NodeJS.Platform): () => void {
  let stopped = false
  const off = core.on('settings', (settings) => applySpellcheck(session, settings, platform))
  core
    .getSettings(undefined)
    .then((settings) => {
      if (!stopped) applySpellcheck(session, settings, platform)
    })
    .catch((err: unknown) => log.warn({ err: String(err) }, 'could not read the spell-check settings'))
  return () => {
    stopped = true
    off()
  }
}
