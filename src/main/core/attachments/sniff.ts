/**
 * What a file is, from its bytes (never its name): the type by content
 * sniffing (file-type), and for images shown inline their size as displayed —
 * an EXIF orientation of 5–8 turns the picture a quarter, so width and height
 * swap (the server does the same; docs/design.md §4.1).
 */
import { open } from 'node:fs/promises'
import { fileTypeFromBuffer } from 'file-type'
import { imageSize } from 'image-size'
import { INLINE_IMAGE_TYPES } from '../../../shared/attachment-name'

export interface Sniffed {
  mime: string
  width: number | null
  height: number | null
}

/** Enough of the head for file-type's detectors and for image-size to find dimensions in common files. */
const HEAD_BYTES = 512 * 1024

export async function sniffFile(path: string): Promise<Sniffed> {
  const head = await readHead(path, HEAD_BYTES)
  const type = head.byteLength > 0 ? await fileTypeFromBuffer(head).catch(() => undefined) : undefined
  const mime = type?.mime ?? 'application/octet-stream'
  if (!INLINE_IMAGE_TYPES.has(mime)) return { mime, width: null, height: null }
  return { mime, ...dimensions(head) }
}

/** Width and height as displayed; nulls when the head does not say (a truncated or odd file). */
function dimensions(head: Uint8Array): { width: number | null; height: number | null } {
  try {
    const size = imageSize(head)
    if (!(size.width > 0 && size.height > 0)) return { width: null, height: null }
    const turned = size.orientation !== undefined && size.orientation >= 5 && size.orientation <= 8
    return turned ? { width: size.height, height: size.width } : { width: size.width, height: size.height }
  } catch {
    return { width: null, height: null }
  }
}

async function readHead(path: string, max: number): Promise<Uint8Array> {
  const handle = await open(path, 'r')
  try {
    const buffer = Buffer.alloc(max)
    const { bytesRead } = await handle.read(buffer, 0, max, 0)
    return buffer.subarray(0, bytesRead)
  } finally {
    await handle.close()
  }
}
