// Renders the app icon for packaging: resources/icon.svg → build/icon.png at
// 1024 × 1024 (macOS wants ≥ 512 and looks best at 1024; electron-builder makes
// the .icns, the .ico and Linux's icon sizes from it). build/icon.png is
// committed so `npm run dist` needs no image tools; run this again after
// changing the SVG. Needs rsvg-convert (Debian/Ubuntu: `apt-get install
// librsvg2-bin`, macOS: `brew install librsvg`).
//
//   node scripts/make-icons.mjs
import { spawnSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const source = join(root, 'resources', 'icon.svg')
const output = join(root, 'build', 'icon.png')
const SIZE = 1024

mkdirSync(dirname(output), { recursive: true })
const result = spawnSync('rsvg-convert', ['--width', String(SIZE), '--height', String(SIZE), '--format', 'png', '--output', output, source], {
  encoding: 'utf8',
})
if (result.error || result.status !== 0) {
  const why = result.error?.code === 'ENOENT' ? 'rsvg-convert is not installed' : (result.stderr || `exit code ${result.status}`).trim()
  console.error(
    `parley: could not render ${relative(root, output)} (${why}); install librsvg (Debian/Ubuntu: apt-get install librsvg2-bin, macOS: brew install librsvg) and run node scripts/make-icons.mjs again`,
  )
  process.exit(1)
}
console.log(`parley: ${relative(root, output)} rendered from ${relative(root, source)} at ${SIZE} px`)
