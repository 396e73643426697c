/**
 * Attachments over real HTTP (docs/design.md §4.5): upload with fetch's
 * FormData as a browser or the desktop app would, download with any
 * headers, and list what a server left on disk (DATA_DIR/tmp, DATA_DIR/blobs).
 */
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Attachment } from '../../src/shared/api'
import type { Reply } from './rest'

export interface UploadFile {
  bytes: Uint8Array
  name: string
  /** What the client claims; the server must not believe it. */
  type?: string
}

/** POST /api/attachments with one file in the field `file`. */
export async function upload(baseUrl: string, token: string, file: UploadFile): Promise<Reply<Attachment>> {
  const form = new FormData()
  form.append('file', new Blob([file.bytes], { type: file.type ?? 'application/octet-stream' }), file.name)
  const response = await fetch(`${baseUrl}/api/attachments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
    signal: AbortSignal.timeout(15_000),
  })
  const text = await response.text()
  return { status: response.status, json: (text === '' ? null : JSON.parse(text)) as Attachment, text, headers: response.headers }
}

export interface Download {
  status: number
  headers: Headers
  body: Buffer
}

/** GET an attachment path (`/api/attachments/:id` or its thumbnail) with extra headers. */
export async function download(baseUrl: string, token: string, path: string, headers: Record<string, string> = {}): Promise<Download> {
  const response = await fetch(`${baseUrl}${path}`, {
    headers: { authorization: `Bearer ${token}`, ...headers },
    signal: AbortSignal.timeout(15_000),
  })
  return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) }
}

/** Every file under `dir` (recursively), relative paths; [] when it does not exist. */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
}

/** What a server keeps of uploads on disk: its temp files and its blobs. */
export function leftOnDisk(dataDir: string): { tmp: string[]; blobs: string[] } {
  return { tmp: filesUnder(join(dataDir, 'tmp')), blobs: filesUnder(join(dataDir, 'blobs')) }
}
