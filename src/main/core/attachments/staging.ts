/**
 * Files on their way into a message, before it is sent (docs/design.md §7.7):
 * each one copied into the account's outbox folder under a staged id — from
 * a path the picker chose, or from bytes the renderer sends (paste, drop:
 * begin, append in order, finish) — its type sniffed from the content and,
 * for images, its size as displayed. `take` hands staged files to a message
 * being sent (the outbox row refers to the copy from then on); `discard`
 * deletes one. Copies left over from an earlier run (the app closed with a
 * full composer) that no outbox row refers to are deleted at start once a
 * day old.
 */
import { randomBytes } from 'node:crypto'
import { createWriteStream, type WriteStream } from 'node:fs'
import { copyFile, readdir, rename, rm, stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { attachmentName, INLINE_IMAGE_TYPES } from '../../../shared/attachment-name'
import { mediaPath, ParleyError, type StagedAttachment } from '../../../shared/ipc'
import type { AttachmentFolders } from './attachment-folders'
import { sniffFile } from './sniff'

/** A staged file with its private copy. */
export interface StagedFile extends StagedAttachment {
  conversationId: string
  path: string
}

interface Incoming {
  conversationId: string
  name: string
  size: number
  received: number
  out: WriteStream
  /** Appends run one after another, in the order they were called. */
  chain: Promise<void>
}

/** Files being received from the renderer at once: a page cannot open files without end. */
const INCOMING_MAX = 32
/** Staged files not sent yet, per account. */
const STAGED_MAX = 200
/** A leftover copy this old that nothing refers to is deleted at start. */
const LEFTOVER_AGE_MS = 24 * 60 * 60 * 1000

export interface StagingDeps {
  folders: AttachmentFolders
  /** The largest file the server takes (its /api/config, else the default). */
  maxUploadBytes(): Promise<number>
  now(): number
}

export class Staging {
  private readonly staged = new Map<string, StagedFile>()
  private readonly incoming = new Map<string, Incoming>()

  constructor(private readonly deps: StagingDeps) {}

  /** Copy files the user picked (paths from main's own dialog); all or none: one that cannot be taken fails the call. */
  async stageFiles(conversationId: string, paths: readonly string[]): Promise<StagedAttachment[]> {
    const limit = await this.deps.maxUploadBytes()
    const done: StagedFile[] = []
    try {
      for (const source of paths) {
        const name = attachmentName(basename(source))
        const info = await stat(source).catch(() => null)
        if (info === null || !info.isFile()) throw new ParleyError('not_found', `Cannot read "${name}"`)
        if (info.size > limit) throw tooLarge(name, limit)
        this.roomForOne()
        const stagedId = newStagedId()
        const path = this.deps.folders.staged(stagedId)
        await copyFile(source, path)
        const size = (await stat(path)).size
        if (size > limit) throw tooLarge(name, limit)
        done.push(await this.register(stagedId, conversationId, name, path, size))
      }
      return done.map(publicView)
    } catch (err) {
      for (const file of done) await this.discard(file.stagedId).catch(() => undefined)
      throw err
    }
  }

  /** Start receiving a file from the renderer; refused at once when over the server's limit. */
  async begin(conversationId: string, rawName: string, size: number): Promise<string> {
    const limit = await this.deps.maxUploadBytes()
    const name = attachmentName(rawName)
    if (size > limit) throw tooLarge(name, limit)
    if (this.incoming.size >= INCOMING_MAX) throw new ParleyError('too_many', 'Too many files are being added at once')
    this.roomForOne()
    const stagedId = newStagedId()
    const out = createWriteStream(`${this.deps.folders.staged(stagedId)}.part`)
    out.on('error', () => undefined)
    this.incoming.set(stagedId, { conversationId, name, size, received: 0, out, chain: Promise.resolve() })
    return stagedId
  }

  /** The next bytes of a file being received; more than it declared is refused (and changes nothing). */
  append(stagedId: string, bytes: Uint8Array): Promise<void> {
    const file = this.incoming.get(stagedId)
    if (file === undefined) return Promise.reject(new ParleyError('not_found', 'No such file being added'))
    if (file.received + bytes.byteLength > file.size) {
      return Promise.reject(new ParleyError('bad_request', 'More bytes than the file was said to have'))
    }
    file.received += bytes.byteLength
    const copy = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    const write = file.chain.then(
      () =>
        new Promise<void>((resolve, reject) => {
          file.out.write(copy, (err) => (err ? reject(new ParleyError('internal', `Cannot store the file: ${err.message}`)) : resolve()))
        }),
    )
    file.chain = write.catch(() => undefined)
    return write
  }

  /** Every declared byte arrived: the file is staged. */
  async finish(stagedId: string): Promise<StagedAttachment> {
    const file = this.incoming.get(stagedId)
    if (file === undefined) throw new ParleyError('not_found', 'No such file being added')
    if (file.received !== file.size) {
      throw new ParleyError('bad_request', `The file is incomplete: ${file.received} of ${file.size} bytes arrived`)
    }
    this.incoming.delete(stagedId)
    const part = `${this.deps.folders.staged(stagedId)}.part`
    const path = this.deps.folders.staged(stagedId)
    try {
      await file.chain
      await new Promise<void>((resolve, reject) => file.out.end((err?: Error | null) => (err ? reject(err) : resolve())))
      await rename(part, path)
      return publicView(await this.register(stagedId, file.conversationId, file.name, path, file.size))
    } catch (err) {
      await rm(part, { force: true })
      await rm(path, { force: true })
      throw err instanceof ParleyError ? err : new ParleyError('internal', `Cannot store the file: ${String(err)}`)
    }
  }

  /** Take a file out of the composer: its copy goes. */
  async discard(stagedId: string): Promise<void> {
    const incoming = this.incoming.get(stagedId)
    if (incoming !== undefined) {
      this.incoming.delete(stagedId)
      incoming.out.destroy()
      await rm(`${this.deps.folders.staged(stagedId)}.part`, { force: true })
      return
    }
    const file = this.staged.get(stagedId)
    if (file === undefined) throw new ParleyError('not_found', 'No such staged file')
    this.staged.delete(stagedId)
    await rm(file.path, { force: true })
  }

  /** A staged file not sent yet (its preview), or null. */
  get(stagedId: string): StagedFile | null {
    return this.staged.get(stagedId) ?? null
  }

  /**
   * The staged files a message is sent with, in order, checked before
   * anything changes: each staged for this conversation, none twice. They
   * leave staging (`release`) once the message is written.
   */
  peek(conversationId: string, stagedIds: readonly string[]): StagedFile[] {
    if (new Set(stagedIds).size !== stagedIds.length) throw new ParleyError('bad_request', 'A file appears twice')
    return stagedIds.map((id) => {
      const file = this.staged.get(id)
      if (file === undefined || file.conversationId !== conversationId) throw new ParleyError('not_found', 'No such staged file in this conversation')
      return file
    })
  }

  /** These files now belong to an outbox row. */
  release(stagedIds: readonly string[]): void {
    for (const id of stagedIds) this.staged.delete(id)
  }

  /** Delete copies from earlier runs that no outbox row refers to and that are older than a day (or partial). */
  async cleanLeftovers(referenced: ReadonlySet<string>): Promise<number> {
    const { outbox } = this.deps.folders
    let removed = 0
    for (const entry of await readdir(outbox).catch(() => [] as string[])) {
      const path = join(outbox, entry)
      if (referenced.has(path)) continue
      const id = entry.replace(/\.part$/, '')
      if (this.staged.has(id) || this.incoming.has(id)) continue
      const info = await stat(path).catch(() => null)
      if (info === null || this.deps.now() - info.mtimeMs < LEFTOVER_AGE_MS) continue
      await rm(path, { recursive: true, force: true })
      removed++
    }
    return removed
  }

  /** Sign-out: files being received are closed (their copies stay for the next start's cleaning). */
  dispose(): void {
    for (const file of this.incoming.values()) file.out.destroy()
    this.incoming.clear()
  }

  private roomForOne(): void {
    if (this.staged.size + this.incoming.size >= STAGED_MAX) throw new ParleyError('too_many', 'Too many files are waiting to be sent')
  }

  private async register(stagedId: string, conversationId: string, name: string, path: string, size: number): Promise<StagedFile> {
    const sniffed = await sniffFile(path)
    const file: StagedFile = {
      stagedId,
      conversationId,
      path,
      name,
      size,
      ...sniffed,
      previewUrl: INLINE_IMAGE_TYPES.has(sniffed.mime) ? mediaPath('staged', stagedId) : null,
    }
    this.staged.set(stagedId, file)
    return file
  }
}

/** An id for a staged file: random, and safe as a file name and in a /media/ path. */
const newStagedId = (): string => randomBytes(16).toString('base64url')

function publicView(file: StagedFile): StagedAttachment {
  const { stagedId, name, size, mime, width, height, previewUrl } = file
  return { stagedId, name, size, mime, width, height, previewUrl }
}

function tooLarge(name: string, limit: number): ParleyError {
  return new ParleyError('too_large', `"${name}" is too large: the server takes files up to ${formatBytes(limit)}`)
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 * 1024) return `${+(bytes / 1024 ** 3).toFixed(1)} GiB`
  if (bytes >= 1024 * 1024) return `${+(bytes / 1024 ** 2).toFixed(1)} MiB`
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KiB`
  return `${bytes} bytes`
}
