/**
 * The small JSON files in the profile directory (session.json,
 * settings.json): read through a zod schema, written atomically.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import type { z } from 'zod'

/** The file's content if it exists, is JSON and fits `schema`; else null. */
export function readJsonFile<T>(path: string, schema: z.ZodType<T>): T | null {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    return null
  }
  try {
    const parsed = schema.safeParse(JSON.parse(text))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

/** Write atomically: a crash mid-write leaves the old file, never half a new one. Only the user may read it. */
export function writeJsonFile(path: string, value: unknown): void {
  const tmp = `${path}.${process.pid}.tmp`
  writeFileSync(tmp, JSON.stringify(value, null, 2), { mode: 0o600 })
  renameSync(tmp, path)
}
