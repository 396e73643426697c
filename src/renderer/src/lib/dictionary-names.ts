/**
 * Spell-check dictionaries by name, in the UI's language: Chromium's codes
 * (`en-US`, `de`, `pt-BR`) through Intl.DisplayNames — "English (United
 * States)", "英语（美国）" — sorted as that language sorts; a code Intl does
 * not know stays as it is.
 */
export function dictionaryName(code: string, locale: string): string {
  try {
    return new Intl.DisplayNames([locale], { type: 'language' }).of(code) ?? code
  } catch {
    return code
  }
}

export function sortedDictionaries(codes: readonly string[], locale: string): { code: string; name: string }[] {
  const collator = new Intl.Collator(locale)
  return codes.map((code) => ({ code, name: dictionaryName(code, locale) })).sort((a, b) => collator.compare(a.name, b.name) || (a.code < b.code ? -1 : 1))
}
