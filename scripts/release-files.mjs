// What belongs in a release folder (docs/distribution.md), chosen from what
// electron-builder left in dist/: the update feeds (latest.yml,
// latest-mac.yml, latest-linux*.yml), every file they name (installers, the
// macOS zip), and the blockmap beside each where there is one (differential
// updates). Nothing else — no *-unpacked folders, builder-debug.yml,
// builder-effective-config.yaml, or an older version's installers.
// releaseFiles is the choice, from names alone; collectRelease reads dist/ and
// copies that choice into dist/release (scripts/dist.mjs, step 4).

import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { load } from 'js-yaml'

/** The feed names electron-builder writes for the "latest" channel (the server serves the same: src/server/releases/feed.ts). */
export const FEED_NAME = /^latest(?:-mac|-linux(?:-[a-z0-9]+)?)?\.yml$/

/**
 * @param {string[]} names the files (not folders) at the top of dist/
 * @param {Record<string, unknown>} feeds each feed of `names`, parsed
 * @returns {{ files: string[], feeds: string[], missing: string[] }} the files to copy, then the feeds
 *   to copy after them (a feed never names a file not there yet), and what a feed names that is not in `names`
 */
export function releaseFiles(names, feeds) {
  const present = new Set(names)
  const feedNames = names.filter((name) => FEED_NAME.test(name)).sort()
  const files = new Set()
  const missing = new Set()
  for (const feed of feedNames) {
    for (const name of namedBy(feeds[feed])) {
      if (!present.has(name)) {
        missing.add(name)
        continue
      }
      files.add(name)
      if (present.has(`${name}.blockmap`)) files.add(`${name}.blockmap`)
    }
  }
  return { files: [...files].sort(), feeds: feedNames, missing: [...missing].sort() }
}

/** The file names a parsed feed lists (`files[].url`, and the older `path`). */
function namedBy(feed) {
  if (typeof feed !== 'object' || feed === null) return []
  const urls = Array.isArray(feed.files) ? feed.files.map((file) => file?.url) : []
  return [...urls, feed.path].filter((name) => typeof name === 'string' && name !== '')
}

/**
 * Copies what releaseFiles chooses from `out` (electron-builder's dist/) into
 * `out`/release, emptied first: the files, then the feeds.
 * @param {string} out
 * @returns {{ ok: true, dir: string, files: string[] } | { ok: false, error: string }} the folder and what it
 *   holds, or why nothing was copied (no feed; a feed names a file that is not there)
 */
export function collectRelease(out) {
  const names = readdirSync(out).filter((name) => statSync(join(out, name)).isFile())
  const feeds = Object.fromEntries(names.filter((name) => FEED_NAME.test(name)).map((name) => [name, load(readFileSync(join(out, name), 'utf8'))]))
  const { files, feeds: feedNames, missing } = releaseFiles(names, feeds)
  if (feedNames.length === 0) return { ok: false, error: 'electron-builder wrote no update feed (latest*.yml) into dist/: is `publish` set in electron-builder.yml?' }
  if (missing.length > 0) return { ok: false, error: `the update feeds name files that are not in dist/: ${missing.join(', ')}` }
  const dir = join(out, 'release')
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir)
  for (const name of [...files, ...feedNames]) copyFileSync(join(out, name), join(dir, name))
  return { ok: true, dir, files: [...files, ...feedNames] }
}
