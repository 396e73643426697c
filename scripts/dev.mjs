// `npm run dev`: the local server plus the desktop app in development mode.
// Where the Electron binary is missing (it could not be downloaded at install
// time) the server still starts and a one-line message says what to do.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)
const children = []

function run(command, args, env = {}) {
  const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, ...env } })
  children.push(child)
  child.on('exit', (code) => {
    for (const other of children) if (other !== child) other.kill('SIGTERM')
    process.exit(code ?? 0)
  })
  return child
}

function electronInstalled() {
  try {
    const dir = dirname(require.resolve('electron/package.json'))
    const pathFile = join(dir, 'path.txt')
    return existsSync(pathFile) && existsSync(join(dir, 'dist', readFileSync(pathFile, 'utf8').trim()))
  } catch {
    return false
  }
}

const dataDir = process.env.DATA_DIR ?? 'data'
// Demo users (alice, bob, carol / parley-demo) so there is someone to talk to.
const seeded = spawnSync(process.execPath, ['--import', 'tsx', 'src/server/seed-cli.ts'], {
  stdio: 'inherit',
  env: { ...process.env, DATA_DIR: dataDir },
})
if (seeded.status !== 0) process.exit(seeded.status ?? 1)
run(process.execPath, ['--import', 'tsx', 'src/server/index.ts'], { DATA_DIR: dataDir })

if (electronInstalled()) {
  run(process.execPath, [require.resolve('electron-vite/bin/electron-vite.js'), 'dev'])
} else {
  console.warn(
    'parley: the Electron binary is not installed, so only the server runs. ' +
      'Run `node scripts/install-electron.mjs` where github.com is reachable, then `npm run dev` again.',
  )
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const child of children) child.kill(signal)
  })
}
