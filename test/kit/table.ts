/**
 * Tables of figures: plain text for the terminal (header, rule, rows; the
 * first column left-aligned, the others right-aligned unless told; widths in
 * characters, so CJK and emoji labels line up as far as a terminal allows),
 * and markdown for documents.
 */

export interface TableLayout {
  /** Alignment of every column but the first (always left). */
  others?: 'left' | 'right'
  /** Spaces before every line. */
  indent?: number
}

const width = (cell: string): number => [...cell].length

export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], layout: TableLayout = {}): string {
  const { others = 'right', indent = 0 } = layout
  const all = [header, ...rows]
  const columns = Math.max(...all.map((row) => row.length))
  const widths = Array.from({ length: columns }, (_, column) => Math.max(...all.map((row) => width(row[column] ?? ''))))
  const pad = (cell: string, column: number): string => {
    const fill = ' '.repeat(Math.max(0, (widths[column] ?? 0) - width(cell)))
    return column === 0 || others === 'left' ? cell + fill : fill + cell
  }
  const line = (row: readonly string[]): string =>
    `${' '.repeat(indent)}${widths.map((_, column) => pad(row[column] ?? '', column)).join('  ')}`.trimEnd()
  const rule = `${' '.repeat(indent)}${widths.map((w) => '-'.repeat(w)).join('  ')}`
  return [line(header), rule, ...rows.map(line)].join('\n')
}

/** A markdown table; `align` per column, `r` for figures. */
export function markdownTable(header: readonly string[], align: readonly ('l' | 'r')[], rows: readonly (readonly string[])[]): string {
  const rule = align.map((side) => (side === 'r' ? '--:' : '---'))
  return [header, rule, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n')
}
