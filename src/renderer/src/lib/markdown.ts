/**
 * The chat flavour of Markdown a message body is shown in, parsed into plain
 * data that components render as React elements — never HTML: markup in a
 * body is text, whatever it says.
 *
 * Blocks, line by line: fenced code (```), block quotes (`> `, nested up to
 * MAX_DEPTH), lists (`- `, `* `, `+ `, `1. `), and paragraphs that keep their
 * line breaks (chat text: a newline is a newline). Inline: `code`, **bold**
 * (and __bold__), _italic_ and *italic*, ~~strike~~, [label](https://…),
 * bare http(s)/www links (lib/links.ts: only safe web links become links) and
 * `@name` tokens (shown as mention chips when they name a mentioned member).
 *
 * Cheap on long histories: one linear pass for blocks, protected spans found
 * by regular expressions, emphasis closers found by binary search, nesting
 * capped — and the result is memoised per body (`formatMessage`).
 */
import { safeUrl, splitLinks } from './links'

export type Inline =
  | { type: 'text'; text: string }
  | { type: 'strong' | 'em' | 'strike'; children: Inline[] }
  | { type: 'code'; text: string }
  | { type: 'link'; text: string; url: string }
  | { type: 'mention'; name: string }

export type Block =
  | { type: 'paragraph'; children: Inline[] }
  | { type: 'code'; text: string }
  | { type: 'quote'; children: Block[] }
  | { type: 'list'; ordered: boolean; start: number; items: Inline[][] }

/** Quotes inside quotes and emphasis inside emphasis beyond this are shown as text. */
const MAX_DEPTH = 6

const FENCE = /^ {0,3}```/
const QUOTE = /^ {0,3}> ?/
const BULLET = /^ {0,3}[-*+] +(?=\S)/
const ORDERED = /^ {0,3}(\d{1,9})[.)] +(?=\S)/
const BLANK = /^\s*$/

export function parseBlocks(body: string, depth = 0): Block[] {
  const lines = body.split('\n')
  const blocks: Block[] = []
  let paragraph: string[] = []
  const endParagraph = () => {
    // Blank lines between blocks are spacing, not text.
    while (paragraph.length > 0 && BLANK.test(paragraph[0] as string)) paragraph.shift()
    while (paragraph.length > 0 && BLANK.test(paragraph.at(-1) as string)) paragraph.pop()
    if (paragraph.length > 0) blocks.push({ type: 'paragraph', children: parseInline(paragraph.join('\n')) })
    paragraph = []
  }
  // Leading and trailing blank lines of the whole body are kept in a body without blocks (see below).
  let i = 0
  while (i < lines.length) {
    const line = lines[i] as string
    if (FENCE.test(line)) {
      endParagraph()
      const code: string[] = []
      i++
      while (i < lines.length && !/^ {0,3}```\s*$/.test(lines[i] as string)) code.push(lines[i++] as string)
      i++
      blocks.push({ type: 'code', text: code.join('\n') })
      continue
    }
    if (QUOTE.test(line) && depth < MAX_DEPTH) {
      endParagraph()
      const quoted: string[] = []
      while (i < lines.length && QUOTE.test(lines[i] as string)) quoted.push((lines[i++] as string).replace(QUOTE, ''))
      blocks.push({ type: 'quote', children: parseBlocks(quoted.join('\n'), depth + 1) })
      continue
    }
    const ordered = ORDERED.exec(line)
    if (ordered !== null || BULLET.test(line)) {
      endParagraph()
      const marker = ordered !== null ? ORDERED : BULLET
      const items: string[][] = []
      while (i < lines.length) {
        const current = lines[i] as string
        if (marker.test(current)) items.push([current.replace(marker, '')])
        else if (/^ {2,}\S/.test(current) && items.length > 0) (items.at(-1) as string[]).push(current.trim())
        else break
        i++
      }
      blocks.push({
        type: 'list',
        ordered: ordered !== null,
        start: ordered !== null ? Number(ordered[1]) : 1,
        items: items.map((item) => parseInline(item.join('\n'))),
      })
      continue
    }
    paragraph.push(line)
    i++
  }
  if (blocks.length === 0) {
    // Plain text: exactly as typed, blank lines and all.
    return paragraph.length === 0 ? [] : [{ type: 'paragraph', children: parseInline(paragraph.join('\n')) }]
  }
  endParagraph()
  return blocks
}

// ---------------------------------------------------------------------------
// Inline: first the spans whose insides are not formatting (code, links,
// mentions) become atoms; emphasis is then matched around them.

type Atom = Exclude<Inline, { type: 'text' } | { type: 'strong' | 'em' | 'strike' }>
type Piece = string | Atom

/** Stands for an atom in the text emphasis is matched in (a NUL cannot be sent: the server refuses it). */
const ATOM = '\u0000'

const CODE_SPAN = /`([^`\n]+)`/g
const LABELLED_LINK = /\[([^[\]\n]{1,500})\]\(([^()\s]{1,2000})\)/g
const MENTION = /(?<![A-Za-z0-9_.-])@[A-Za-z0-9_.-]{1,32}/g

function extract(pieces: Piece[], pattern: RegExp, make: (match: RegExpExecArray) => Atom | null): Piece[] {
  const out: Piece[] = []
  for (const piece of pieces) {
    if (typeof piece !== 'string') {
      out.push(piece)
      continue
    }
    let from = 0
    pattern.lastIndex = 0
    for (let match = pattern.exec(piece); match !== null; match = pattern.exec(piece)) {
      const atom = make(match)
      if (atom === null) continue
      if (match.index > from) out.push(piece.slice(from, match.index))
      out.push(atom)
      from = match.index + match[0].length
    }
    if (from < piece.length) out.push(piece.slice(from))
  }
  return out
}

function links(pieces: Piece[]): Piece[] {
  return pieces.flatMap((piece) =>
    typeof piece !== 'string' ? [piece] : splitLinks(piece).map((part): Piece => (part.type === 'text' ? part.text : { type: 'link', text: part.text, url: part.url })),
  )
}

const DELIMITERS = ['**', '__', '~~', '*', '_'] as const
type Delimiter = (typeof DELIMITERS)[number]
const KIND: Record<Delimiter, 'strong' | 'em' | 'strike'> = { '**': 'strong', __: 'strong', '~~': 'strike', '*': 'em', _: 'em' }

const isSpace = (char: string | undefined) => char === undefined || /\s/u.test(char)
const isWord = (char: string | undefined) => char !== undefined && /[\p{L}\p{N}]/u.test(char)

function delimiterAt(text: string, at: number): Delimiter | null {
  for (const delimiter of DELIMITERS) if (text.startsWith(delimiter, at)) return delimiter
  return null
}

function canOpen(text: string, at: number, delimiter: Delimiter): boolean {
  const after = text[at + delimiter.length]
  if (isSpace(after) || after === delimiter[0]) return false
  // snake_case_words stay words.
  return delimiter[0] !== '_' || !isWord(text[at - 1])
}

function canClose(text: string, at: number, delimiter: Delimiter): boolean {
  const before = text[at - 1]
  if (isSpace(before) || before === delimiter[0]) return false
  if (text[at + delimiter.length] === delimiter[0]) return false
  return delimiter[0] !== '_' || !isWord(text[at + delimiter.length])
}

/** Ascending positions where each delimiter could close, for binary search. */
function closers(text: string): Record<Delimiter, number[]> {
  const found: Record<Delimiter, number[]> = { '**': [], __: [], '~~': [], '*': [], _: [] }
  for (let at = 0; at < text.length; at++) {
    const char = text[at]
    if (char !== '*' && char !== '_' && char !== '~') continue
    for (const delimiter of DELIMITERS) if (text.startsWith(delimiter, at) && canClose(text, at, delimiter)) found[delimiter].push(at)
  }
  return found
}

function firstAtOrAfter(sorted: number[], from: number): number | undefined {
  let low = 0
  let high = sorted.length
  while (low < high) {
    const mid = (low + high) >> 1
    if ((sorted[mid] as number) < from) low = mid + 1
    else high = mid
  }
  return sorted[low]
}

export function parseInline(source: string): Inline[] {
  let pieces: Piece[] = [source.includes(ATOM) ? source.replaceAll(ATOM, '\uFFFD') : source]
  pieces = extract(pieces, CODE_SPAN, (match) => ({ type: 'code', text: match[1] as string }))
  pieces = extract(pieces, LABELLED_LINK, (match) => {
    const url = /^https?:\/\//i.test(match[2] as string) ? safeUrl(match[2] as string) : null
    return url === null ? null : { type: 'link', text: match[1] as string, url }
  })
  pieces = links(pieces)
  pieces = extract(pieces, MENTION, (match) => ({ type: 'mention', name: match[0].slice(1) }))

  const atoms: Atom[] = []
  const text = pieces
    .map((piece) => {
      if (typeof piece === 'string') return piece
      atoms.push(piece)
      return ATOM
    })
    .join('')
  const atomIndex = new Map<number, Atom>()
  let next = 0
  for (let at = text.indexOf(ATOM); at !== -1; at = text.indexOf(ATOM, at + 1)) atomIndex.set(at, atoms[next++] as Atom)
  const close = closers(text)

  const parse = (start: number, end: number, depth: number): Inline[] => {
    const out: Inline[] = []
    let plainFrom = start
    const flush = (to: number) => {
      if (to > plainFrom) {
        const last = out.at(-1)
        if (last?.type === 'text') last.text += text.slice(plainFrom, to)
        else out.push({ type: 'text', text: text.slice(plainFrom, to) })
      }
    }
    let at = start
    while (at < end) {
      const char = text[at]
      if (char === ATOM) {
        flush(at)
        out.push(atomIndex.get(at) as Atom)
        plainFrom = ++at
        continue
      }
      const delimiter = char === '*' || char === '_' || char === '~' ? delimiterAt(text, at) : null
      if (delimiter !== null && depth < MAX_DEPTH && canOpen(text, at, delimiter)) {
        const closing = firstAtOrAfter(close[delimiter], at + delimiter.length + 1)
        if (closing !== undefined && closing + delimiter.length <= end) {
          flush(at)
          out.push({ type: KIND[delimiter], children: parse(at + delimiter.length, closing, depth + 1) })
          at = closing + delimiter.length
          plainFrom = at
          continue
        }
      }
      at += delimiter?.length ?? 1
    }
    flush(end)
    return out
  }
  return parse(0, text.length, 0)
}

// ---------------------------------------------------------------------------

const CACHE_MAX = 2_000
const cache = new Map<string, Block[]>()

/** `parseBlocks`, memoised per body (the most recent 2,000): a long history scrolls without parsing again. */
export function formatMessage(body: string): Block[] {
  const hit = cache.get(body)
  if (hit !== undefined) {
    cache.delete(body)
    cache.set(body, hit)
    return hit
  }
  const blocks = parseBlocks(body)
  cache.set(body, blocks)
  if (cache.size > CACHE_MAX) cache.delete(cache.keys().next().value as string)
  return blocks
}

/** The text a body shows, without its formatting marks (reply snippets, copy as text is the raw body). */
export function plainText(blocks: readonly Block[]): string {
  const inline = (nodes: readonly Inline[]): string =>
    nodes
      .map((node) =>
        node.type === 'text' || node.type === 'code' || node.type === 'link'
          ? node.text
          : node.type === 'mention'
            ? `@${node.name}`
            : inline(node.children),
      )
      .join('')
  return blocks
    .map((block) =>
      block.type === 'paragraph'
        ? inline(block.children)
        : block.type === 'code'
          ? block.text
          : block.type === 'quote'
            ? plainText(block.children)
            : block.items.map(inline).join('\n'),
    )
    .join('\n')
}
