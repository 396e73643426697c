/**
 * Benchmark sizes, as `--name=value` (test/kit/options.ts); a quick run is
 * `npm run bench:attachments -- --upload-mib=50 --rounds=1 --thumbnails=20`.
 */
import { decimal, integer, readOptions as read, type OptionValues } from '../../test/kit/options'
import { resultsDir } from '../results'

const spec = {
  /** Size of the uploaded file. */
  uploadMib: integer(200),
  /** Uploads of that file to each server (baseline and Parley alternating); the medians are compared. */
  rounds: integer(5),
  /** The photo's size in megapixels (4:3). */
  megapixels: decimal(12, 'a number of megapixels from 0.1 to 50', (value) => value >= 0.1 && value <= 50),
  /** Timed thumbnails of that photo on each side (after 2 untimed ones). */
  thumbnails: integer(100),
  resultsDir,
}

export type BenchOptions = OptionValues<typeof spec>

export const readOptions = (argv?: readonly string[]): BenchOptions => read(spec, argv)
