/**
 * Session tokens at rest: one file per account under `<userData>/tokens`,
 * sealed with the OS keyring through safeStorage's asynchronous API (the
 * synchronous one is deprecated in Electron 45 and gone in 46), plain text
 * with mode 0600 where there is no keyring at all. Files are written
 * atomically with mode 0600 in a 0700 directory; file names are a hash of the
 * account key, so nothing about the account shows in the file system.
 *
 * A keyring that is only locked (at login, before the user unlocks it) makes
 * `decryptStringAsync` reject as temporarily unavailable: `load` then rejects
 * with `TokenVaultLocked` and the core asks again later instead of signing the
 * user out. A sealed token is never replaced by a plain one: while sealing
 * fails, a new token is kept for this run only.
 */
import { createHash } from 'node:crypto'
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { safeStorage } from 'electron'
import { TokenVaultLocked, type TokenVault } from './core/shell-port'
import type { ShellLog } from './log'

export type TokenProtection = 'keyring' | 'unprotected'

export interface ShellTokenVault extends TokenVault {
  /** Whether tokens are sealed by a real keyring here (the settings screen warns when not). */
  protection(): Promise<TokenProtection>
}

/** safeStorage's message for a keyring that cannot decrypt right now but may later. */
const TEMPORARILY_UNAVAILABLE = /temporarily unavailable/i

export function createTokenVault(directory: string, log: ShellLog): ShellTokenVault {
  let warned = false
  const protection = async (): Promise<TokenProtection> => {
    const available = await safeStorage.isAsyncEncryptionAvailable()
    // Linux without a secret service: Chromium falls back to a key built into the binary — obfuscation, not protection.
    const weak = process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text'
    const result = available && !weak ? 'keyring' : 'unprotected'
    if (result === 'unprotected' && !warned) {
      warned = true
      log.warn({ directory, available }, 'no OS keyring: session tokens are stored without protection (file mode 0600)')
    }
    return result
  }
  const files = (account: string): { sealed: string; plain: string } => {
    const name = createHash('sha256').update(account).digest('hex').slice(0, 32)
    return { sealed: join(directory, `${name}.enc`), plain: join(directory, `${name}.txt`) }
  }

  const unseal = async (sealed: Buffer): Promise<{ token: string; reseal: boolean } | null> => {
    try {
      const { result, shouldReEncrypt } = await safeStorage.decryptStringAsync(sealed)
      return { token: result, reseal: shouldReEncrypt }
    } catch (err) {
      if (TEMPORARILY_UNAVAILABLE.test(String(err))) throw new TokenVaultLocked()
      log.warn({ err: String(err) }, 'a stored session token could not be decrypted; signing in again replaces it')
      return null
    }
  }

  const vault: ShellTokenVault = {
    protection,
    async load(account) {
      const { sealed, plain } = files(account)
      const sealedToken = await readIfPresent(sealed)
      if (sealedToken !== null) {
        if (!(await safeStorage.isAsyncEncryptionAvailable())) throw new TokenVaultLocked()
        const unsealed = await unseal(sealedToken)
        // The key was rotated or a better one is available: seal it again with that.
        if (unsealed?.reseal) await vault.save(account, unsealed.token)
        return unsealed?.token ?? null
      }
      const token = (await readIfPresent(plain))?.toString('utf8') ?? null
      // Stored while there was no keyring: seal it now that there is one.
      if (token !== null && (await safeStorage.isAsyncEncryptionAvailable())) await vault.save(account, token)
      return token
    },
    async save(account, token) {
      const { sealed, plain } = files(account)
      await mkdir(directory, { recursive: true, mode: 0o700 })
      if (await safeStorage.isAsyncEncryptionAvailable()) {
        let sealedToken: Buffer
        try {
          sealedToken = await safeStorage.encryptStringAsync(token)
        } catch (err) {
          log.warn({ err: String(err) }, 'the OS keyring could not seal the session token; it is kept for this run only')
          return
        }
        await writePrivateFile(sealed, sealedToken)
        await rm(plain, { force: true })
        return
      }
      if ((await readIfPresent(sealed)) !== null) {
        log.warn({}, 'the OS keyring is unavailable: the session token is kept for this run only, the sealed one stays')
        return
      }
      await writePrivateFile(plain, Buffer.from(token, 'utf8'))
    },
    async clear(account) {
      const { sealed, plain } = files(account)
      await rm(sealed, { force: true })
      await rm(plain, { force: true })
    },
  }
  return vault
}

async function readIfPresent(file: string): Promise<Buffer | null> {
  try {
    return await readFile(file)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
}

/** Write-then-rename, so a crash never leaves half a token; 0600 before the name appears. */
async function writePrivateFile(file: string, data: Buffer): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`
  await writeFile(temporary, data, { mode: 0o600 })
  await chmod(temporary, 0o600)
  await rename(temporary, file)
}
