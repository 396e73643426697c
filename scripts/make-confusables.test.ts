/**
 * src/shared/confusables-table.ts is exactly what scripts/make-confusables.ts
 * makes from the pinned unhomoglyph data, and decodes to that data: every
 * source character NFKD leaves alone, with its prototype.
 */
import { readFileSync } from 'node:fs'
import { expect, test } from 'vitest'
import { skeletonOf } from '../src/shared/look-alike'
import { encodeConfusables, OUTPUT, readConfusables, renderTable } from './make-confusables'

test('the committed table is the generated one', () => {
  expect(readFileSync(OUTPUT, 'utf8')).toBe(renderTable(encodeConfusables(readConfusables())))
})

test('every kept entry of confusables.txt maps its source as the data says', () => {
  const data = readConfusables()
  const kept = Object.entries(data).filter(([source]) => source.normalize('NFKD') === source)
  expect(kept.length).toBe(2_527)
  for (const [source, target] of kept) {
    if (/[\p{White_Space}\p{Default_Ignorable_Code_Point}]/u.test(source)) continue
    expect(skeletonOf(source), `U+${source.codePointAt(0)?.toString(16)}`).toBe(skeletonOf(target))
  }
})
