/**
 * What a release folder (RELEASES_DIR) holds, read the way GET /download
 * shows it: every feed, parsed, with the files it names. The folder is flat —
 * electron-updater resolves a feed's file names beside the feed — and nothing
 * outside it is ever read: names are checked, and a symlink counts only when
 * it stays inside the folder.
 */
import { open, readdir, realpath, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { feedOs, isFeedName, isReleaseFileName, MAX_FEED_BYTES, parseFeed, type DesktopOs } from './feed'

export interface ReleaseFile {
  name: string
  /** From the feed, or from the disk when the feed does not say. */
  size: number | null
  /** base64, as the feed gives it. */
  sha512: string
  /** On the disk, inside the folder. */
  present: boolean
}

export interface FeedRelease {
  feed: string
  os: DesktopOs
  version: string
  releaseDate: string | null
  files: ReleaseFile[]
}

export interface UnreadableFeed {
  feed: string
  problem: string
}

export interface ReleaseFolder {
  feeds: FeedRelease[]
  unreadable: UnreadableFeed[]
}

/**
 * The real path of `name` in `dir` when it is a regular file there (a
 * symlink to another file of the same folder counts; one leading out does
 * not), else null. The one gate between a URL and the disk.
 */
export async function fileInFolder(dir: string, name: string): Promise<string | null> {
  if (!isReleaseFileName(name)) return null
  try {
    const [folder, file] = await Promise.all([realpath(dir), realpath(join(dir, name))])
    if (dirname(file) !== folder) return null
    return (await stat(file)).isFile() ? file : null
  } catch {
    return null
  }
}

/** Every feed of the folder with its files; a missing folder is an empty one. */
export async function readReleaseFolder(dir: string): Promise<ReleaseFolder> {
  let names: string[]
  try {
    names = await readdir(dir)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { feeds: [], unreadable: [] }
    throw err
  }
  const feeds: FeedRelease[] = []
  const unreadable: UnreadableFeed[] = []
  for (const feedName of names.filter(isFeedName).sort()) {
    const text = await readFeedText(dir, feedName)
    if (typeof text !== 'string') {
      unreadable.push({ feed: feedName, problem: text.problem })
      continue
    }
    const parsed = parseFeed(text, feedName)
    if (!parsed.ok) {
      unreadable.push({ feed: feedName, problem: parsed.problem })
      continue
    }
    const files = await Promise.all(
      parsed.feed.files.map(async (file): Promise<ReleaseFile> => {
        const path = await fileInFolder(dir, file.url)
        const diskSize = path === null ? null : (await stat(path)).size
        return { name: file.url, size: file.size ?? diskSize, sha512: file.sha512, present: path !== null }
      }),
    )
    feeds.push({ feed: feedName, os: feedOs(feedName), version: parsed.feed.version, releaseDate: parsed.feed.releaseDate ?? null, files })
  }
  return { feeds, unreadable }
}

async function readFeedText(dir: string, feedName: string): Promise<string | { problem: string }> {
  const path = await fileInFolder(dir, feedName)
  if (path === null) return { problem: 'not a file of the releases folder' }
  const handle = await open(path, 'r')
  try {
    const buffer = Buffer.alloc(MAX_FEED_BYTES + 1)
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0)
    if (bytesRead > MAX_FEED_BYTES) return { problem: `larger than ${MAX_FEED_BYTES} bytes` }
    return buffer.subarray(0, bytesRead).toString('utf8')
  } finally {
    await handle.close()
  }
}
