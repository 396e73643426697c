/**
 * Packaging (electron-builder.yml, scripts/dist.mjs) as far as it can be
 * checked without Electron's downloads: the config passes electron-builder's
 * own schema, targets every platform the issue names, keeps better-sqlite3 out
 * of the asar, ships the Electron-ABI build exactly where the shell looks for
 * it, and `npm run dist` on a machine without the Electron binary stops at
 * once with one explanation and exit code 1.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, posix } from 'node:path'
import { describe, expect, test } from 'vitest'
import { electronSqliteBindingPath } from '../src/main/native-binding'
import { freePort } from '../test/kit/ports'

const root = join(import.meta.dirname, '..')
const require = createRequire(join(root, 'package.json'))
// The YAML parser electron-builder itself uses (a dependency of app-builder-lib).
const yaml = require('js-yaml') as { load(text: string): unknown }
const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration(config: unknown, debugLogger: { isEnabled: boolean; add(): void }): Promise<void>
}

interface FileSet {
  from: string
  to: string
  filter?: string[]
}

interface BuilderConfig {
  appId: string
  productName: string
  icon: string
  files: string[]
  asar: boolean
  asarUnpack: string[]
  npmRebuild: boolean
  extraResources: FileSet[]
  directories: { output: string; buildResources: string }
  linux: { target: string[] }
  mac: { target: string[] }
  win: { target: string[] }
}

const config = yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig
const electronVersion = (require('electron/package.json') as { version: string }).version

/** electron-builder's `${env.NAME}` macro, as dist.mjs sets PARLEY_ELECTRON_VERSION. */
const expand = (pattern: string) => pattern.replaceAll('${env.PARLEY_ELECTRON_VERSION}', electronVersion)

describe('electron-builder.yml', () => {
  test('passes electron-builder’s own configuration schema', async () => {
    await expect(validateConfiguration(config, { isEnabled: false, add: () => undefined })).resolves.toBeUndefined()
  })

  test('identity and targets: Linux AppImage + deb, macOS dmg, Windows nsis', () => {
    expect(config.appId).toBe('app.parley.desktop')
    // The shell's app user model id (Windows notifications) is the same id.
    expect(readFileSync(join(root, 'src/main/index.ts'), 'utf8')).toContain(`'${config.appId}'`)
    expect(config.productName).toBe('Parley')
    expect(config.linux.target).toEqual(['AppImage', 'deb'])
    expect(config.mac.target).toEqual(['dmg'])
    expect(config.win.target).toEqual(['nsis'])
    expect(config.directories.output).toBe('dist')
  })

  test('the app is out/** and package.json; better-sqlite3 stays outside the asar; node_modules keeps its Node build', () => {
    expect(config.files.filter((pattern) => !pattern.startsWith('!'))).toEqual(['out/**', 'package.json'])
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string; scripts: Record<string, string> }
    expect(pkg.main.replace(/^\.\//, '')).toMatch(/^out\//)
    expect(config.asar).toBe(true)
    expect(config.asarUnpack).toContain('node_modules/better-sqlite3/**')
    expect(config.npmRebuild).toBe(false)
    expect(pkg.scripts.dist).toBe('node scripts/dist.mjs')
  })

  test('the Electron-ABI better-sqlite3 goes where src/main/native-binding.ts looks for it', () => {
    const binding = config.extraResources.find((set) => set.filter?.includes('better_sqlite3.node'))
    expect(binding).toBeDefined()
    if (binding === undefined) return
    const resourcesPath = '/resources'
    const packaged = electronSqliteBindingPath({ isPackaged: true, appPath: '/app', resourcesPath, electronVersion })
    expect(posix.join(resourcesPath, expand(binding.to), 'better_sqlite3.node')).toBe(packaged)
    // …and it is taken from where scripts/build-electron-sqlite.mjs writes it (the development path).
    const development = electronSqliteBindingPath({ isPackaged: false, appPath: root, resourcesPath, electronVersion })
    expect(join(root, expand(binding.from), 'better_sqlite3.node')).toBe(development)
    expect(readFileSync(join(root, 'scripts/build-electron-sqlite.mjs'), 'utf8')).toContain(
      "join(root, 'native', 'electron', electronVersion, 'better_sqlite3.node')",
    )
  })

  test('icons: a 1024 px PNG for the packages, the 512 px one in resources for the shell', () => {
    expect(config.icon).toBe('build/icon.png')
    expect(pngSize(join(root, config.icon))).toEqual({ width: 1024, height: 1024 })
    // src/main/shell.ts loads <resourcesPath>/icon.png when packaged.
    expect(config.extraResources).toContainEqual({ from: 'resources/icon.png', to: 'icon.png' })
    expect(readFileSync(join(root, 'src/main/shell.ts'), 'utf8')).toContain("join(resources, 'icon.png')")
  })
})

function electronBinaryInstalled(): boolean {
  const dir = dirname(require.resolve('electron/package.json'))
  const pathFile = join(dir, 'path.txt')
  return existsSync(pathFile) && existsSync(join(dir, 'dist', readFileSync(pathFile, 'utf8').trim()))
}

// Where the Electron binary is installed, dist would really build; here it cannot.
describe.skipIf(electronBinaryInstalled())('npm run dist without the Electron binary', () => {
  test('stops within seconds with one explanation and exit code 1', async () => {
    // A download host that refuses at once: the same answer wherever this runs, and no network.
    const closedPort = await freePort()
    const started = Date.now()
    const result = spawnSync(process.execPath, [join(root, 'scripts/dist.mjs')], {
      cwd: root,
      encoding: 'utf8',
      timeout: 30_000,
      env: { ...process.env, ELECTRON_MIRROR: `http://127.0.0.1:${closedPort}/` },
    })
    expect(Date.now() - started).toBeLessThan(20_000)
    expect(result.status).toBe(1)
    // Nothing was built: every step announces itself on stdout.
    expect(result.stdout).toBe('')
    const lines = result.stderr.trim().split('\n')
    expect(lines).toHaveLength(1)
    const [message = ''] = lines
    expect(message).toMatch(/^parley dist: cannot package Parley for \S+ here: the Electron \S+ binary is not installed/)
    expect(message).toContain(`Electron ${electronVersion}`)
    expect(message).toContain(`127.0.0.1:${closedPort} is unreachable from this machine: ECONNREFUSED`)
    expect(message).toContain('node scripts/install-electron.mjs')
    expect(message).not.toMatch(/\s+at |Error:/)
  })
})

function pngSize(path: string): { width: number; height: number } {
  const data = readFileSync(path)
  expect(data.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a')
  expect(data.subarray(12, 16).toString('ascii')).toBe('IHDR')
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) }
}
