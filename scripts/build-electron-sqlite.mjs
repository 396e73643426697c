// Builds better-sqlite3 for the installed Electron's ABI (docs/design.md §10) into
// native/electron/<electronVersion>/better_sqlite3.node, which the shell hands
// to the core as better-sqlite3's `nativeBinding`. node_modules/better-sqlite3
// keeps its Node build for the tests and the server: the package is copied to
// a temporary directory and built there — a prebuilt binary for Electron from
// better-sqlite3's releases (prebuild-install), else compiled against
// Electron's headers (node-gyp). Where neither download works it prints one
// line and exits 1.
//
//   node scripts/build-electron-sqlite.mjs [--force] [--target <electronVersion>] [--arch <arch>] [--verbose]
import { spawnSync } from 'node:child_process'
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { homedir, tmpdir } from 'node:os'
import { dirname, join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

/** A step failed in a way the one-line report explains. */
class BuildFailure extends Error {}

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(join(root, 'package.json'))
const { values: options } = parseArgs({
  options: {
    force: { type: 'boolean', default: false },
    target: { type: 'string' },
    arch: { type: 'string', default: process.arch },
    verbose: { type: 'boolean', default: false },
  },
})

const electronVersion = options.target ?? installedElectronVersion()
const label = `better-sqlite3 for Electron ${electronVersion ?? '(not installed)'}`
if (electronVersion === null) {
  report('the electron package is not installed')
  process.exit(1)
}

const output = join(root, 'native', 'electron', electronVersion, 'better_sqlite3.node')
if (existsSync(output) && !options.force) {
  if (options.verbose) console.log(`parley: ${label} is already at ${relative(root, output)}`)
  process.exit(0)
}

const sqliteDir = dirname(require.resolve('better-sqlite3/package.json'))
const work = mkdtempSync(join(tmpdir(), 'parley-electron-sqlite-'))
try {
  const copy = join(work, 'better-sqlite3')
  // Everything but the Node build (and nothing is ever written back into node_modules).
  cpSync(sqliteDir, copy, {
    recursive: true,
    filter: (path) => !['build', 'node_modules'].includes(relative(sqliteDir, path).split(sep)[0] ?? ''),
  })
  const built = join(copy, 'build', 'Release', 'better_sqlite3.node')

  const prebuilt = run('prebuilt download', process.execPath, [
    createRequire(join(sqliteDir, 'package.json')).resolve('prebuild-install/bin.js'),
    '--runtime=electron',
    `--target=${electronVersion}`,
    `--arch=${options.arch}`,
    `--platform=${process.platform}`,
  ], copy, 3 * 60_000)

  let how = 'prebuilt'
  if (!prebuilt.ok || !existsSync(built)) {
    const nodeGyp = findNodeGyp()
    if (nodeGyp === null) fail(`no prebuilt binary (${prebuilt.reason}) and node-gyp was not found to compile one`)
    const compiled = run('compile', process.execPath, [
      nodeGyp,
      'rebuild',
      '--release',
      `--target=${electronVersion}`,
      `--arch=${options.arch}`,
      '--dist-url=https://electronjs.org/headers',
      // Electron's headers live apart from Node's, like @electron/rebuild keeps them.
      `--devdir=${join(homedir(), '.electron-gyp')}`,
      '--jobs=max',
    ], copy, 30 * 60_000)
    if (!compiled.ok || !existsSync(built)) {
      fail(`no prebuilt binary (${prebuilt.reason}) and compiling failed (${compiled.reason}); Electron's headers and prebuilds need electronjs.org and github.com`)
    }
    how = 'compiled'
  }

  mkdirSync(dirname(output), { recursive: true })
  const partial = `${output}.${process.pid}.tmp`
  copyFileSync(built, partial)
  renameSync(partial, output)
  console.log(`parley: ${label} ${how} into ${relative(root, output)}`)
} catch (err) {
  if (!(err instanceof BuildFailure)) throw err
  report(err.message)
  process.exitCode = 1
} finally {
  rmSync(work, { recursive: true, force: true })
}

function installedElectronVersion() {
  try {
    return require('electron/package.json').version
  } catch {
    return null
  }
}

/** npm ships node-gyp; npm scripts also say where through npm_config_node_gyp. */
function findNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    join(dirname(process.execPath), 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ]
  try {
    candidates.push(require.resolve('node-gyp/bin/node-gyp.js'))
  } catch {
    // Not a dependency of this project; the npm copy above usually is there.
  }
  return candidates.find((candidate) => candidate && existsSync(candidate)) ?? null
}

/** Runs a step quietly (its output only with --verbose) and keeps one line of why it failed. */
function run(step, command, args, cwd, timeout) {
  const result = spawnSync(command, args, {
    cwd,
    timeout,
    encoding: 'utf8',
    stdio: options.verbose ? 'inherit' : 'pipe',
    env: { ...process.env, npm_config_build_from_source: '' },
  })
  if (result.status === 0) return { ok: true, reason: '' }
  if (result.error) return { ok: false, reason: `${step}: ${result.error.message}` }
  const lines = `${result.stderr ?? ''}\n${result.stdout ?? ''}`.split('\n').map((line) => line.trim())
  const fetched = lines.find((line) => line.startsWith('gyp http GET '))?.slice('gyp http GET '.length)
  const network = lines.find((line) => /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|getaddrinfo|network connectivity|\b40[34]\b/.test(line))
  const error = lines.find((line) => /error|ERR!/i.test(line) && !/not ok|gyp ERR! (cwd|node -v|node-gyp -v|command|System)/.test(line))
  const why =
    network !== undefined && fetched !== undefined
      ? `could not download ${fetched}`
      : (network ?? error ?? `exit code ${result.status ?? result.signal}`).replace(/^(prebuild-install|gyp) (info|warn|WARN|ERR!) (\S+ )?/, '')
  return { ok: false, reason: `${step}: ${why.slice(0, 200)}` }
}

function fail(reason) {
  throw new BuildFailure(reason)
}

function report(reason) {
  console.error(`parley: ${label} not built — ${reason}. The desktop app cannot open its cache until \`node scripts/build-electron-sqlite.mjs\` succeeds.`)
}
