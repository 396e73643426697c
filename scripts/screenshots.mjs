// `npm run screenshots`: regenerates docs/screenshots/ from the e2e screenshot
// spec (e2e/specs/screenshots.spec.ts), so the README's pictures show the UI as
// it is. Builds the app, runs that one spec in the harness project (Debian's
// Chromium: CHROMIUM_PATH, default /usr/bin/chromium), then copies its light
// and dark pictures from e2e/artifacts/screenshots/ and removes any picture in
// docs/screenshots/ the spec no longer makes. Exits non-zero when a step fails
// or when README.md shows a picture that docs/screenshots/ does not hold.
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'

const ROOT = resolve(import.meta.dirname, '..')
const ARTIFACTS = join(ROOT, 'e2e/artifacts/screenshots')
const DOCS = join(ROOT, 'docs/screenshots')
/** What the spec writes: `light-<screen>.png` and `dark-<screen>.png`. */
const SPEC_PICTURE = /^(light|dark)-[a-z0-9-]+\.png$/

function fail(message) {
  console.error(`screenshots: ${message}`)
  process.exit(1)
}

function run(command, args) {
  console.log(`screenshots: ${command} ${args.join(' ')}`)
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', shell: process.platform === 'win32' })
  if (result.status !== 0) fail(`${command} ${args[0]} failed (exit ${result.status ?? result.signal})`)
}

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
if (!existsSync(chromium)) {
  fail(`no Chromium at ${chromium}: install Debian's chromium or set CHROMIUM_PATH`)
}

// Pictures left from an earlier run must not pass for new ones.
mkdirSync(ARTIFACTS, { recursive: true })
for (const name of readdirSync(ARTIFACTS)) if (SPEC_PICTURE.test(name)) rmSync(join(ARTIFACTS, name))

run('npx', ['electron-vite', 'build'])
run('npx', ['playwright', 'test', 'e2e/specs/screenshots.spec.ts', '--project=harness'])

const made = readdirSync(ARTIFACTS).filter((name) => SPEC_PICTURE.test(name)).sort()
if (made.length === 0) fail(`the spec wrote no pictures to ${ARTIFACTS}`)
mkdirSync(DOCS, { recursive: true })
for (const name of readdirSync(DOCS)) {
  if (name.endsWith('.png') && !made.includes(name)) rmSync(join(DOCS, name))
}
for (const name of made) copyFileSync(join(ARTIFACTS, name), join(DOCS, name))
console.log(`screenshots: ${made.length} pictures in docs/screenshots/: ${made.join(', ')}`)

const shown = [...readFileSync(join(ROOT, 'README.md'), 'utf8').matchAll(/docs\/screenshots\/([^)"'\s]+\.png)/g)].map((m) => m[1])
const missing = [...new Set(shown)].filter((name) => !made.includes(name))
if (missing.length > 0) fail(`README.md shows pictures the spec does not make: ${missing.join(', ')}`)
