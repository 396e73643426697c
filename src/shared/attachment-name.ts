/**
 * Rules about attachments that the server and the desktop app apply alike
 * (docs/design.md §4.5): how a file name from the outside world becomes a
 * name safe to show and to save under, which types a browser would render as
 * a document or script, and which files the OS would run.
 */

export const ATTACHMENTS_PER_MESSAGE_MAX = 10
export const ATTACHMENT_NAME_MAX = 255

/** C0/C1 controls, bidi embeddings/overrides/isolates and marks, and other invisible format characters (not the joiners U+200C/U+200D, which emoji and several scripts need). */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/g
/** Characters Windows, macOS or Linux will not have in a file name. */
const RESERVED_CHARS = /[<>:"|?*]/g
/** Device names Windows reserves whatever the extension (CON.txt opens the console). */
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i

/**
 * The name of an attachment as shown and as saved: the last path component
 * of whatever the client sent (both `/` and `\` separate), NFC, without
 * control, bidi-override or invisible characters (so "invoice\u202Egpj.exe"
 * cannot pose as a picture), without characters file systems refuse, without
 * leading dots or trailing dots and spaces, at most 255 characters with the
 * extension kept. Never empty: "file" when nothing is left.
 */
export function attachmentName(raw: string): string {
  const lastComponent = raw.split(/[/\\]/).pop() ?? ''
  let name = lastComponent
    .normalize('NFC')
    .replace(UNSAFE_CHARS, '')
    .replace(RESERVED_CHARS, '_')
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
    .trim()
    .replace(/^\.+/, '')
    .replace(/[. ]+$/, '')
  if (WINDOWS_DEVICE.test(name)) name = `_${name}`
  const chars = [...name]
  if (chars.length > ATTACHMENT_NAME_MAX) {
    const dot = name.lastIndexOf('.')
    const extension = dot > 0 ? [...name.slice(dot)] : []
    const keep = extension.length > 0 && extension.length <= 16 ? extension : []
    name = chars.slice(0, ATTACHMENT_NAME_MAX - keep.length).join('') + keep.join('')
  }
  return name.length > 0 ? name : 'file'
}

/**
 * Types a browser renders as a document or runs as a script: the server
 * serves these as application/octet-stream, and the desktop app never shows
 * them inline.
 */
export function isActiveContentType(mime: string): boolean {
  const type = mime.split(';')[0]?.trim().toLowerCase() ?? ''
  return (
    type === 'text/html' ||
    type === 'application/xhtml+xml' ||
    type === 'image/svg+xml' ||
    type === 'text/xml' ||
    type === 'application/xml' ||
    type.endsWith('+xml') ||
    type === 'text/javascript' ||
    type === 'application/javascript' ||
    type === 'application/x-javascript' ||
    type === 'application/ecmascript' ||
    type === 'text/ecmascript'
  )
}

/** Image types shown inline (thumbnails, the lightbox): raster formats only, never SVG. */
export const INLINE_IMAGE_TYPES: ReadonlySet<string> = new Set([
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/webp',
  'image/avif',
  'image/heic',
  'image/heif',
])

/** Extensions the OS would run or install when opened: opening one asks first. */
const EXECUTABLE_EXTENSIONS = new Set(
  (
    'exe msi msix msixbundle appx appxbundle bat cmd com scr pif cpl hta jar js jse vbs vbe wsf wsh ps1 psm1 ' +
    'lnk url reg inf msc gadget application appref-ms scf iso img vhd vhdx ' +
    'app pkg dmg command terminal tool workflow ' +
    'sh bash zsh csh ksh run bin appimage deb rpm snap flatpakref desktop py pl rb php'
  ).split(' '),
)

/** Whether opening a file of this name runs or installs something (the shell asks before opening it). */
export function isExecutableName(name: string): boolean {
  const dot = name.lastIndexOf('.')
  if (dot < 0) return false
  return EXECUTABLE_EXTENSIONS.has(name.slice(dot + 1).toLowerCase())
}
