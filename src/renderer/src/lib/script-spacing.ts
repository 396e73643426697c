/**
 * Where a name meets Chinese text, a space only between scripts: "Alice 添加了 Bob",
 * but "你添加了 Bob" and "张三添加了李四" — Chinese runs on without spaces, and a
 * space is put between Han characters and Latin letters or digits (the usual
 * typesetting of mixed text). The translation is written without spaces around
 * its placeholders where the language needs none ("{{actor}}添加了{{people}}");
 * `spacedByScript` decides each edge of each value by the characters on either
 * side of it. English templates keep their own spaces, so nothing changes there.
 */

/** Scripts written without spaces between words. */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Bopomofo}]/u
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u
/** Marks a value's place in the rendered template; a translation never contains it. */
const MARK = '\u0000'

function needsSpace(before: string, after: string): boolean {
  const unspaced = (char: string) => UNSPACED.test(char)
  const spaced = (char: string) => LETTER_OR_DIGIT.test(char) && !unspaced(char)
  return (unspaced(before) && spaced(after)) || (spaced(before) && unspaced(after))
}

function lastChar(text: string): string {
  return [...text].at(-1) ?? ''
}

function firstChar(text: string): string {
  return [...text][0] ?? ''
}

/**
 * `render` (a translation) with `values` put in, and a space added at a
 * value's edge where it meets text of the other kind of script.
 */
export function spacedByScript<K extends string>(values: Record<K, string>, render: (placeholders: Record<K, string>) => string): string {
  const keys = Object.keys(values) as K[]
  const placeholders = Object.fromEntries(keys.map((key, index) => [key, `${MARK}${index}${MARK}`])) as Record<K, string>
  // Split on the marks: even pieces are the template's text, odd ones the index of a value.
  const pieces = render(placeholders)
    .split(MARK)
    .map((piece, index) => (index % 2 === 0 ? piece : values[keys[Number(piece)] as K]))
  let text = ''
  for (const piece of pieces) {
    if (piece === '') continue
    if (needsSpace(lastChar(text), firstChar(piece))) text += ' '
    text += piece
  }
  return text
}
