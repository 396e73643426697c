import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { electronSqliteBindingPath, findElectronSqliteBinding } from './native-binding'

let root: string
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'parley-native-'))
})
afterEach(() => rmSync(root, { recursive: true, force: true }))

test('development looks beside package.json, a packaged app in its resources', () => {
  const place = { appPath: '/src/parley', resourcesPath: '/opt/Parley/resources', electronVersion: '38.8.6' }
  expect(electronSqliteBindingPath({ ...place, isPackaged: false })).toBe(join('/src/parley', 'native', 'electron', '38.8.6', 'better_sqlite3.node'))
  expect(electronSqliteBindingPath({ ...place, isPackaged: true })).toBe(
    join('/opt/Parley/resources', 'native', 'electron', '38.8.6', 'better_sqlite3.node'),
  )
})

test('a present binding is found; a missing one explains what to run', () => {
  const place = { appPath: root, resourcesPath: '/nowhere', electronVersion: '38.8.6', isPackaged: false }
  const missing = findElectronSqliteBinding(place)
  expect(missing).toEqual({ missing: expect.stringContaining('node scripts/build-electron-sqlite.mjs') })
  const path = electronSqliteBindingPath(place)
  mkdirSync(join(path, '..'), { recursive: true })
  writeFileSync(path, 'binary')
  expect(findElectronSqliteBinding(place)).toEqual({ path })
})
