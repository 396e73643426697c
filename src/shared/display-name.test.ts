/**
 * The display-name rule (display-name.ts) as a table: what passes and is
 * stored as what, what is refused and with which words; and the cleaning the
 * server migration applies to names stored before the rule.
 */
import { describe, expect, test } from 'vitest'
import { displayNameSchema, registerRequestSchema } from './api'
import { cleanDisplayName } from './display-name'

const TAG_ENGLAND = '\u{1F3F4}\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}'

describe('displayNameSchema accepts, normalised to NFKC and trimmed', () => {
  test.each([
    ['Latin', 'Alice Martin', 'Alice Martin'],
    ['accented Latin', 'Émile Zola-Düring', 'Émile Zola-Düring'],
    ['a decomposed accent, composed', 'Jose\u0301', 'José'],
    ['Chinese', '张三', '张三'],
    ['Japanese with a kanji variant selector', '葛\u{E0100}飾', '葛\u{E0100}飾'],
    ['Arabic', 'علي', 'علي'],
    ['Persian with ZWNJ between letters', 'علی\u200Cرضا', 'علی\u200Cرضا'],
    ['Sinhala with ZWJ after the virama', 'ශ්\u200Dරී', 'ශ්\u200Dරී'],
    ['Hindi with ZWNJ after the virama', 'क्\u200Cष', 'क्\u200Cष'],
    ['Cyrillic look-alike (allowed; the UI shows the username)', '\u0410lice', '\u0410lice'],
    ['an emoji ZWJ sequence', '👩\u200D💻', '👩\u200D💻'],
    ['a skin tone in a ZWJ sequence', '🧑🏽\u200D💻', '🧑🏽\u200D💻'],
    ['the rainbow flag', '🏳\uFE0F\u200D🌈', '🏳\uFE0F\u200D🌈'],
    ['a flag of regional indicators', '🇨🇳 Li', '🇨🇳 Li'],
    ['a subdivision flag (tag sequence)', `${TAG_ENGLAND} fan`, `${TAG_ENGLAND} fan`],
    ['emoji presentation selector', 'I ❤\uFE0F tea', 'I ❤\uFE0F tea'],
    ['a keycap', '1\uFE0F\u20E3 fan', '1\uFE0F\u20E3 fan'],
    ['fullwidth letters, made plain', 'ａｌｉｃｅ', 'alice'],
    ['mathematical bold, made plain', '𝐁𝐨𝐛', 'Bob'],
    ['a ligature, spelled out', 'ﬁona', 'fiona'],
    ['ideographic space inside, made a space', '李\u3000四', '李 四'],
    ['no-break space inside, made a space', 'Ada\u00A0L', 'Ada L'],
    ['spaces and a newline at the ends, trimmed', '  Ada  Lovelace \n', 'Ada  Lovelace'],
    ['64 characters', 'é'.repeat(64), 'é'.repeat(64)],
    ['64 emoji', '😀'.repeat(64), '😀'.repeat(64)],
  ])('%s', (_what, input, stored) => {
    expect(displayNameSchema.parse(input)).toBe(stored)
  })
})

describe('displayNameSchema refuses, naming the problem', () => {
  test.each([
    ['NUL', 'Ali\u0000ce', /control character \(U\+0000\)/],
    ['a tab inside', 'Ali\tce', /control character \(U\+0009\)/],
    ['a newline inside', 'Ali\nce', /control character \(U\+000A\)/],
    ['DEL', 'Alice\u007F', /control character \(U\+007F\)/],
    ['a C1 control', 'Ali\u0085ce', /control character \(U\+0085\)/],
    ['the line separator', 'Ali\u2028ce', /control character \(U\+2028\)/],
    ['an unpaired surrogate', 'Ali\uD800ce', /unpaired surrogate/],
    ['right-to-left override', '\u202Eecila', /bidirectional formatting character \(U\+202E\)/],
    ['left-to-right override', 'A\u202Dlice', /bidirectional formatting character \(U\+202D\)/],
    ['right-to-left embedding', 'A\u202Blice', /bidirectional formatting character \(U\+202B\)/],
    ['pop directional formatting', 'Alice\u202C', /bidirectional formatting character \(U\+202C\)/],
    ['left-to-right mark', 'Alice\u200E', /bidirectional formatting character \(U\+200E\)/],
    ['right-to-left mark', '\u200FAlice', /bidirectional formatting character \(U\+200F\)/],
    ['Arabic letter mark', 'علي\u061C', /bidirectional formatting character \(U\+061C\)/],
    ['first-strong isolate', '\u2068Alice\u2069', /bidirectional formatting character \(U\+2068\)/],
    ['right-to-left isolate', 'A\u2067lice', /bidirectional formatting character \(U\+2067\)/],
    ['zero-width space', 'Ali\u200Bce', /invisible character \(U\+200B\)/],
    ['ZWNJ between Latin letters', 'Ali\u200Cce', /invisible character \(U\+200C\)/],
    ['ZWJ between Latin letters', 'Ali\u200Dce', /invisible character \(U\+200D\)/],
    ['ZWJ after an emoji, before a letter', '👩\u200Dx', /invisible character \(U\+200D\)/],
    ['word joiner', 'Ali\u2060ce', /invisible character \(U\+2060\)/],
    ['invisible separator', 'Ali\u2063ce', /invisible character \(U\+2063\)/],
    ['a byte order mark, even in front', '\uFEFFAlice', /invisible character \(U\+FEFF\)/],
    ['Mongolian vowel separator', 'Ali\u180Ece', /invisible character \(U\+180E\)/],
    ['soft hyphen', 'Ali\u00ADce', /invisible character \(U\+00AD\)/],
    ['combining grapheme joiner', 'Ali\u034Fce', /invisible character \(U\+034F\)/],
    ['Hangul filler', '\u3164', /invisible character/],
    ['halfwidth Hangul filler', 'Alice\uFFA0', /invisible character/],
    ['Hangul choseong filler', '\u115FAlice', /invisible character \(U\+115F\)/],
    ['a tag character outside a flag', 'Alice\u{E0041}', /invisible character \(U\+E0041\)/],
    ['a variation selector at the start', '\uFE0FAlice', /invisible character \(U\+FE0F\)/],
    ['a variation selector after a space', 'Alice \uFE00', /invisible character \(U\+FE00\)/],
    ['an Arabic number sign (format character)', '\u0600Alice', /invisible character \(U\+0600\)/],
    ['only spaces', '   ', /must not be empty/],
    ['empty', '', /must not be empty/],
    ['only Braille blanks', '\u2800\u2800', /must contain a visible character/],
    ['65 characters', 'd'.repeat(65), /at most 64 characters/],
    ['longer than 64 once normalised', '㈱'.repeat(22), /at most 64 characters/],
  ])('%s', (_what, input, message) => {
    const result = displayNameSchema.safeParse(input)
    expect(result.success).toBe(false)
    expect(result.error?.issues.map((issue) => issue.message).join('; ')).toMatch(message)
    expect(result.error?.issues[0]?.message).toMatch(/^displayName /)
  })
})

test('registration takes the display name through the same rule', () => {
  const base = { username: 'alice', password: 'correct-horse' }
  expect(registerRequestSchema.parse({ ...base, displayName: 'ａｌｉｃｅ' }).displayName).toBe('alice')
  expect(registerRequestSchema.safeParse({ ...base, displayName: '\u202Eecila' }).success).toBe(false)
  expect(registerRequestSchema.parse(base).displayName).toBeUndefined()
})

describe('cleanDisplayName (the migration of stored names)', () => {
  test.each([
    ['Alice Martin', 'Alice Martin'],
    ['ＡＬＩＣＥ', 'ALICE'],
    ['\u202Eecila', 'ecila'],
    ['Ma\u200Bllory', 'Mallory'],
    ['Tab\there', 'Tab here'],
    ['  Eve\u2066 \u2069 ', 'Eve'],
    ['👩\u200D💻 Dev', '👩\u200D💻 Dev'],
    ['👩\u200B\u200D💻', '👩💻'],
    ['علی\u200Cرضا', 'علی\u200Cرضا'],
    ['\u3164', ''],
    ['\u200B\u200D', ''],
    ['\u2800', ''],
  ])('%j → %j', (stored, cleaned) => {
    expect(cleanDisplayName(stored)).toBe(cleaned)
  })

  test('what it leaves passes the rule, and cleaning again changes nothing', () => {
    for (const stored of ['A\u0000\u202E\u200Bb', '\uFEFF\u3164x\u2800', '👩\u200D\u200D💻', '\u{1F3F4}\u{E0067}x']) {
      const cleaned = cleanDisplayName(stored)
      expect(displayNameSchema.parse(cleaned)).toBe(cleaned)
      expect(cleanDisplayName(cleaned)).toBe(cleaned)
    }
  })
})
