/**
 * The app and the tests load the same better-sqlite3 binary: its Node-API
 * prebuild. A binary built for one runtime's ABI (what `electron-rebuild` or
 * a from-source `node-gyp` build makes) would load in that runtime only;
 * these checks fail if one ever takes the prebuild's place.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { expect, test } from 'vitest'
import { CacheError } from './cache-error'
import { isAddonLoadFailure, nativeModuleUnavailable } from './native-addon'
import { isUnreadableCacheFile } from './set-aside'

const packageDir = dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json'))
/** better-sqlite3's own loader (lib/binding.js), which its package exports do not expose. */
const binding = createRequire(import.meta.url)(join(packageDir, 'lib', 'binding.js')) as { getPrebuildPath(): string | null }

/**
 * A Node-API addon registers itself through `napi_register_module_v1`; an
 * addon built against one runtime's headers exports `node_register_module_v<ABI>`.
 * Both names sit in the binary's symbol table as plain text on ELF, Mach-O and PE.
 */
function addonKind(binary: Buffer): 'node-api' | 'abi-specific' | 'unknown' {
  const text = binary.toString('latin1')
  if (/node_register_module_v\d+/.test(text)) return 'abi-specific'
  return text.includes('napi_register_module_v1') ? 'node-api' : 'unknown'
}

test('the addon better-sqlite3 loads on this platform is its Node-API prebuild, not a build for one ABI', () => {
  // lib/binding.js prefers a node-gyp build over the prebuild: there must be none.
  for (const build of ['Debug', 'Release']) expect(existsSync(join(packageDir, 'build', build, 'better_sqlite3.node'))).toBe(false)
  const prebuild = binding.getPrebuildPath()
  expect(prebuild).toBe(join(packageDir, 'prebuilds', `${process.platform}-${process.arch}.node`))
  expect(addonKind(readFileSync(prebuild as string))).toBe('node-api')
})

test('every prebuild in the package is Node-API (a package for any platform gets the same kind)', () => {
  const prebuilds = readdirSync(join(packageDir, 'prebuilds')).filter((name) => name.endsWith('.node'))
  expect(prebuilds).toEqual(expect.arrayContaining(['linux-x64.node', 'linux-arm64.node', 'darwin-x64.node', 'darwin-arm64.node', 'win32-x64.node', 'win32-arm64.node']))
  for (const name of prebuilds) expect(addonKind(readFileSync(join(packageDir, 'prebuilds', name))), name).toBe('node-api')
})

test('the check itself tells the kinds apart', () => {
  expect(addonKind(Buffer.from('\0node_register_module_v137\0napi_register_module_v1\0', 'latin1'))).toBe('abi-specific')
  expect(addonKind(Buffer.from('\0_napi_register_module_v1\0', 'latin1'))).toBe('node-api')
  expect(addonKind(Buffer.from('ELF'))).toBe('unknown')
})

test('an addon that is missing or cannot be linked is a load failure; SQLite refusing a file is not', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-addon-'))
  try {
    const garbage = join(dir, 'better_sqlite3.node')
    writeFileSync(garbage, 'not a shared library')
    // better-sqlite3's own `nativeBinding` option makes its loader fail the way a broken install does.
    const failures = [join(dir, 'missing.node'), garbage].map((nativeBinding) => {
      try {
        new BetterSqlite3(':memory:', { nativeBinding })
      } catch (err) {
        return err
      }
      return null
    })
    expect(failures.map(isAddonLoadFailure)).toEqual([true, true])

    let refused: unknown = null
    try {
      // A directory where the file should be.
      new BetterSqlite3(dir)
    } catch (err) {
      refused = err
    }
    expect(refused).toBeInstanceOf(BetterSqlite3.SqliteError)
    expect(isAddonLoadFailure(refused)).toBe(false)
    expect(isAddonLoadFailure(null)).toBe(false)

    const error = nativeModuleUnavailable(failures[1])
    expect(error).toBeInstanceOf(CacheError)
    expect(error.code).toBe('native_module_unavailable')
    expect(error.message).toMatch(/Reinstall Parley/)
    expect(error.cause).toBe(failures[1])
    // Not the file's fault: the cache file must not be set aside over it.
    expect(isUnreadableCacheFile(error)).toBe(false)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
