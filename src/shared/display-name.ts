/**
 * What a display name may contain (issue 14, "Impersonation by display name").
 * Used by the REST schema (api.ts `displayNameSchema`), so the server and the
 * desktop app judge a name the same way, and by the server migration that
 * cleans names stored before the rule existed.
 *
 * A name is stored in Unicode NFKC: compatibility variants — fullwidth ａ,
 * mathematical 𝐀, ligatures ﬁ, circled ①, superscripts — become the plain
 * character, so they cannot pose as another name and the directory search
 * finds them. White space at both ends is trimmed. Then a name is refused
 * (400, the message naming the character) when it contains:
 *
 * 1. A control character: C0 and C1 controls (NUL among them), the line and
 *    paragraph separators U+2028/U+2029, or half of a surrogate pair. A name
 *    is one line of text.
 * 2. A bidirectional formatting character: U+061C, U+200E, U+200F, the
 *    embeddings and overrides U+202A–U+202E, the isolates U+2066–U+2069. The
 *    UI isolates every name (`<bdi dir="auto">`), so no name needs one; what
 *    they can do is show "ecilA" as "Alice" or reorder the text around a name.
 * 3. An invisible character: every Default_Ignorable_Code_Point (zero-width
 *    space U+200B and joiners U+200C/U+200D, word joiner and invisible
 *    operators U+2060–U+2064, U+FEFF, U+180E, soft hyphen U+00AD, the combining
 *    grapheme joiner, the Hangul fillers U+115F, U+1160, U+3164 and U+FFA0, tag
 *    characters, variation selectors…) and every other format character (Cf).
 *    They make two names that look the same differ, or hide text. Except
 *    where one does visible work:
 *    - ZWJ between two emoji: 👩‍💻, 🏳️‍🌈, 🧑🏽‍💻;
 *    - ZWJ or ZWNJ right after a virama, where it picks the conjunct form in
 *      Indic scripts (Sinhala ශ්‍රී) — RFC 5892's CONTEXTJ rule;
 *    - ZWNJ between two Arabic-script characters, where it breaks the join
 *      (Persian names: علی‌رضا) — CONTEXTJ again, by script, as JavaScript
 *      cannot see Joining_Type;
 *    - the tag characters of an emoji tag sequence (🏴 + tags + cancel tag:
 *      the flags of England, Scotland and Wales);
 *    - a variation selector (U+FE00–U+FE0F, U+E0100–U+E01EF, Mongolian
 *      U+180B–U+180D and U+180F) right after a letter, number, symbol or
 *      punctuation mark: emoji or text presentation (❤️, 1️⃣), a registered
 *      kanji variant in a Japanese name, a Mongolian letter form. Anywhere
 *      else it changes the bytes and nothing on screen.
 * 4. Nothing visible: only spaces and U+2800 (the blank Braille pattern, the
 *    usual stand-in for an "empty" name).
 *
 * Refused, not silently stripped: a person sees their name stored as they
 * typed it (NFKC aside, which changes how a character is encoded, not what it
 * reads as) or learns why not. Private-use and unassigned code points stay
 * allowed: the server's Unicode version lags new emoji. Look-alike names
 * from different scripts ("Аlice" with a Cyrillic А) are allowed too — people
 * have them honestly; the UI shows `@username` beside names that look alike
 * (look-alike.ts).
 */
import { z } from 'zod'

/** Canonical_Combining_Class = Virama (9), Unicode 17. */
const VIRAMA =
  '[\\u094D\\u09CD\\u0A4D\\u0ACD\\u0B4D\\u0BCD\\u0C4D\\u0CCD\\u0D3B\\u0D3C\\u0D4D\\u0DCA\\u0E3A\\u0EBA\\u0F84\\u1039\\u103A\\u1714\\u1715' +
  '\\u1734\\u17D2\\u1A60\\u1B44\\u1BAA\\u1BAB\\u1BF2\\u1BF3\\u2D7F\\uA806\\uA82C\\uA8C4\\uA953\\uA9C0\\uAAF6\\uABED\\u{10A3F}\\u{11046}' +
  '\\u{11070}\\u{1107F}\\u{110B9}\\u{11133}\\u{11134}\\u{111C0}\\u{11235}\\u{112EA}\\u{1134D}\\u{113CE}-\\u{113D0}\\u{11442}\\u{114C2}' +
  '\\u{115BF}\\u{1163F}\\u{116B6}\\u{1172B}\\u{11839}\\u{1193D}\\u{1193E}\\u{119E0}\\u{11A34}\\u{11A47}\\u{11A99}\\u{11C3F}\\u{11D44}' +
  '\\u{11D45}\\u{11D97}\\u{11F41}\\u{11F42}\\u{1612F}]'

const VARIATION_SELECTOR = '[\\uFE00-\\uFE0F\\u{E0100}-\\u{E01EF}\\u180B-\\u180D\\u180F]'

/** The invisible characters that do visible work where they stand (rule 3's exceptions); lookarounds, so a match is only the character itself. */
const ALLOWED_IN_CONTEXT = [
  '(?<=\\p{Extended_Pictographic}[\\u{1F3FB}-\\u{1F3FF}\\uFE0F]?)\\u200D(?=\\p{Extended_Pictographic})',
  `(?<=${VIRAMA})[\\u200C\\u200D]`,
  '(?<=\\p{Script=Arabic}\\p{Mn}*)\\u200C(?=\\p{Mn}*\\p{Script=Arabic})',
  '(?<=\\u{1F3F4})[\\u{E0020}-\\u{E007E}]+\\u{E007F}',
  `(?<=[\\p{L}\\p{N}\\p{S}\\p{P}])${VARIATION_SELECTOR}`,
].join('|')

const SURROGATE = '\\p{Cs}'
const CONTROL = '[\\p{Cc}\\p{Zl}\\p{Zp}]'
const BIDI = '[\\u061C\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069]'
const INVISIBLE = '[\\p{Default_Ignorable_Code_Point}\\p{Cf}]'

const LONE_SURROGATE = new RegExp(SURROGATE, 'u')
const kinds = [
  { pattern: LONE_SURROGATE, what: 'an unpaired surrogate' },
  { pattern: new RegExp(CONTROL, 'u'), what: 'a control character' },
  { pattern: new RegExp(BIDI, 'u'), what: 'a bidirectional formatting character' },
  { pattern: new RegExp(INVISIBLE, 'u'), what: 'an invisible character' },
] as const

// The classes list marks (viramas, variation selectors) one by one, as single code points, on purpose.
// eslint-disable-next-line no-misleading-character-class
const allowedInContext = new RegExp(ALLOWED_IN_CONTEXT, 'gu')
/** One pass: an allowed occurrence (group 1) stays, any other refused character goes. */
// eslint-disable-next-line no-misleading-character-class
const allowedOrRefused = new RegExp(`(${ALLOWED_IN_CONTEXT})|${SURROGATE}|${CONTROL}|${BIDI}|${INVISIBLE}`, 'gu')
const VISIBLE = /[^\p{White_Space}\u2800]/u
const EDGE_SPACE = /^\p{White_Space}+|\p{White_Space}+$/gu

const codePoint = (char: string) => `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`

/** NFKC, white space trimmed at both ends (U+FEFF is not white space here: it is refused, not trimmed). */
export function normalizeDisplayName(raw: string): string {
  return raw.normalize('NFKC').replace(EDGE_SPACE, '')
}

/** Why a normalised name is refused ("contains a bidirectional formatting character (U+202E)"), or null when it is fine. */
export function displayNameProblem(name: string): string | null {
  const rest = name.replace(allowedInContext, '')
  for (const { pattern, what } of kinds) {
    const found = pattern.exec(rest)
    if (found) return `contains ${what} (${codePoint(found[0])})`
  }
  if (!VISIBLE.test(name)) return 'must contain a visible character'
  return null
}

/** A display name as the REST api takes it: normalised, then refused with the reason (see above) or stored. */
export function displayNameText(max: number, what = 'displayName') {
  return z.string().transform((raw, ctx) => {
    // Half a surrogate pair is refused as it came: NFKC is not defined on it.
    const name = LONE_SURROGATE.test(raw) ? raw : normalizeDisplayName(raw)
    const problem =
      name.length === 0
        ? 'must not be empty'
        : (displayNameProblem(name) ?? ([...name].length > max ? `must be at most ${max} characters` : null))
    if (problem === null) return name
    ctx.addIssue({ code: 'custom', message: `${what} ${problem}` })
    return z.NEVER
  })
}

/**
 * A stored name made to pass the rule: NFKC, line breaks and tabs turned to
 * spaces, every other refused character dropped, trimmed; '' when nothing
 * visible is left (the caller falls back to the username). Length is left
 * alone: the limit is for what people type.
 */
export function cleanDisplayName(stored: string): string {
  // Line breaks and tabs part words: a space, not nothing.
  let name = stored.replace(new RegExp(SURROGATE, 'gu'), '').replace(/[\t\n\v\f\r\u0085\u2028\u2029]/g, ' ')
  // Dropping a character changes its neighbours' context (a ZWJ between an emoji and a dropped one): again until stable.
  for (let pass = 0; pass < 4; pass++) {
    const next = normalizeDisplayName(name).replace(allowedOrRefused, (match, allowed: string | undefined) => (allowed === undefined ? '' : match))
    if (next === name) break
    name = next
  }
  name = normalizeDisplayName(name)
  return VISIBLE.test(name) ? name : ''
}
