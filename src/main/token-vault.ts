/**
 * Session tokens at rest: one file per account under `<userData>/tokens`,
 * encrypted with the OS keychain through `safeStorage` when it is available,
 * plain text (with a one-time warning) when it is not. Files are written
 * atomically with mode 0600 in a 0700 directory; file names are a hash of the
 * account key, so nothing about the account shows in the file system.
 */
import { createHash } from 'node:crypto'
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { safeStorage } from 'electron'
import type { TokenVault } from './core/shell-port'
import type { ShellLog } from './log'

export function createTokenVault(directory: string, log: ShellLog): TokenVault {
  let warned = false
  const encryptionAvailable = (): boolean => {
    const available = safeStorage.isEncryptionAvailable()
    if (!warned && !available) {
      warned = true
      log.warn({ directory }, 'no OS keychain available: session tokens are stored unencrypted (file mode 0600)')
    } else if (!warned && process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') {
      // Chromium's fallback on Linux desktops without a secret service: obfuscation, not protection.
      warned = true
      log.warn({ directory }, 'no secret service found: session tokens are only obfuscated (file mode 0600)')
    }
    return available
  }
  const files = (account: string): { encrypted: string; plain: string } => {
    const name = createHash('sha256').update(account).digest('hex').slice(0, 32)
    return { encrypted: join(directory, `${name}.enc`), plain: join(directory, `${name}.txt`) }
  }

  const vault: TokenVault = {
    load(account) {
      const { encrypted, plain } = files(account)
      const sealed = readIfPresent(encrypted)
      if (sealed !== null) {
        if (!encryptionAvailable()) return null
        try {
          return safeStorage.decryptString(sealed)
        } catch (err) {
          log.warn({ err: String(err) }, 'a stored session token could not be decrypted; signing in again replaces it')
          return null
        }
      }
      const token = readIfPresent(plain)?.toString('utf8') ?? null
      // Stored while the keychain was unavailable: seal it now that it is.
      if (token !== null && safeStorage.isEncryptionAvailable()) vault.save(account, token)
      return token
    },
    save(account, token) {
      const { encrypted, plain } = files(account)
      mkdirSync(directory, { recursive: true, mode: 0o700 })
      if (encryptionAvailable()) {
        writePrivateFile(encrypted, safeStorage.encryptString(token))
        rmSync(plain, { force: true })
      } else {
        writePrivateFile(plain, Buffer.from(token, 'utf8'))
        rmSync(encrypted, { force: true })
      }
    },
    clear(account) {
      const { encrypted, plain } = files(account)
      rmSync(encrypted, { force: true })
      rmSync(plain, { force: true })
    },
  }
  return vault
}

function readIfPresent(file: string): Buffer | null {
  try {
    return readFileSync(file)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
}

/** Write-then-rename, so a crash never leaves half a token; 0600 before the name appears. */
function writePrivateFile(file: string, data: Buffer): void {
  const temporary = `${file}.${process.pid}.tmp`
  writeFileSync(temporary, data, { mode: 0o600 })
  chmodSync(temporary, 0o600)
  renameSync(temporary, file)
}
