// Runs Electron's own binary download, which package.json's `allowScripts`
// keeps npm from running during install. On machines that can reach Electron's
// download host this fetches the binary as usual; where they cannot (CI, locked
// down build hosts) it prints one line and lets `npm install` succeed, because
// the server, the tests and the e2e harness do not need the binary.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)

function electronDir() {
  try {
    return dirname(require.resolve('electron/package.json'))
  } catch {
    return null
  }
}

const dir = electronDir()
if (dir === null) {
  // Production install without devDependencies: nothing to do.
  process.exit(0)
}
if (process.env.PARLEY_SKIP_ELECTRON_DOWNLOAD === '1') {
  console.warn('parley: PARLEY_SKIP_ELECTRON_DOWNLOAD=1, not fetching the Electron binary')
  process.exit(0)
}
if (existsSync(join(dir, 'path.txt')) && existsSync(join(dir, 'dist'))) {
  process.exit(0)
}
const result = spawnSync(process.execPath, [join(dir, 'install.js')], {
  cwd: dir,
  encoding: 'utf8',
  timeout: 5 * 60_000,
})
const ok = result.status === 0 && existsSync(join(dir, 'path.txt'))
if (!ok) {
  const reason = (result.stderr || result.error?.message || 'unknown error')
    .split('\n')
    .find((line) => /error/i.test(line))
    ?.trim()
  console.warn(
    `parley: Electron binary not installed (${reason ?? 'download failed'}); ` +
      'the server, tests and e2e harness work without it — run `node scripts/install-electron.mjs` to retry',
  )
}
process.exit(0)
