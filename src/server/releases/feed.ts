/**
 * The update feeds electron-builder writes beside the installers and
 * electron-updater's generic provider reads (`latest.yml` for Windows,
 * `latest-mac.yml`, `latest-linux.yml` and `latest-linux-<arch>.yml`), and
 * the names of the files a release folder may hold (docs/distribution.md).
 * One reader for the server (GET /download) and `npm run publish-release`.
 */
import { CORE_SCHEMA, load } from 'js-yaml'
import { z } from 'zod'

export type DesktopOs = 'windows' | 'mac' | 'linux'

/** `latest.yml` (Windows), `latest-mac.yml`, `latest-linux.yml`, `latest-linux-arm64.yml`… */
const FEED_NAME = /^latest(?:-mac|-linux(?:-[a-z0-9]+)?)?\.yml$/

export function isFeedName(name: string): boolean {
  return FEED_NAME.test(name)
}

/** Which OS a feed is for (isFeedName first). */
export function feedOs(feedName: string): DesktopOs {
  if (feedName.startsWith('latest-mac')) return 'mac'
  if (feedName.startsWith('latest-linux')) return 'linux'
  return 'windows'
}

/**
 * A file a release folder may hold: one plain name, no folders, never a
 * dotfile (the temporary names of publish-release start with a dot), no
 * characters a shell or a URL would trip over.
 */
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._+~-]{0,254}$/

export function isReleaseFileName(name: string): boolean {
  return FILE_NAME.test(name)
}

/** SHA-512 as electron-builder writes it: base64 of the 64 bytes. */
const sha512Base64 = z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'base64 of a SHA-512 digest (88 characters)')

const feedFileSchema = z
  .object({
    url: z.string().refine(isReleaseFileName, 'a file name in the same folder (letters, digits, . _ + ~ -)'),
    sha512: sha512Base64,
    size: z.number().int().nonnegative().optional(),
  })
  .loose()

export const feedSchema = z
  .object({
    version: z.string().regex(/^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]{1,64})?$/, 'a semantic version (1.2.3)'),
    files: z.array(feedFileSchema).min(1, 'at least one file'),
    releaseDate: z.string().max(64).optional(),
  })
  .loose()

export type Feed = z.infer<typeof feedSchema>
export type FeedFile = z.infer<typeof feedFileSchema>

/** A feed larger than this is not one electron-builder wrote. */
export const MAX_FEED_BYTES = 256 * 1024

export type FeedParse = { ok: true; feed: Feed } | { ok: false; problem: string }

/** Parse and validate one feed's text; never throws. */
export function parseFeed(text: string, name = 'feed'): FeedParse {
  let data: unknown
  try {
    // The core schema: no timestamps turned into Dates, nothing but plain data.
    data = load(text, { schema: CORE_SCHEMA, filename: name })
  } catch (err) {
    return { ok: false, problem: `not YAML: ${(err as Error).message.split('\n')[0]}` }
  }
  const parsed = feedSchema.safeParse(data)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    return { ok: false, problem: issue === undefined ? 'not a feed' : `${issue.path.join('.') || 'feed'}: ${issue.message}` }
  }
  const names = parsed.data.files.map((file) => file.url)
  const twice = names.find((fileName, index) => names.indexOf(fileName) !== index)
  if (twice !== undefined) return { ok: false, problem: `files: ${twice} is listed twice` }
  return { ok: true, feed: parsed.data }
}

/** The hex form of a base64 SHA-512, as `sha512sum` prints it. */
export function sha512Hex(base64: string): string {
  return Buffer.from(base64, 'base64').toString('hex')
}

/** The file's blockmap (differential updates), where electron-builder writes one. */
export function blockmapName(fileName: string): string {
  return `${fileName}.blockmap`
}
