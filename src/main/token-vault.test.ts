import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import { resetFakeElectron, safeStorage } from '../../test/shell/fake-electron'
import { TokenVaultLocked } from './core/shell-port'
import type { ShellLog } from './log'
import { createTokenVault } from './token-vault'

vi.mock('electron', () => import('../../test/shell/fake-electron'))

const TOKEN = 'tok_3c9f0b5e2d1a47e8b6f4c2a19d7e5b30'
const ACCOUNT = 'http://127.0.0.1:8787|u1'
const LOCKED = 'safeStorage.decryptStringAsync is temporarily unavailable. Please try again.'

let root: string
let directory: string
let warnings: string[]
const log: ShellLog = {
  info: () => undefined,
  warn: (_obj, msg) => warnings.push(msg),
  error: () => undefined,
}

beforeEach(() => {
  resetFakeElectron()
  root = mkdtempSync(join(tmpdir(), 'parley-vault-'))
  directory = join(root, 'tokens')
  warnings = []
})
afterEach(() => rmSync(root, { recursive: true, force: true }))

const mode = (path: string): number => statSync(path).mode & 0o777
const files = (): string[] => readdirSync(directory).sort()
const platform = Object.getOwnPropertyDescriptor(process, 'platform')
function onPlatform(os: NodeJS.Platform, run: () => Promise<void>): Promise<void> {
  Object.defineProperty(process, 'platform', { value: os })
  return run().finally(() => {
    if (platform) Object.defineProperty(process, 'platform', platform)
  })
}

test('with a keyring the token round-trips through the asynchronous safeStorage API and is never on disk in clear', async () => {
  const vault = createTokenVault(directory, log)
  expect(await vault.load(ACCOUNT)).toBeNull()
  await vault.save(ACCOUNT, TOKEN)

  expect(safeStorage.encryptStringAsync).toHaveBeenCalledWith(TOKEN)
  const [file] = files()
  expect(file).toMatch(/^[0-9a-f]{32}\.enc$/)
  const onDisk = readFileSync(join(directory, file as string))
  expect(onDisk.toString('utf8')).not.toContain(TOKEN)
  expect(onDisk.toString('utf8')).not.toContain('u1')
  expect(mode(join(directory, file as string))).toBe(0o600)
  expect(mode(directory)).toBe(0o700)

  expect(await createTokenVault(directory, log).load(ACCOUNT)).toBe(TOKEN)
  expect(await vault.protection()).toBe('keyring')
  expect(warnings).toEqual([])
})

test('accounts do not share tokens; clear removes only that account', async () => {
  const vault = createTokenVault(directory, log)
  await vault.save(ACCOUNT, TOKEN)
  await vault.save('http://127.0.0.1:8787|u2', 'other')
  await vault.save(ACCOUNT, 'replaced')
  expect(files()).toHaveLength(2)
  await vault.clear(ACCOUNT)
  expect(await vault.load(ACCOUNT)).toBeNull()
  expect(await vault.load('http://127.0.0.1:8787|u2')).toBe('other')
  await vault.clear('never saved')
})

test('without a keyring the token is a 0600 plain file, and the vault says it is unprotected, with one warning', async () => {
  safeStorage.isAsyncEncryptionAvailable.mockImplementation(async () => false)
  const vault = createTokenVault(directory, log)
  await vault.save(ACCOUNT, TOKEN)
  await vault.save(ACCOUNT, TOKEN)
  expect(await vault.load(ACCOUNT)).toBe(TOKEN)

  const [file] = files()
  expect(file).toMatch(/\.txt$/)
  expect(readFileSync(join(directory, file as string), 'utf8')).toBe(TOKEN)
  expect(mode(join(directory, file as string))).toBe(0o600)
  expect(safeStorage.encryptStringAsync).not.toHaveBeenCalled()
  expect(await vault.protection()).toBe('unprotected')
  expect(await vault.protection()).toBe('unprotected')
  expect(warnings).toEqual([expect.stringMatching(/without protection/)])
})

test('a plain token is sealed once the keyring becomes available', async () => {
  safeStorage.isAsyncEncryptionAvailable.mockImplementation(async () => false)
  await createTokenVault(directory, log).save(ACCOUNT, TOKEN)
  safeStorage.isAsyncEncryptionAvailable.mockImplementation(async () => true)
  expect(await createTokenVault(directory, log).load(ACCOUNT)).toBe(TOKEN)
  expect(files()).toEqual([expect.stringMatching(/\.enc$/)])
  expect(await createTokenVault(directory, log).load(ACCOUNT)).toBe(TOKEN)
})

test('a token that cannot be decrypted (keyring reset) reads as signed out, with a warning', async () => {
  const vault = createTokenVault(directory, log)
  await vault.save(ACCOUNT, TOKEN)
  safeStorage.decryptStringAsync.mockRejectedValueOnce(new Error('Error while decrypting the ciphertext provided to safeStorage.decryptStringAsync.'))
  expect(await vault.load(ACCOUNT)).toBeNull()
  expect(warnings).toEqual([expect.stringMatching(/could not be decrypted/)])
})

test('a locked keyring is not a missing token: load rejects with TokenVaultLocked and the sealed token stays', async () => {
  const vault = createTokenVault(directory, log)
  await vault.save(ACCOUNT, TOKEN)
  const sealed = files()
  safeStorage.decryptStringAsync.mockRejectedValueOnce(new Error(LOCKED))
  await expect(vault.load(ACCOUNT)).rejects.toBeInstanceOf(TokenVaultLocked)
  expect(files()).toEqual(sealed)
  expect(await vault.load(ACCOUNT)).toBe(TOKEN)
})

test('a sealed token is never replaced by a plain one: while the keyring cannot seal, a new token is kept for this run only', async () => {
  const vault = createTokenVault(directory, log)
  await vault.save(ACCOUNT, TOKEN)
  const [sealed] = files()
  const before = readFileSync(join(directory, sealed as string))

  // Sealing fails (the keyring is locked)…
  safeStorage.encryptStringAsync.mockRejectedValueOnce(new Error('Error while encrypting the text provided to safeStorage.encryptStringAsync.'))
  await vault.save(ACCOUNT, 'newer')
  // …or safeStorage reports no encryption at all.
  safeStorage.isAsyncEncryptionAvailable.mockImplementation(async () => false)
  await vault.save(ACCOUNT, 'newest')
  await expect(vault.load(ACCOUNT)).rejects.toBeInstanceOf(TokenVaultLocked)

  expect(files()).toEqual([sealed])
  expect(readFileSync(join(directory, sealed as string))).toEqual(before)
  expect(warnings).toHaveLength(2)
})

test('a key rotated by the keyring: the token is sealed again with the new key', async () => {
  const vault = createTokenVault(directory, log)
  await vault.save(ACCOUNT, TOKEN)
  safeStorage.decryptStringAsync.mockResolvedValueOnce({ result: TOKEN, shouldReEncrypt: true })
  safeStorage.encryptStringAsync.mockClear()
  expect(await vault.load(ACCOUNT)).toBe(TOKEN)
  expect(safeStorage.encryptStringAsync).toHaveBeenCalledWith(TOKEN)
})

test('Linux without a secret service: tokens are sealed, but only obfuscated, so the vault says unprotected', () =>
  onPlatform('linux', async () => {
    safeStorage.getSelectedStorageBackend.mockImplementation(() => 'basic_text')
    const vault = createTokenVault(directory, log)
    await vault.save(ACCOUNT, TOKEN)
    expect(await vault.load(ACCOUNT)).toBe(TOKEN)
    expect(files()).toEqual([expect.stringMatching(/\.enc$/)])
    expect(await vault.protection()).toBe('unprotected')
    expect(warnings).toEqual([expect.stringMatching(/without protection/)])
  }))
