/** A plain-text table for the terminal: header, rule, rows; the first column left-aligned, the others right-aligned unless told. */
export function formatTable(header: string[], rows: string[][], others: 'left' | 'right' = 'right'): string {
  const all = [header, ...rows]
  const widths = header.map((_, column) => Math.max(...all.map((row) => (row[column] ?? '').length)))
  const line = (row: string[]): string =>
    row
      .map((cell, column) =>
        column === 0 || others === 'left' ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd()
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n')
}
