// Fails with what to do when the Node running it is older than .node-version's major:
// the project's scripts, tests and native modules are built for that one line.
import { readFileSync } from 'node:fs'

const wanted = readFileSync(new URL('../.node-version', import.meta.url), 'utf8').trim()
const [major] = wanted.split('.').map(Number)
const running = Number(process.versions.node.split('.')[0])
if (running < major) {
  console.error(
    `Parley needs Node ${major} (${wanted} in .node-version); this is Node ${process.versions.node}.\n` +
      '  Run `source scripts/use-node.sh` first: it puts that Node first on PATH (installing it into .tools/ from the npm registry).',
  )
  process.exit(1)
}
