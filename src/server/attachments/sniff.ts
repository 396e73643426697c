/**
 * The type of an upload, from its content only (docs/design.md §4.5): what the
 * client claims is never read. Binary formats by file-type's signatures; text
 * (valid UTF-8 without NUL, checked over the whole file while it was spooled)
 * by a short version of the WHATWG MIME sniffing rules, so markup a browser
 * would render is labelled as such (text/html, image/svg+xml, text/xml) and
 * then served as application/octet-stream; other text is text/plain, and
 * anything else application/octet-stream.
 */
import { fileTypeFromFile } from 'file-type'
import type { Spooled } from './spool'

export const OCTET_STREAM = 'application/octet-stream'

/** Tags that make a browser treat text as HTML when they open it (WHATWG MIME Sniffing §7.1). */
const HTML_TAGS = [
  '<!doctype html', '<html', '<head', '<script', '<iframe', '<h1', '<div', '<font', '<table', '<a', '<style',
  '<title', '<b', '<body', '<br', '<p', '<!--',
]

export async function sniffType(file: Pick<Spooled, 'path' | 'head' | 'text' | 'size'>): Promise<string> {
  if (file.size === 0) return OCTET_STREAM
  const detected = await fileTypeFromFile(file.path)
  if (detected !== undefined) {
    // file-type calls every XML document application/xml; an SVG one is an image a browser runs scripts in.
    if (detected.mime === 'application/xml' && file.text && textType(file.head) === 'image/svg+xml') return 'image/svg+xml'
    return detected.mime
  }
  return file.text ? textType(file.head) : OCTET_STREAM
}

/** Markup or plain text, from the first bytes of a file already known to be UTF-8. */
export function textType(head: Buffer): string {
  const text = head.toString('utf8').replace(/^\uFEFF/, '').trimStart().toLowerCase()
  for (const tag of HTML_TAGS) {
    if (!text.startsWith(tag)) continue
    const after = text.charAt(tag.length)
    if (tag === '<!--' || after === '' || after === ' ' || after === '>' || /\s/.test(after)) return 'text/html'
  }
  if (text.startsWith('<svg') || (text.startsWith('<?xml') && text.includes('<svg'))) return 'image/svg+xml'
  if (text.startsWith('<?xml')) return 'text/xml'
  // Markup further in (after a comment, a BOM-less preamble): a browser told text/plain with nosniff shows it as
  // text, but label it markup anyway when an svg or html root appears early on.
  if (/<svg[\s>]/.test(text)) return 'image/svg+xml'
  if (/<(html|script)[\s>]/.test(text)) return 'text/html'
  return 'text/plain'
}
