/**
 * Images through sharp (docs/design.md §4.5): only raster types sniffed from
 * the content (INLINE_IMAGE_TYPES; never SVG or anything else) reach it.
 *
 * - More than 50 megapixels in a frame is refused before any pixel is decoded
 *   (sharp's `limitInputPixels` applies to the header read too): a small
 *   file can announce a huge canvas (a decompression bomb).
 * - What is served is re-encoded in its own format with orientation applied
 *   and every metadata block (EXIF with GPS, XMP, IPTC, comments) left out —
 *   sharp writes none unless asked to keep it. JPEG at quality 90 with
 *   libjpeg-turbo (mozjpeg's smaller files took ten times as long on a
 *   12-megapixel photo: seconds per upload, bench:attachments), PNG, WebP at 90 (animated WebP stays animated). AVIF and HEIC are served
 *   as JPEG (sharp reads AVIF; it reads HEIC only where libheif has an HEVC
 *   decoder, which the prebuilt sharp lacks: an HEIC it cannot read is kept
 *   as a plain file without preview).
 * - GIF is kept byte for byte, animated or not: the format has no EXIF block
 *   and re-encoding would cost its palette and timing; comment and
 *   application extensions in it are served as uploaded.
 * - `width`/`height` are as displayed (orientation applied).
 * - The thumbnail is WebP, at most 480 px on the long side, never upscaled,
 *   from the first frame of an animation.
 */
import sharp, { type Metadata } from 'sharp'
import { LIMITS } from '../../shared/api'

// Temp files are renamed or deleted right after use: libvips must not keep them open in its cache.
sharp.cache({ files: 0 })

export class UnsupportedImage extends Error {
  constructor(
    message: string,
    /** For the refusal metric. */
    readonly reason: 'image_too_large' | 'image_unreadable',
  ) {
    super(message)
  }
}

export interface CleanedImage {
  /** The file to serve: a new temp file, or the input itself when it is served as uploaded (GIF). */
  path: string
  mime: string
  /** The extension the served file has when it changed format (HEIC/AVIF → '.jpg'), else null. */
  newExtension: string | null
  width: number
  height: number
  thumbnailPath: string
}

const INPUT = { limitInputPixels: LIMITS.imagePixelsMax, failOn: 'error' } as const
const THUMBNAIL = { width: LIMITS.thumbnailSideMax, height: LIMITS.thumbnailSideMax, fit: 'inside', withoutEnlargement: true } as const

/** Types served as JPEG because browsers and sharp's writers do not all speak them. */
const AS_JPEG = new Set(['image/avif', 'image/heic', 'image/heif'])

/**
 * Clean the image at `input` (sniffed as `mime`) into `output`, its thumbnail
 * into `thumbnail`. Null: sharp cannot read this kind of file (keep it as a
 * plain file). Throws UnsupportedImage for a bomb or an unreadable image.
 */
export async function cleanImage(input: string, mime: string, output: string, thumbnail: string): Promise<CleanedImage | null> {
  let metadata: Metadata
  try {
    metadata = await sharp(input, INPUT).metadata()
  } catch (err) {
    return refuse(err, mime)
  }
  const width = metadata.width
  const frameHeight = metadata.pageHeight ?? metadata.height
  if (width * frameHeight > LIMITS.imagePixelsMax) {
    throw new UnsupportedImage(`The image has more than ${LIMITS.imagePixelsMax / 1_000_000} megapixels`, 'image_too_large')
  }
  const animated = (metadata.pages ?? 1) > 1
  try {
    const thumbnailDone = sharp(input, { ...INPUT, pages: 1 }).rotate().resize(THUMBNAIL).webp({ quality: 80 }).toFile(thumbnail)
    if (mime === 'image/gif') {
      await thumbnailDone
      return { path: input, mime, newExtension: null, width, height: frameHeight, thumbnailPath: thumbnail }
    }
    const image = animated && mime === 'image/webp' ? sharp(input, { ...INPUT, animated: true }) : sharp(input, INPUT).rotate()
    const asJpeg = AS_JPEG.has(mime)
    const encoded =
      mime === 'image/png'
        ? image.png()
        : mime === 'image/webp'
          ? image.webp({ quality: 90 })
          : image.jpeg({ quality: 90 })
    const [info] = await Promise.all([encoded.toFile(output), thumbnailDone])
    return {
      path: output,
      mime: asJpeg ? 'image/jpeg' : mime,
      newExtension: asJpeg ? '.jpg' : null,
      width: info.width,
      // An animated WebP's info.height is every frame stacked.
      height: animated ? frameHeight : info.height,
      thumbnailPath: thumbnail,
    }
  } catch (err) {
    return refuse(err, mime)
  }
}

function refuse(err: unknown, mime: string): null {
  const message = err instanceof Error ? err.message : String(err)
  if (/pixel limit/i.test(message)) {
    throw new UnsupportedImage(`The image has more than ${LIMITS.imagePixelsMax / 1_000_000} megapixels`, 'image_too_large')
  }
  // HEIC needs an HEVC decoder this sharp may not have: the file is fine, keep it as a file.
  if (mime === 'image/heic' || mime === 'image/heif') return null
  throw new UnsupportedImage(`The file looks like ${mime} but cannot be read as an image`, 'image_unreadable')
}
