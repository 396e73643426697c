/**
 * Packaging (electron-builder.yml, scripts/dist.mjs) as far as it can be
 * checked without Electron's downloads: the config passes electron-builder's
 * own schema, targets every platform the issue names (the deb first on
 * Linux), flips the fuses, keeps better-sqlite3 out of the asar with only
 * this platform's Node-API prebuild — run through electron-builder's own file
 * filter —, writes update feeds for a generic server, registers parley:// (the
 * Linux desktop entry from electron-builder's own code), and `npm run dist`
 * on a machine without the Electron binary stops at once with one
 * explanation and exit code 1. What goes into a release folder:
 * publish-release.test.ts.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, lstatSync, readdirSync, readFileSync, type Stats } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, posix, relative } from 'node:path'
import { describe, expect, test } from 'vitest'
import { freePort } from '../test/kit/ports'

const root = join(import.meta.dirname, '..')
const require = createRequire(join(root, 'package.json'))
// The YAML parser electron-builder itself uses (a dependency of app-builder-lib).
const yaml = require('js-yaml') as { load(text: string): unknown }
const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration(config: unknown, debugLogger: { isEnabled: boolean; add(): void }): Promise<void>
}
// How electron-builder decides which files of a dependency it copies, and expands `${arch}` and `${platform}`.
const { getNodeModuleFileMatcher } = require('app-builder-lib/out/fileMatcher.js') as {
  getNodeModuleFileMatcher(
    appDir: string,
    destination: string,
    macroExpander: (pattern: string) => string,
    platformSpecificBuildOptions: object,
    packager: { config: BuilderConfig; debugLogger: { isEnabled: boolean } },
  ): { createFilter(): (file: string, stat: Stats & { moduleFullFilePath?: string }) => boolean }
}
const { expandMacro } = require('app-builder-lib/out/util/macroExpander.js') as {
  expandMacro(pattern: string, arch: string | null, appInfo: object): string
}
// What the deb and the AppImage install as the .desktop file.
const { LinuxTargetHelper } = require('app-builder-lib/out/targets/LinuxTargetHelper.js') as {
  LinuxTargetHelper: new (packager: object) => { computeDesktopEntry(options: object, exec?: string): Promise<string> }
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
  electronFuses: Record<string, boolean>
  directories: { output: string; buildResources: string }
  linux: { target: string[]; executableName: string; syncDesktopName: boolean; category: string }
  mac: { target: string[]; category: string }
  publish: { provider: string; url: string }
  protocols: { name: string; schemes: string[] }[]
  artifactName: string
  win: { target: string[] }
}

const config = yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig
const electronVersion = (require('electron/package.json') as { version: string }).version
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string; desktopName: string; scripts: Record<string, string> }

/** The files of `node_modules/<name>` electron-builder would package for `arch`, through its own filter. */
function packagedFiles(name: string, arch: string): string[] {
  const expander = (pattern: string) => expandMacro(pattern, arch, { productName: config.productName, sanitizedProductName: config.productName })
  const filter = getNodeModuleFileMatcher(root, join(root, 'dist', 'app'), expander, {}, { config, debugLogger: { isEnabled: false } }).createFilter()
  const moduleDir = join(root, 'node_modules', name)
  const kept: string[] = []
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry)
      const stat: Stats & { moduleFullFilePath?: string } = lstatSync(path)
      stat.moduleFullFilePath = posix.join('node_modules', name, relative(moduleDir, path).split('\\').join('/'))
      if (!filter(path, stat)) continue
      if (stat.isDirectory()) walk(path)
      else kept.push(relative(moduleDir, path).split('\\').join('/'))
    }
  }
  walk(moduleDir)
  return kept.sort()
}

describe('electron-builder.yml', () => {
  test('passes electron-builder’s own configuration schema', async () => {
    await expect(validateConfiguration(config, { isEnabled: false, add: () => undefined })).resolves.toBeUndefined()
  })

  test('identity and targets: Linux deb first (then AppImage), macOS dmg, Windows nsis', () => {
    expect(config.appId).toBe('app.parley.desktop')
    // The shell's app user model id (Windows notifications) is the same id.
    expect(readFileSync(join(root, 'src/main/index.ts'), 'utf8')).toContain(`'${config.appId}'`)
    expect(config.productName).toBe('Parley')
    // The AppImage aborts on Ubuntu ≥ 23.10 (AppArmor vs the SUID sandbox); the deb installs an AppArmor profile.
    expect(config.linux.target).toEqual(['deb', 'AppImage'])
    expect(readFileSync(join(root, 'scripts/dist.mjs'), 'utf8')).toContain("linux: ['--linux', 'deb', 'AppImage']")
    // The launcher badge (app.setBadgeCount on Linux) needs desktopName to be the installed .desktop file's name.
    expect(pkg.desktopName).toBe(`${config.linux.executableName}.desktop`)
    expect(config.linux.syncDesktopName).toBe(true)
    // The dmg to install from; the zip is what Squirrel.Mac updates from.
    expect(config.mac.target).toEqual(['dmg', 'zip'])
    expect(readFileSync(join(root, 'scripts/dist.mjs'), 'utf8')).toContain("darwin: ['--mac', 'dmg', 'zip']")
    expect(config.win.target).toEqual(['nsis'])
    expect(config.directories.output).toBe('dist')
  })

  test('the app is out/** and package.json; better-sqlite3 stays outside the asar; nothing is rebuilt for Electron', () => {
    expect(config.files.filter((pattern) => !pattern.startsWith('!'))).toEqual(['out/**', 'package.json'])
    expect(pkg.main.replace(/^\.\//, '')).toMatch(/^out\//)
    expect(config.asar).toBe(true)
    expect(config.asarUnpack).toContain('node_modules/better-sqlite3/**')
    expect(config.npmRebuild).toBe(false)
    expect(config.extraResources.filter((set) => set.from.includes('native') || set.filter?.some((name) => name.endsWith('.node')))).toEqual([])
    expect(pkg.scripts.dist).toBe('node scripts/dist.mjs')
  })

  test.each(['x64', 'arm64'])('better-sqlite3 is packaged with its %s Node-API prebuild for this platform only, without sources or build files', (arch) => {
    const files = packagedFiles('better-sqlite3', arch)
    expect(files.filter((file) => file.endsWith('.node'))).toEqual([`prebuilds/${process.platform}-${arch}.node`])
    expect(files.filter((file) => /^(build|deps|src)\//.test(file) || file === 'binding.gyp')).toEqual([])
    expect(files).toEqual(expect.arrayContaining(['package.json', 'lib/index.js', 'lib/binding.js', 'lib/database.js']))
    // Headers for compiling addons only.
    expect(packagedFiles('node-addon-api', arch)).toEqual([])
  })

  test('fuses: no running as Node, no NODE_OPTIONS or --inspect, encrypted cookies, only the integrity-checked app.asar, no file:// privileges', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    })
  })

  test('updates: a generic feed (the app sets the server at run time), never uploaded by a build; file names the server serves', () => {
    expect(config.publish).toEqual({ provider: 'generic', url: 'https://parley.invalid/updates/' })
    expect(readFileSync(join(root, 'scripts/dist.mjs'), 'utf8')).toMatch(/'--publish',\s*'never'/)
    // Plain names (no spaces), with version and arch: src/server/releases/feed.ts serves exactly such names.
    expect(config.artifactName).toBe('${productName}-${version}-${os}-${arch}.${ext}')
  })

  test('parley:// links: one protocol for macOS’s URL types and the Linux desktop entry', async () => {
    expect(config.protocols).toEqual([{ name: 'Parley', schemes: ['parley'] }])
    expect(readFileSync(join(root, 'src/shared/deep-link.ts'), 'utf8')).toContain('parley://')
    const packager = {
      appInfo: { productName: config.productName, sanitizedProductName: config.productName, description: 'Parley' },
      executableName: config.linux.executableName,
      info: { metadata: { desktopName: pkg.desktopName } },
      config,
      platformSpecificBuildOptions: config.linux,
      fileAssociations: [],
    }
    const entry = await new LinuxTargetHelper(packager).computeDesktopEntry(config.linux)
    const keys = Object.fromEntries(entry.split('\n').filter((line) => line.includes('=')).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]))
    // %U: the OS passes the parley:// URL to the app (second-instance / argv).
    expect(keys.Exec).toBe('/opt/Parley/parley %U')
    expect(keys.MimeType).toBe('x-scheme-handler/parley;')
    expect(keys.StartupWMClass).toBe('parley')
    expect(keys.Categories).toBe('Network;')
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
