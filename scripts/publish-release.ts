/**
 * `npm run publish-release -- <dir> [--releases-dir DIR] [--prune]`: puts a
 * release folder (what `npm run dist` wrote to dist/release) into the
 * server's RELEASES_DIR, where GET /updates/ and GET /download serve it
 * (docs/distribution.md).
 *
 * 1. Checks everything first: each feed parses, every file it names is
 *    there with the size and SHA-512 it states, and no file already
 *    published under the same name has other bytes (clients and caches keep
 *    a file for a year under its name). Nothing is copied unless all is well.
 * 2. Copies the files, then the feeds — each to a hidden temporary name (the
 *    server never serves dotfiles), flushed, then renamed into place — so an
 *    app never reads a feed naming a file that is not there yet.
 * 3. Keeps the files of earlier releases (an app updates differentially
 *    from its own version's blockmap) until `--prune` removes every file
 *    no feed of the folder names.
 *
 * Exit codes: 0 published, 1 refused (the release or the folder is not
 * right: every reason is printed), 2 usage or configuration error.
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { copyFile, mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { ConfigError, loadConfig } from '../src/server/config'
import { isReleaseFileName, MAX_FEED_BYTES, parseFeed, type Feed } from '../src/server/releases/feed'
import { fileInFolder } from '../src/server/releases/release-folder'
import { FEED_NAME, releaseFiles } from './release-files.mjs'

const USAGE = `Usage: npm run publish-release -- <dir> [--releases-dir DIR] [--prune]

Publishes the release in <dir> (what npm run dist wrote to dist/release) to the
server's releases folder: RELEASES_DIR, else DATA_DIR/releases.

Options:
  --releases-dir DIR   publish into DIR instead
  --prune              then remove every file no feed of the releases folder names
  -h, --help           show this help
`

/** A usage mistake: the message, then the usage, exit 2. */
class UsageError extends Error {}
/** What is wrong with the release or the folder, one line each: exit 1. */
class Refused extends Error {
  constructor(
    readonly reasons: string[],
    readonly heading = 'Not published:',
  ) {
    super(reasons.join('\n'))
  }
}

/** Where a file goes while it is copied: a dotfile, which the server never serves. */
const temporaryName = (name: string): string => `.${name}.publishing-${process.pid}`
const TEMPORARY = /^\..+\.publishing-\d+$/

async function main(argv: string[]): Promise<void> {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { 'releases-dir': { type: 'string' }, prune: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    })
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  const { values, positionals } = parsed
  if (values.help) {
    process.stdout.write(USAGE)
    return
  }
  if (positionals.length !== 1) throw new UsageError('Give the one folder to publish (e.g. dist/release).')
  const source = resolve(positionals[0] as string)
  const target = resolve(values['releases-dir'] ?? loadConfig().releases.dir)
  if (source === target) throw new UsageError('The folder to publish is the releases folder itself.')

  const release = await checkRelease(source)
  await mkdir(target, { recursive: true })
  const plan = await planCopies(source, target, release.files)
  for (const name of [...plan.copy, ...release.feeds]) await copyInto(source, target, name)
  const versions = [...new Set(release.parsed.map(({ feed }) => feed.version))].join(', ')
  console.log(
    `Published ${versions} (${release.feeds.join(', ')}) to ${target}: ${plan.copy.length} files copied, ${plan.unchanged.length} already there.`,
  )
  if (values.prune) {
    const removed = await prune(target)
    console.log(removed.length === 0 ? 'Nothing to prune.' : `Pruned ${removed.join(', ')}.`)
  }
}

interface CheckedRelease {
  feeds: string[]
  parsed: { name: string; feed: Feed }[]
  /** Installers and blockmaps, without the feeds. */
  files: string[]
}

/** Every feed of `dir` parses and every file it names is there, with its size and SHA-512; else every reason. */
async function checkRelease(dir: string): Promise<CheckedRelease> {
  let entries: string[]
  try {
    entries = await readdir(dir)
  } catch (err) {
    throw new Refused([`Cannot read ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`])
  }
  const names: string[] = []
  for (const name of entries) if ((await fileInFolder(dir, name)) !== null) names.push(name)
  const feedNames = names.filter((name) => FEED_NAME.test(name)).sort()
  if (feedNames.length === 0) {
    throw new Refused([`${dir} holds no update feed (latest.yml, latest-mac.yml, latest-linux.yml): give the folder npm run dist wrote, dist/release.`])
  }
  const reasons: string[] = []
  const parsed: { name: string; feed: Feed }[] = []
  for (const name of feedNames) {
    const bytes = await readFile(join(dir, name))
    const result = bytes.length > MAX_FEED_BYTES ? { ok: false as const, problem: `larger than ${MAX_FEED_BYTES} bytes` } : parseFeed(bytes.toString('utf8'), name)
    if (!result.ok) {
      reasons.push(`${name}: ${result.problem}`)
      continue
    }
    parsed.push({ name, feed: result.feed })
    for (const file of result.feed.files) {
      const path = await fileInFolder(dir, file.url)
      if (path === null) {
        reasons.push(`${name} names ${file.url}, which is not in ${dir}.`)
        continue
      }
      const size = (await stat(path)).size
      if (file.size !== undefined && file.size !== size) {
        reasons.push(`${file.url} is ${size} bytes; ${name} says ${file.size}.`)
        continue
      }
      if ((await sha512(path)) !== file.sha512) reasons.push(`${file.url}: its SHA-512 is not the one ${name} states (a different build?).`)
    }
  }
  if (reasons.length > 0) throw new Refused(reasons)
  const selected = releaseFiles(names, Object.fromEntries(parsed.map(({ name, feed }) => [name, feed])))
  return { feeds: selected.feeds, parsed, files: selected.files }
}

/** Which files to copy, and which are published already; a name that would change its bytes is refused. */
async function planCopies(source: string, target: string, files: string[]): Promise<{ copy: string[]; unchanged: string[] }> {
  const copy: string[] = []
  const unchanged: string[] = []
  const reasons: string[] = []
  for (const name of files) {
    const existing = await fileInFolder(target, name)
    if (existing === null) {
      copy.push(name)
      continue
    }
    const [mine, theirs] = await Promise.all([sha512(join(source, name)), sha512(existing)])
    if (mine === theirs) unchanged.push(name)
    else reasons.push(`${name} is published already with other bytes: apps and caches keep a file under its name, so build the release with a new version.`)
  }
  if (reasons.length > 0) throw new Refused(reasons)
  return { copy, unchanged }
}

/** Copy, flush, then rename into place: the name appears with all its bytes or not at all. */
async function copyInto(source: string, target: string, name: string): Promise<void> {
  const temporary = join(target, temporaryName(name))
  await copyFile(join(source, name), temporary)
  const file = await open(temporary, 'r')
  try {
    await file.sync()
  } finally {
    await file.close()
  }
  await rename(temporary, join(target, name))
}

/** Removes the files no feed of `dir` names (and temporary files of interrupted runs); refuses while a feed cannot be read. */
async function prune(dir: string): Promise<string[]> {
  const entries = await readdir(dir)
  const names: string[] = []
  for (const name of entries) if ((await fileInFolder(dir, name)) !== null) names.push(name)
  const feeds: Record<string, Feed> = {}
  const reasons: string[] = []
  for (const name of names.filter((entry) => FEED_NAME.test(entry))) {
    const result = parseFeed(await readFile(join(dir, name), 'utf8'), name)
    if (result.ok) feeds[name] = result.feed
    else reasons.push(`${name} in ${dir} cannot be read (${result.problem}), so what it names is unknown.`)
  }
  if (reasons.length > 0) throw new Refused(reasons, 'Published, but nothing pruned:')
  const keep = new Set(Object.keys(feeds))
  for (const name of releaseFiles(names, feeds).files) keep.add(name)
  const removed: string[] = []
  for (const name of entries.sort()) {
    const leftover = TEMPORARY.test(name)
    if (keep.has(name) || !(leftover || isReleaseFileName(name))) continue
    if (!(await stat(join(dir, name))).isFile()) continue
    await rm(join(dir, name))
    removed.push(name)
  }
  return removed
}

async function sha512(path: string): Promise<string> {
  const hash = createHash('sha512')
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
  return hash.digest('base64')
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof UsageError || err instanceof ConfigError) {
    console.error(err instanceof UsageError ? `${err.message}\n\n${USAGE}` : err.message)
    process.exit(2)
  }
  console.error(err instanceof Refused ? `${err.heading}\n  ${err.reasons.join('\n  ')}` : err)
  process.exit(1)
})
