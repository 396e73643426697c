/**
 * Where an account keeps its files (docs/design.md §7.7), beside its cache
 * database: `attachments/outbox/` (private copies of staged and unsent files,
 * named by staged id), `files/` (the download cache, by attachment id),
 * `thumbnails/` (`<id>.webp`) and `tmp/` (downloads in progress, renamed into
 * place when whole). Files are named by ids, never by the user's names.
 */
import { createHash } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'

export class AttachmentFolders {
  readonly outbox: string
  readonly files: string
  readonly thumbnails: string
  readonly tmp: string

  constructor(accountDir: string) {
    const root = join(accountDir, 'attachments')
    this.outbox = join(root, 'outbox')
    this.files = join(root, 'files')
    this.thumbnails = join(root, 'thumbnails')
    this.tmp = join(root, 'tmp')
    for (const dir of [this.outbox, this.files, this.thumbnails, this.tmp]) mkdirSync(dir, { recursive: true })
  }

  /** A staged file's private copy (staged ids are made by the core: always safe as a name). */
  staged(stagedId: string): string {
    return join(this.outbox, stagedId)
  }

  file(attachmentId: string): string {
    return join(this.files, fileKey(attachmentId))
  }

  thumbnail(attachmentId: string): string {
    return join(this.thumbnails, `${fileKey(attachmentId)}.webp`)
  }
}

/**
 * An attachment id as a file name. Ids come from the server and the schema
 * only bounds their length: one that is not plainly safe (letters, digits,
 * `_`, `-`) is hashed, so no id can name a path outside the folder.
 */
export function fileKey(attachmentId: string): string {
  return /^[A-Za-z0-9_-]{1,64}$/.test(attachmentId) ? attachmentId : `h-${createHash('sha256').update(attachmentId).digest('hex')}`
}
