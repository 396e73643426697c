import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import { resetFakeElectron, safeStorage } from '../../test/shell/fake-electron'
import type { ShellLog } from './log'
import { createTokenVault } from './token-vault'

vi.mock('electron', () => import('../../test/shell/fake-electron'))

const TOKEN = 'tok_3c9f0b5e2d1a47e8b6f4c2a19d7e5b30'
const ACCOUNT = 'http://127.0.0.1:8787|u1'

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

test('with a keychain the token round-trips through safeStorage and is never on disk in clear', () => {
  const vault = createTokenVault(directory, log)
  expect(vault.load(ACCOUNT)).toBeNull()
  vault.save(ACCOUNT, TOKEN)

  expect(safeStorage.encryptString).toHaveBeenCalledWith(TOKEN)
  const [file] = files()
  expect(file).toMatch(/^[0-9a-f]{32}\.enc$/)
  const onDisk = readFileSync(join(directory, file as string))
  expect(onDisk.toString('utf8')).not.toContain(TOKEN)
  expect(onDisk.toString('utf8')).not.toContain('u1')
  expect(mode(join(directory, file as string))).toBe(0o600)
  expect(mode(directory)).toBe(0o700)

  expect(createTokenVault(directory, log).load(ACCOUNT)).toBe(TOKEN)
  expect(warnings).toEqual([])
})

test('accounts do not share tokens; clear removes only that account', () => {
  const vault = createTokenVault(directory, log)
  vault.save(ACCOUNT, TOKEN)
  vault.save('http://127.0.0.1:8787|u2', 'other')
  vault.save(ACCOUNT, 'replaced')
  expect(files()).toHaveLength(2)
  vault.clear(ACCOUNT)
  expect(vault.load(ACCOUNT)).toBeNull()
  expect(vault.load('http://127.0.0.1:8787|u2')).toBe('other')
  vault.clear('never saved')
})

test('without a keychain the token is a 0600 plain file, with one warning', () => {
  safeStorage.isEncryptionAvailable.mockImplementation(() => false)
  const vault = createTokenVault(directory, log)
  vault.save(ACCOUNT, TOKEN)
  vault.save(ACCOUNT, TOKEN)
  expect(vault.load(ACCOUNT)).toBe(TOKEN)

  const [file] = files()
  expect(file).toMatch(/\.txt$/)
  expect(readFileSync(join(directory, file as string), 'utf8')).toBe(TOKEN)
  expect(mode(join(directory, file as string))).toBe(0o600)
  expect(safeStorage.encryptString).not.toHaveBeenCalled()
  expect(warnings).toHaveLength(1)
  expect(warnings[0]).toMatch(/unencrypted/)
})

test('a plain token is sealed once the keychain becomes available', () => {
  safeStorage.isEncryptionAvailable.mockImplementation(() => false)
  createTokenVault(directory, log).save(ACCOUNT, TOKEN)
  safeStorage.isEncryptionAvailable.mockImplementation(() => true)
  expect(createTokenVault(directory, log).load(ACCOUNT)).toBe(TOKEN)
  expect(files()).toHaveLength(1)
  expect(files()[0]).toMatch(/\.enc$/)
  expect(createTokenVault(directory, log).load(ACCOUNT)).toBe(TOKEN)
})

test('a token that cannot be decrypted (keychain reset) reads as signed out, with a warning', () => {
  const vault = createTokenVault(directory, log)
  vault.save(ACCOUNT, TOKEN)
  safeStorage.decryptString.mockImplementationOnce(() => {
    throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.')
  })
  expect(vault.load(ACCOUNT)).toBeNull()
  expect(warnings).toEqual([expect.stringMatching(/could not be decrypted/)])
})

test('Linux without a secret service: tokens are saved but the weak backend is reported once', () => {
  const platform = Object.getOwnPropertyDescriptor(process, 'platform')
  Object.defineProperty(process, 'platform', { value: 'linux' })
  try {
    safeStorage.getSelectedStorageBackend.mockImplementation(() => 'basic_text')
    const vault = createTokenVault(directory, log)
    vault.save(ACCOUNT, TOKEN)
    vault.save(ACCOUNT, TOKEN)
    expect(vault.load(ACCOUNT)).toBe(TOKEN)
    expect(warnings).toEqual([expect.stringMatching(/obfuscated/)])
  } finally {
    if (platform) Object.defineProperty(process, 'platform', platform)
  }
})
