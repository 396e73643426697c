// What belongs in a release folder (docs/distribution.md), chosen from what
// electron-builder left in dist/: the update feeds (latest.yml,
// latest-mac.yml, latest-linux*.yml), every file they name (installers, the
// macOS zip), and the blockmap beside each where there is one (differential
// updates). Nothing else — no *-unpacked folders, builder-debug.yml,
// builder-effective-config.yaml, or an older version's installers.
// Pure: scripts/dist.mjs reads the disk and copies, the test feeds it names.

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
