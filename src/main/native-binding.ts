/**
 * better-sqlite3 for Electron's ABI (docs/design.md §10). node_modules keeps the
 * build for Node (tests, server); `scripts/build-electron-sqlite.mjs` puts a
 * copy built for this Electron version under `native/electron/<version>/`,
 * next to package.json in development and in the app's resources when
 * packaged. The core loads it through better-sqlite3's `nativeBinding` option.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'

export interface NativeBindingPlace {
  isPackaged: boolean
  /** The app's root in development (where package.json is). */
  appPath: string
  /** `process.resourcesPath` when packaged. */
  resourcesPath: string
  electronVersion: string
}

export function electronSqliteBindingPath(place: NativeBindingPlace): string {
  const base = place.isPackaged ? place.resourcesPath : place.appPath
  return join(base, 'native', 'electron', place.electronVersion, 'better_sqlite3.node')
}

/** The binding's path when it exists, or the error a person can act on. */
export function findElectronSqliteBinding(place: NativeBindingPlace): { path: string } | { missing: string } {
  const path = electronSqliteBindingPath(place)
  if (existsSync(path)) return { path }
  const fix = place.isPackaged
    ? 'the package is incomplete: build it with `node scripts/build-electron-sqlite.mjs` before packaging'
    : 'run `node scripts/build-electron-sqlite.mjs` where electronjs.org and github.com are reachable'
  return { missing: `better-sqlite3 for Electron ${place.electronVersion} not found at ${path}; the message cache cannot open — ${fix}` }
}
