/**
 * The thumbnail benchmark's photo and its baseline. The photo is 4:3 at the
 * asked size, shaped like a camera's: smooth regions (random colours upscaled
 * with a cubic filter) under sensor-like noise, JPEG quality 90 — so it
 * compresses to a few megabytes like a real photo, not to kilobytes like a
 * gradient or to tens of megabytes like pure noise. The baseline is sharp
 * alone making the thumbnail the api makes (≤ 480 px on the long side, WebP,
 * orientation applied) from the same file.
 */
import { writeFile } from 'node:fs/promises'
import sharp from 'sharp'
import type { Random } from '../../test/kit/random'

export const THUMBNAIL_LONG_SIDE = 480

export async function makePhoto(path: string, megapixels: number, random: Random): Promise<{ width: number; height: number; bytes: number }> {
  const width = Math.round(Math.sqrt((megapixels * 1e6 * 4) / 3))
  const height = Math.round((width * 3) / 4)
  const coarse = Buffer.alloc(40 * 30 * 3)
  for (let i = 0; i < coarse.length; i++) coarse[i] = Math.floor(random() * 256)
  const pixels = await sharp(coarse, { raw: { width: 40, height: 30, channels: 3 } })
    .resize(width, height, { kernel: 'cubic' })
    .raw()
    .toBuffer()
  for (let i = 0; i < pixels.length; i++) pixels[i] = Math.max(0, Math.min(255, (pixels[i] as number) + Math.floor(random() * 25) - 12))
  const jpeg = await sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer()
  await writeFile(path, jpeg)
  return { width, height, bytes: jpeg.length }
}

/** sharp alone: the file → oriented → fitted into 480 × 480 → WebP, in memory; ms. */
export async function sharpThumbnailMs(path: string): Promise<number> {
  const started = performance.now()
  await sharp(path).rotate().resize(THUMBNAIL_LONG_SIDE, THUMBNAIL_LONG_SIDE, { fit: 'inside', withoutEnlargement: true }).webp().toBuffer()
  return performance.now() - started
}
