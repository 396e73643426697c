/**
 * The project runs on the Node of `.node-version` (docs/runtime.md): the
 * process running the tests, and the `node` every npm script and child process
 * finds first on PATH. On a machine whose own Node is older, this holds only
 * after `source scripts/use-node.sh` — as .ci/run does.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { expect, test } from 'vitest'

const wanted = readFileSync(new URL('../../.node-version', import.meta.url), 'utf8').trim()
const major = (version: string) => Number(version.replace(/^v/, '').split('.')[0])

test(`the tests run on Node ${wanted}'s major`, () => {
  expect(major(process.versions.node)).toBe(major(wanted))
})

test('the node first on PATH (what npm scripts and spawned tools run) is that Node too', () => {
  const found = spawnSync('node', ['-p', 'process.versions.node'], { encoding: 'utf8' })
  expect(found.status).toBe(0)
  expect(major(found.stdout.trim())).toBe(major(wanted))
})

test('the scripts refuse an older Node with the command to run', () => {
  const refused = spawnSync(process.execPath, ['-e', `Object.defineProperty(process.versions, 'node', { value: '20.20.2' }); import('./scripts/require-node.mjs')`], {
    encoding: 'utf8',
    cwd: new URL('../..', import.meta.url),
  })
  expect(refused.status).toBe(1)
  expect(refused.stderr).toContain('source scripts/use-node.sh')
})
