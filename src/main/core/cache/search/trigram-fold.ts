/**
 * SQLite's own folding for the search index, in JavaScript: what the trigram
 * tokenizer of `messages_fts` (`case_sensitive 0 remove_diacritics 1`) turns
 * each character into before it makes trigrams — a lower-case letter without
 * its accent, the same character, or nothing (NUL and some combining marks are
 * skipped).
 *
 * Search reads rows the indexer has not reached yet without the index
 * (search.ts), and must find exactly what the index would find there: a body
 * matches a long term when its folded text contains the folded term. The
 * mapping is not written down here but learned from the SQLite library that
 * builds the index: the first time a character is met it goes through a
 * private in-memory FTS5 table with the same tokenizer, and fts5vocab shows
 * what it became. So both paths agree for every character, with whatever
 * SQLite version is bundled. (src/shared/search/fold.ts is a different,
 * JavaScript folding used to place highlights; it need not agree character
 * for character.)
 */
import type { Database, Statement } from 'better-sqlite3'

/** The tokenizer of `messages_fts` (database/migrations/001-initial.ts); a test checks they are the same. */
export const TRIGRAM_TOKENIZER = 'trigram case_sensitive 0 remove_diacritics 1'

/** Probed after the character: two characters that fold to themselves, so each probe makes exactly one trigram. */
const PROBE_SUFFIX = '!!'
const ASCII_ONLY = /^\p{ASCII}*$/u
/** Code points learned per probe transaction. */
const PROBE_BATCH = 4_096
/** Table entries for characters not learned yet, and for characters the tokenizer skips. */
const UNKNOWN = -2
const SKIPPED = -1
/** String.fromCharCode.apply takes this many code units at a time. */
const APPLY_CHUNK = 8_192

export class TrigramFold {
  /** BMP code unit → the code point it folds to, SKIPPED, or UNKNOWN (lone surrogates included: they are stored as U+FFFD). */
  private readonly bmp = new Int32Array(0x10000).fill(UNKNOWN)
  /** The same for code points above the BMP. */
  private readonly astral = new Map<number, number>()
  private probe: { insert: Statement<[number, string]>; terms: Statement<[], { doc: number; term: string }>; clear: Statement<[]> } | null =
    null
  /** Whether ASCII folds as toLowerCase() does, NUL aside (checked once, on first use). */
  private asciiIsLowerCase: boolean | null = null
  /** Output buffer of fold(), grown as needed. */
  private out = new Uint16Array(256)

  constructor(private readonly db: Database) {}

  /** `text` as the index sees it. Must not be called while a statement of this connection is being iterated. */
  fold(text: string): string {
    return this.foldAll([text])[0] as string
  }

  /** Each text as the index sees it; characters met for the first time are learned together, in one probe. */
  foldAll(texts: readonly string[]): string[] {
    const asciiFast = this.asciiFoldsToLowerCase()
    const unknown = new Set<number>()
    const folded = texts.map((text) => {
      if (asciiFast && ASCII_ONLY.test(text)) {
        const lower = text.toLowerCase()
        return lower.includes('\u0000') ? this.foldCodes(lower, unknown) : lower
      }
      return this.foldCodes(text, unknown)
    })
    if (unknown.size === 0) return folded as string[]
    this.learn([...unknown])
    return folded.map((text, i) => text ?? (this.foldCodes(texts[i] as string, unknown) as string))
  }

  /** Folded by the tables, or null (with the missing code points added to `unknown`) when some are not learned yet. */
  private foldCodes(text: string, unknown: Set<number>): string | null {
    if (this.out.length < text.length * 2) this.out = new Uint16Array(text.length * 2)
    const out = this.out
    let length = 0
    let complete = true
    for (let i = 0; i < text.length; i++) {
      let codePoint = text.charCodeAt(i)
      if (codePoint >= 0xd800 && codePoint <= 0xdbff && i + 1 < text.length) {
        const low = text.charCodeAt(i + 1)
        if (low >= 0xdc00 && low <= 0xdfff) {
          codePoint = 0x10000 + ((codePoint - 0xd800) << 10) + (low - 0xdc00)
          i++
        }
      }
      const to = codePoint < 0x10000 ? (this.bmp[codePoint] as number) : (this.astral.get(codePoint) ?? UNKNOWN)
      if (to === UNKNOWN) {
        unknown.add(codePoint)
        complete = false
      } else if (to >= 0x10000) {
        out[length++] = 0xd800 + ((to - 0x10000) >> 10)
        out[length++] = 0xdc00 + ((to - 0x10000) & 0x3ff)
      } else if (to !== SKIPPED) {
        out[length++] = to
      }
    }
    if (!complete) return null
    let folded = ''
    for (let at = 0; at < length; at += APPLY_CHUNK) {
      folded += String.fromCharCode.apply(null, out.subarray(at, Math.min(length, at + APPLY_CHUNK)) as unknown as number[])
    }
    return folded
  }

  private asciiFoldsToLowerCase(): boolean {
    if (this.asciiIsLowerCase === null) {
      const ascii = Array.from({ length: 0x80 }, (_, codePoint) => codePoint)
      this.learn(ascii)
      this.asciiIsLowerCase = ascii.every((codePoint) => codePoint === 0 || this.bmp[codePoint] === String.fromCharCode(codePoint).toLowerCase().charCodeAt(0))
    }
    return this.asciiIsLowerCase
  }

  private learn(codePoints: readonly number[]): void {
    const probe = this.openProbe()
    for (let i = 0; i < codePoints.length; i += PROBE_BATCH) {
      const batch = codePoints.slice(i, i + PROBE_BATCH)
      const learned = this.db.transaction(() => {
        for (const codePoint of batch) probe.insert.run(codePoint, String.fromCodePoint(codePoint) + PROBE_SUFFIX)
        const terms = probe.terms.all()
        probe.clear.run()
        return terms
      })()
      // A character that makes no trigram was skipped by the tokenizer.
      for (const codePoint of batch) this.set(codePoint, SKIPPED)
      for (const { doc, term } of learned) {
        // The term is the folded character and the suffix; a lone surrogate arrives as U+FFFD, as it does in the index.
        this.set(doc, term.codePointAt(0) ?? SKIPPED)
      }
    }
  }

  private set(codePoint: number, to: number): void {
    if (codePoint < 0x10000) this.bmp[codePoint] = to
    else this.astral.set(codePoint, to)
  }

  private openProbe(): NonNullable<TrigramFold['probe']> {
    if (this.probe === null) {
      // TEMP: private to this connection, in memory, never in the cache file.
      this.db.exec(
        `CREATE VIRTUAL TABLE IF NOT EXISTS temp.parley_fold_probe USING fts5 (t, content = '', tokenize = '${TRIGRAM_TOKENIZER}');
         CREATE VIRTUAL TABLE IF NOT EXISTS temp.parley_fold_terms USING fts5vocab (temp, parley_fold_probe, instance);`,
      )
      this.probe = {
        insert: this.db.prepare('INSERT INTO temp.parley_fold_probe (rowid, t) VALUES (?, ?)'),
        terms: this.db.prepare('SELECT doc, term FROM temp.parley_fold_terms'),
        clear: this.db.prepare(`INSERT INTO temp.parley_fold_probe (parley_fold_probe) VALUES ('delete-all')`),
      }
    }
    return this.probe
  }
}
