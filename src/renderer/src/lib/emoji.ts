/**
 * The emoji picker's data: emojibase's compact lists, bundled into the app at
 * build time (Vite turns each JSON into a chunk of the app's own scripts, so
 * nothing is fetched from the network and the CSP's 'self' covers it),
 * loaded the first time a picker opens. Chinese search looks in the Chinese
 * labels and tags and also in the English ones.
 */
import type { CompactEmoji } from 'emojibase'

export interface PickerEmoji {
  emoji: string
  label: string
  /** Folded words to search: labels and tags. */
  terms: string[]
  group: number
}

/** emojibase's group numbers, in picker order (2, "component", holds skin tones and hair: not reactions). */
export const EMOJI_GROUPS = [0, 1, 3, 4, 5, 6, 7, 8, 9] as const
export type EmojiGroup = (typeof EMOJI_GROUPS)[number]

const loads = new Map<string, Promise<PickerEmoji[]>>()

const fold = (text: string) => text.normalize('NFKC').toLocaleLowerCase()

function toPicker(list: readonly CompactEmoji[], extra?: ReadonlyMap<string, CompactEmoji>): PickerEmoji[] {
  return list
    .filter((entry) => entry.group !== undefined && entry.group !== 2)
    .sort((a, b) => (a.order ?? 0) - (b.order ?? 0))
    .map((entry) => {
      const other = extra?.get(entry.hexcode)
      const words = [entry.label, ...(entry.tags ?? []), ...(other ? [other.label, ...(other.tags ?? [])] : [])]
      return { emoji: entry.unicode, label: entry.label, terms: words.map(fold), group: entry.group as number }
    })
}

async function load(language: 'en' | 'zh'): Promise<PickerEmoji[]> {
  const english = (await import('emojibase-data/en/compact.json')).default as CompactEmoji[]
  if (language === 'en') return toPicker(english)
  const chinese = (await import('emojibase-data/zh/compact.json')).default as CompactEmoji[]
  return toPicker(chinese, new Map(english.map((entry) => [entry.hexcode, entry])))
}

/** The picker's emoji for a UI language (Chinese for zh-*, else English); loaded once per language. */
export function loadEmoji(locale: string): Promise<PickerEmoji[]> {
  const language = locale.toLowerCase().startsWith('zh') ? 'zh' : 'en'
  let running = loads.get(language)
  if (running === undefined) {
    running = load(language)
    running.catch(() => loads.delete(language))
    loads.set(language, running)
  }
  return running
}

/** Emoji whose label or a tag contains every word of the query. */
export function searchEmoji(all: readonly PickerEmoji[], query: string, limit = 200): PickerEmoji[] {
  const words = fold(query).split(/\s+/u).filter(Boolean)
  if (words.length === 0) return all.slice(0, limit)
  const found: PickerEmoji[] = []
  for (const entry of all) {
    if (words.every((word) => entry.terms.some((term) => term.includes(word)))) found.push(entry)
    if (found.length >= limit) break
  }
  return found
}
