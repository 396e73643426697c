/**
 * The realtime app's credentials: from the environment when given, otherwise
 * generated on first start and kept in DATA_DIR (mode 0600) so that tokens
 * signed before a restart stay valid after it.
 */
import { randomBytes, randomInt } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import type { AppCredentials } from './realtime/signature'

const FILE = 'pusher-credentials.json'

const storedSchema = z.object({
  id: z.string().min(1),
  key: z.string().min(1),
  secret: z.string().min(8),
})

export function loadCredentials(
  dataDir: string,
  fromEnv: { appId?: string; key?: string; secret?: string },
): AppCredentials {
  if (fromEnv.appId && fromEnv.key && fromEnv.secret) {
    return { id: fromEnv.appId, key: fromEnv.key, secret: fromEnv.secret }
  }
  const path = join(dataDir, FILE)
  let text: string | undefined
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  if (text !== undefined) {
    const parsed = storedSchema.safeParse(JSON.parse(text))
    if (!parsed.success) throw new Error(`${path} is not a valid credentials file; fix or delete it`)
    return parsed.data
  }
  const generated: AppCredentials = {
    id: String(randomInt(100_000, 10_000_000)),
    key: randomBytes(10).toString('hex'),
    secret: randomBytes(24).toString('hex'),
  }
  mkdirSync(dataDir, { recursive: true })
  const tmp = `${path}.${process.pid}.tmp`
  writeFileSync(tmp, JSON.stringify(generated, null, 2), { mode: 0o600 })
  renameSync(tmp, path)
  return generated
}
