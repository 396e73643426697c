/**
 * A long file name shortened in the middle so its start and its extension
 * both stay readable ("quarterly-rep…2025.pdf"). Counted in columns — a
 * Chinese, Japanese or Korean character or an emoji takes two, as on screen —
 * and by code points, so a surrogate pair is never cut in half.
 */
const WIDE = /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]|[\u{1F300}-\u{1FAFF}\u{20000}-\u{3FFFD}]/u

const columns = (char: string): number => (WIDE.test(char) ? 2 : 1)
const width = (chars: readonly string[]): number => chars.reduce((sum, char) => sum + columns(char), 0)

/** As many characters from the start (or the end) of `chars` as fit in `room` columns. */
function take(chars: readonly string[], room: number, fromEnd: boolean): string[] {
  const out: string[] = []
  let used = 0
  for (let i = 0; i < chars.length; i++) {
    const char = chars[fromEnd ? chars.length - 1 - i : i] as string
    if (used + columns(char) > room) break
    used += columns(char)
    out.push(char)
  }
  return fromEnd ? out.reverse() : out
}

export function truncateMiddle(name: string, max: number): string {
  const chars = [...name]
  if (width(chars) <= max) return name
  const dot = name.lastIndexOf('.')
  const extension = dot > 0 ? [...name.slice(dot)] : []
  // A long "extension" (more than 8 letters, or half the room) is just part of the name.
  const keepExtension = extension.length > 0 && width(extension) <= Math.min(9, Math.floor(max / 2)) ? extension : []
  const room = max - 1 - width(keepExtension)
  const stem = chars.slice(0, chars.length - keepExtension.length)
  const head = take(stem, room - Math.floor(room / 3), false)
  const tail = take(stem.slice(head.length), room - width(head), true)
  return [...head, '…', ...tail, ...keepExtension].join('')
}

/** The extension in capitals for a file card's icon ("PDF"), at most 4 letters; '' when there is none. */
export function extensionLabel(name: string): string {
  const dot = name.lastIndexOf('.')
  if (dot <= 0 || dot === name.length - 1) return ''
  const extension = name.slice(dot + 1)
  return /^[A-Za-z0-9]{1,4}$/.test(extension) ? extension.toUpperCase() : ''
}
