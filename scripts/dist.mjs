// `npm run dist`: installable packages of the desktop app for this platform —
// Linux deb (+ AppImage), macOS dmg, Windows nsis (electron-builder.yml), in dist/.
//
//   1. the Electron binary for this platform must be installed (npm install
//      fetches it; where that failed, one download attempt is made here if the
//      download host answers a quick probe);
//   2. electron-vite build → out/;
//   3. electron-builder for this platform, from the installed Electron
//      (electronDist: no second download of the same binary);
//   4. dist/release/: exactly what goes into a server's releases folder — the
//      installers, their blockmaps and the update feeds (latest*.yml) —
//      chosen and copied by scripts/release-files.mjs; `npm run publish-release --
//      dist/release` puts it on a server (docs/distribution.md).
//
// better-sqlite3 needs no step of its own: its Node-API prebuild for this
// platform, already in node_modules, loads in Electron as it is.
//
// The step that needs the network comes first, so where Electron's download
// is out of reach the script stops within seconds with one explanation of
// what is missing and how to get it (exit code 1), not halfway through a build.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { collectRelease } from './release-files.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(join(root, 'package.json'))

const TARGETS = {
  linux: ['--linux', 'deb', 'AppImage'],
  darwin: ['--mac', 'dmg', 'zip'],
  win32: ['--win', 'nsis'],
}
const PROBE_TIMEOUT_MS = 5_000

/** A reason to stop that the one message explains. */
class Stop extends Error {}

try {
  await main()
} catch (err) {
  if (!(err instanceof Stop)) throw err
  console.error(`parley dist: ${err.message}`)
  process.exitCode = 1
}

async function main() {
  const targets = TARGETS[process.platform]
  if (targets === undefined) {
    throw new Stop(`electron-builder packages Parley for Linux, macOS and Windows; this is ${process.platform}.`)
  }
  const platform = `${process.platform}-${process.arch}`
  const electron = installedElectron()
  if (electron === null) throw new Stop('the electron package is not installed: run `npm install` first.')

  // 1. The Electron binary.
  if (!electron.binary) {
    const host = downloadHost(electron.version)
    const reachable = await probe(host.url)
    if (reachable === true) {
      console.log(`parley dist: the Electron ${electron.version} binary is missing; downloading it from ${host.name}`)
      spawnSync(process.execPath, [join(root, 'scripts', 'install-electron.mjs')], { stdio: 'inherit', cwd: root })
    }
    if (!installedElectron()?.binary) {
      throw new Stop(
        `cannot package Parley for ${platform} here: the Electron ${electron.version} binary is not installed ` +
          `(node_modules/electron/dist; \`npm install\` could not download it` +
          (reachable === true ? '' : ` — ${host.name} is unreachable from this machine: ${reachable}`) +
          '). electron-builder packages that binary. On a machine that reaches github.com ' +
          '(or with ELECTRON_MIRROR set to a mirror of Electron\'s releases) run `node scripts/install-electron.mjs`, ' +
          'then `npm run dist` again.',
      )
    }
  }

  // The one file electron-builder.yml keeps of better-sqlite3's prebuilds.
  const prebuild = join(dirname(require.resolve('better-sqlite3/package.json')), 'prebuilds', `${platform}.node`)
  if (!existsSync(prebuild)) {
    throw new Stop(`cannot package Parley for ${platform}: better-sqlite3 has no prebuilt binary for it (${relative(root, prebuild)}).`)
  }

  // 2. The app.
  run('electron-vite build', [require.resolve('electron-vite/bin/electron-vite.js'), 'build'])

  // 3. The packages.
  run(`electron-builder ${targets.join(' ')}`, [
    require.resolve('electron-builder/cli.js'),
    ...targets,
    '--publish',
    'never',
    `-c.electronDist=${electron.dist}`,
  ])

  // 4. The release folder.
  const release = collectRelease(join(root, 'dist'))
  if (!release.ok) throw new Stop(release.error)
  console.log(`parley dist: ${relative(root, release.dir)}/ holds ${release.files.join(', ')}; publish it with \`npm run publish-release -- ${relative(root, release.dir)}\``)
}

/** The installed electron package: version, and whether its binary for this platform is there. */
function installedElectron() {
  let dir
  try {
    dir = dirname(require.resolve('electron/package.json'))
  } catch {
    return null
  }
  const version = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version
  const dist = join(dir, 'dist')
  const pathFile = join(dir, 'path.txt')
  const binary = existsSync(pathFile) && existsSync(join(dist, readFileSync(pathFile, 'utf8').trim()))
  return { version, dist, binary }
}

/** Where @electron/get downloads Electron from (ELECTRON_MIRROR or GitHub's releases). */
function downloadHost(version) {
  const mirror = process.env.ELECTRON_MIRROR || process.env.npm_config_electron_mirror || 'https://github.com/electron/electron/releases/download/'
  const url = `${mirror}${mirror.endsWith('/') ? '' : '/'}v${version}/SHASUMS256.txt`
  let name = mirror
  try {
    name = new URL(mirror).host
  } catch {
    // a mirror that is not a URL: name it as given
  }
  return { url, name }
}

/** true when the host answers at all within a few seconds, else why not. */
async function probe(url) {
  try {
    const response = await fetch(url, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) })
    await response.arrayBuffer().catch(() => undefined)
    return true
  } catch (err) {
    const cause = err?.cause
    if (err?.name === 'TimeoutError') return `no answer within ${PROBE_TIMEOUT_MS / 1000} s`
    return cause?.code ?? cause?.message ?? err?.message ?? String(err)
  }
}

function run(what, args) {
  console.log(`parley dist: ${what}`)
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' })
  if (result.status !== 0) throw new Stop(`${what} failed (its output is above).`)
}
