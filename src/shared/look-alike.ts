/**
 * Names that look alike (issue 14): "Аlice" with a Cyrillic А, "ａｌｉｃｅ" and
 * "alice" must not pass for one person. Two names look alike when they share
 * a key: the confusable skeleton of Unicode UTS #39 (§4), case-folded and
 * without white space, taken of the name as written and of its lower-case
 * form. Both, because the table maps some capitals to another letter's small
 * form (I → l, since "I" and "l" are one shape in many fonts): "ALICE" would
 * miss "alice" with the first key alone, and "Нans" (Cyrillic Н, whose small
 * form н looks like nothing Latin) would miss "Hans" with the second alone.
 *
 * A false match costs little — the UI adds `@username` beside the name — a
 * missed one lets a stranger pass for someone: the keys lean towards matching.
 */
import { CONFUSABLES } from './confusables-table'

let prototypes: Map<number, string> | null = null

/** The table, decoded on first use (format: scripts/make-confusables.ts). */
function prototypeTable(): Map<number, string> {
  if (prototypes !== null) return prototypes
  prototypes = new Map()
  let source = 0
  for (const entry of CONFUSABLES.split(',')) {
    const [delta = '', target = ''] = entry.split(':')
    source += parseInt(delta, 36)
    prototypes.set(source, String.fromCodePoint(...target.split('.').map((point) => parseInt(point, 36))))
  }
  return prototypes
}

const IGNORED = /[\p{White_Space}\p{Default_Ignorable_Code_Point}]/gu

/**
 * UTS #39's skeleton: decompose, drop default-ignorable characters, replace
 * each character by its prototype, decompose again. NFKD rather than NFD, so
 * compatibility variants (𝐀, ａ) meet their plain letter whatever the table
 * says; white space goes too ("Al ice" looks like "Alice" at a glance). Some
 * prototypes hold compatibility characters (⨧ → "+₂"), which NFKD turns into
 * characters the table maps again: repeated until nothing changes, so a
 * name's skeleton is its prototype's.
 */
function skeleton(text: string): string {
  const table = prototypeTable()
  let current = text.normalize('NFKD').replace(IGNORED, '')
  for (let pass = 0; pass < 4; pass++) {
    let mapped = ''
    for (const char of current) mapped += table.get(char.codePointAt(0) ?? 0) ?? char
    mapped = mapped.normalize('NFKD').replace(IGNORED, '')
    if (mapped === current) break
    current = mapped
  }
  return current
}

/** The UTS #39 skeleton of a name, case-folded, without white space. Not for display: it mixes scripts. */
export function skeletonOf(name: string): string {
  return skeleton(name).toLowerCase()
}

const keyCache = new Map<string, readonly string[]>()
const KEY_CACHE_MAX = 10_000

/** The keys a name is compared by (see the top of this file); none for a name with nothing visible. */
export function lookAlikeKeys(name: string): readonly string[] {
  let keys = keyCache.get(name)
  if (keys === undefined) {
    const asWritten = skeletonOf(name)
    const lowered = skeleton(name.toLowerCase()).toLowerCase()
    keys = [...new Set([asWritten, lowered])].filter((key) => key !== '')
    if (keyCache.size >= KEY_CACHE_MAX) keyCache.clear()
    keyCache.set(name, keys)
  }
  return keys
}

export function looksAlike(a: string, b: string): boolean {
  const keys = lookAlikeKeys(a)
  return lookAlikeKeys(b).some((key) => keys.includes(key))
}

export interface NamedUser {
  id: string
  displayName: string
}

/** The ids of users whose display name looks like (or is) another user's among `users`. */
export function lookAlikeIds(users: Iterable<NamedUser>): Set<string> {
  const firstWithKey = new Map<string, string>()
  const found = new Set<string>()
  for (const user of users) {
    for (const key of lookAlikeKeys(user.displayName)) {
      const first = firstWithKey.get(key)
      if (first === undefined) firstWithKey.set(key, user.id)
      else if (first !== user.id) {
        found.add(first)
        found.add(user.id)
      }
    }
  }
  return found
}

/** Beside a username, a longer name is cut (…) so a list's ellipsis cannot hide the username behind it. */
const NAME_BESIDE_USERNAME_MAX = 24
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' })

/**
 * "Display Name @username". Each part is isolated — the name as first-strong
 * (U+2068…U+2069), the username as left-to-right (U+2066…U+2069) — so in a
 * right-to-left line "علي @ali" reads name first and the "@" stays with the
 * username.
 */
export function nameWithUsername(user: { displayName: string; username: string }): string {
  const parts = [...graphemes.segment(user.displayName)]
  const name =
    parts.length > NAME_BESIDE_USERNAME_MAX
      ? `${parts
          .slice(0, NAME_BESIDE_USERNAME_MAX - 1)
          .map((part) => part.segment)
          .join('')
          .trimEnd()}…`
      : user.displayName
  return `\u2068${name}\u2069 \u2066@${user.username}\u2069`
}
