/**
 * The quick switcher's matcher: does a typed query name a conversation, and
 * how well. Pure, and over characters (code points), so Chinese names work
 * like any other: "伟" finds "张伟", "产讨" finds "产品讨论组".
 *
 * A query matches a name when its characters appear in order (case and
 * accents folded, spaces in the query ignored). Matches rank in tiers — the
 * whole name, a prefix of it, the start of one of its words, the initials of
 * its words, a run inside a word, then any scattered subsequence — and within
 * a tier by a score that rewards word starts and consecutive characters and
 * charges for gaps. `rankMatches` breaks the remaining ties by recent
 * activity.
 */

export const MatchTier = {
  Subsequence: 0,
  Substring: 1,
  Initials: 2,
  WordPrefix: 3,
  Prefix: 4,
  Exact: 5,
} as const
export type MatchTier = (typeof MatchTier)[keyof typeof MatchTier]

export interface FuzzyMatch {
  tier: MatchTier
  score: number
  /** The matched characters' indexes in `Array.from(text)`, for highlighting. */
  positions: number[]
}

/** Longer names and queries are cut: nobody types 200 characters into a switcher. */
const MAX_TEXT = 200
const MAX_QUERY = 64

const WORD_START_BONUS = 8
const FIRST_CHAR_BONUS = 4
const CONSECUTIVE_BONUS = 6
const GAP_PENALTY = 1
const GAP_LENGTH_PENALTY = 0.1

/** One code point in, one out: lower case, accents dropped ("É" → "e"). */
export function foldChar(char: string): string {
  const base = char.normalize('NFD').replace(/\p{M}/gu, '')
  const first = Array.from(base === '' ? char : base)[0] ?? char
  return Array.from(first.toLowerCase())[0] ?? first
}

const HAN = /\p{Script=Han}/u
const WORD_CHAR = /[\p{L}\p{N}]/u

/** Whether `chars[index]` starts a word: after a separator, a lower→upper change ("McBride"), or where Han script begins. */
function isWordStart(chars: readonly string[], index: number): boolean {
  if (index === 0) return true
  const previous = chars[index - 1] as string
  const current = chars[index] as string
  if (!WORD_CHAR.test(previous)) return WORD_CHAR.test(current)
  if (HAN.test(current) !== HAN.test(previous)) return true
  return previous !== previous.toUpperCase() && current !== current.toLowerCase() && current === current.toUpperCase()
}

function prepareQuery(query: string): string[] {
  return Array.from(query.replace(/\s+/gu, '')).slice(0, MAX_QUERY).map(foldChar)
}

/** How well `query` names `text`, or null when it does not. An empty query matches nothing. */
export function fuzzyMatch(query: string, text: string): FuzzyMatch | null {
  const needle = prepareQuery(query)
  const chars = Array.from(text).slice(0, MAX_TEXT)
  const folded = chars.map(foldChar)
  const m = needle.length
  const n = folded.length
  if (m === 0 || m > n) return null
  if (!isSubsequence(needle, folded)) return null

  const starts = chars.map((_, index) => isWordStart(chars, index))
  // best[i][j]: the best score of needle[0..i] with needle[i] at j; from[i][j]: where needle[i-1] was.
  const best: Float64Array[] = []
  const from: Int32Array[] = []
  for (let i = 0; i < m; i++) {
    const row = new Float64Array(n).fill(Number.NEGATIVE_INFINITY)
    const back = new Int32Array(n).fill(-1)
    const previous = best[i - 1]
    // The best (score + GAP_LENGTH_PENALTY·k) over k < j - 1: a gap's cost grows with its length.
    let gapBest = Number.NEGATIVE_INFINITY
    let gapFrom = -1
    for (let j = i; j < n; j++) {
      if (previous !== undefined && j - 2 >= 0) {
        const candidate = (previous[j - 2] as number) + GAP_LENGTH_PENALTY * (j - 2)
        if (candidate > gapBest) {
          gapBest = candidate
          gapFrom = j - 2
        }
      }
      if (folded[j] !== needle[i]) continue
      const charScore = 1 + (starts[j] ? WORD_START_BONUS : 0) + (j === 0 ? FIRST_CHAR_BONUS : 0)
      if (previous === undefined) {
        row[j] = charScore - GAP_LENGTH_PENALTY * j
        continue
      }
      const adjacent = j >= 1 ? (previous[j - 1] as number) + CONSECUTIVE_BONUS : Number.NEGATIVE_INFINITY
      const gapped = gapBest - GAP_PENALTY - GAP_LENGTH_PENALTY * (j - 1)
      if (adjacent >= gapped && adjacent > Number.NEGATIVE_INFINITY) {
        row[j] = adjacent + charScore
        back[j] = j - 1
      } else if (gapped > Number.NEGATIVE_INFINITY) {
        row[j] = gapped + charScore
        back[j] = gapFrom
      }
    }
    best.push(row)
    from.push(back)
  }

  const last = best[m - 1] as Float64Array
  let end = -1
  for (let j = 0; j < n; j++) if (end === -1 || (last[j] as number) > (last[end] as number)) end = j
  const positions: number[] = new Array<number>(m)
  for (let i = m - 1, j = end; i >= 0; i--) {
    positions[i] = j
    j = (from[i] as Int32Array)[j] as number
  }
  return { tier: tierOf(needle, folded, starts, positions), score: last[end] as number, positions }
}

function isSubsequence(needle: readonly string[], folded: readonly string[]): boolean {
  let i = 0
  for (let j = 0; j < folded.length && i < needle.length; j++) if (folded[j] === needle[i]) i++
  return i === needle.length
}

function tierOf(needle: readonly string[], folded: readonly string[], starts: readonly boolean[], positions: readonly number[]): MatchTier {
  const query = needle.join('')
  const text = folded.join('')
  if (text === query) return MatchTier.Exact
  if (text.startsWith(query)) return MatchTier.Prefix
  // Search by code-point index: `starts` is per character.
  for (let j = 0; j + needle.length <= folded.length; j++) {
    if (starts[j] && needle.every((char, k) => folded[j + k] === char)) return MatchTier.WordPrefix
  }
  if (positions.every((position) => starts[position])) return MatchTier.Initials
  if (text.includes(query)) return MatchTier.Substring
  return MatchTier.Subsequence
}

/** Better first: a higher tier, then a higher score. */
export function compareMatches(a: FuzzyMatch, b: FuzzyMatch): number {
  return b.tier - a.tier || b.score - a.score
}

/** The best of several names for one thing (a conversation's title and, for a direct one, the person's @username). */
export function bestMatch(query: string, names: readonly string[]): (FuzzyMatch & { name: number }) | null {
  let found: (FuzzyMatch & { name: number }) | null = null
  names.forEach((name, index) => {
    const match = fuzzyMatch(query, name)
    if (match !== null && (found === null || compareMatches(match, found) < 0)) found = { ...match, name: index }
  })
  return found
}

export interface Candidate {
  id: string
  /** The first is the one shown; the others may match too. */
  names: readonly string[]
  /** Newer first among equal matches. */
  lastActivityAt: number
}

export interface RankedCandidate<C extends Candidate> {
  candidate: C
  match: (FuzzyMatch & { name: number }) | null
}

/**
 * The candidates that match `query`, best first (ties: newer activity, then
 * id). An empty query keeps everything, newest first. A leading `@` asks for
 * usernames the same way a name does.
 */
export function rankMatches<C extends Candidate>(query: string, candidates: readonly C[], limit = 50): RankedCandidate<C>[] {
  const text = query.trim().replace(/^@/, '')
  const byRecency = (a: RankedCandidate<C>, b: RankedCandidate<C>) =>
    b.candidate.lastActivityAt - a.candidate.lastActivityAt || (a.candidate.id < b.candidate.id ? -1 : a.candidate.id > b.candidate.id ? 1 : 0)
  if (text.replace(/\s+/gu, '') === '') {
    return candidates.map((candidate) => ({ candidate, match: null })).sort(byRecency).slice(0, limit)
  }
  const ranked: RankedCandidate<C>[] = []
  for (const candidate of candidates) {
    const match = bestMatch(text, candidate.names)
    if (match !== null) ranked.push({ candidate, match })
  }
  return ranked.sort((a, b) => compareMatches(a.match as FuzzyMatch, b.match as FuzzyMatch) || byRecency(a, b)).slice(0, limit)
}
