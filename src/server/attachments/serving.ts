/**
 * How attachment bytes are served (docs/design.md §4.5): the Content-Type a
 * browser may trust, the download name (RFC 6266 with an RFC 8187/5987 UTF-8
 * form), the entity tag, and single byte ranges (RFC 9110 §14).
 */
import { isActiveContentType } from '../../shared/attachment-name'
import { OCTET_STREAM } from './sniff'

/** The Content-Type to send: documents and scripts a browser would render or run go out as bytes. */
export function servedType(mime: string): string {
  if (isActiveContentType(mime)) return OCTET_STREAM
  // Only files that were valid UTF-8 from end to end are labelled text/plain (sniff.ts).
  if (mime === 'text/plain') return 'text/plain; charset=utf-8'
  return mime
}

/** RFC 8187 attr-char: everything else is percent-encoded. */
const ATTR_CHAR = /[A-Za-z0-9!#$&+\-.^_`|~]/

/**
 * `attachment; filename="<ASCII>"; filename*=UTF-8''<encoded>`. The quoted
 * form is for old clients: non-ASCII and the characters a quoted string
 * cannot hold plainly become `_`.
 */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_')
  let encoded = ''
  for (const byte of Buffer.from(name, 'utf8')) {
    const char = String.fromCharCode(byte)
    encoded += byte < 0x80 && ATTR_CHAR.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`
}

/** A strong entity tag from the SHA-256 of the bytes served. */
export function entityTag(sha256: string, variant = ''): string {
  return `"${variant}${sha256}"`
}

export type RangeAnswer =
  /** Serve the whole file (no Range, one this server ignores, or several ranges). */
  | { kind: 'whole' }
  | { kind: 'partial'; start: number; end: number }
  | { kind: 'unsatisfiable' }

/**
 * One `bytes=` range of a file of `size` bytes. A malformed header is
 * ignored (RFC 9110 §14.2: the whole file), as are several ranges — a client
 * that asks for many gets them all in one 200.
 */
export function parseRange(header: string | undefined, size: number): RangeAnswer {
  if (header === undefined) return { kind: 'whole' }
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (match === null) return { kind: 'whole' }
  const [, first = '', last = ''] = match
  if (first === '' && last === '') return { kind: 'whole' }
  if (first === '') {
    // Suffix: the last N bytes.
    const length = Number(last)
    if (length === 0 || size === 0) return { kind: 'unsatisfiable' }
    return { kind: 'partial', start: Math.max(0, size - length), end: size - 1 }
  }
  const start = Number(first)
  if (!Number.isSafeInteger(start) || start >= size) return { kind: 'unsatisfiable' }
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1)
  if (end < start) return { kind: 'whole' }
  return { kind: 'partial', start, end }
}
