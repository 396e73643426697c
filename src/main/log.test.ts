/**
 * The packaged app logs to a file, never to stdout (a Windows GUI app has
 * none: pino#1868, sonic-boom#172); development logs to stdout. log.ts keeps
 * one sink for the whole process, so each test imports a fresh copy.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, test, vi } from 'vitest'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'parley-log-'))
  vi.resetModules()
})
afterEach(() => {
  vi.restoreAllMocks()
  rmSync(dir, { recursive: true, force: true })
})

const lines = (path: string): Record<string, unknown>[] =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((text) => JSON.parse(text) as Record<string, unknown>)

test('packaged: the shell and the core log JSON lines to the file, the ones from before it was chosen first, none to stdout', async () => {
  const stdout = vi.spyOn(process.stdout, 'write')
  const { coreLog, logToFile, shellLog } = await import('./log')
  shellLog('app').info({}, 'before the file was chosen')
  const path = logToFile(join(dir, 'logs'), 'main.log')
  shellLog('window').warn({ reason: 'x' }, 'from the shell')
  coreLog().child({ module: 'sync' }).error({}, 'from the core')

  expect(path).toBe(join(dir, 'logs', 'main.log'))
  expect(lines(path).map(({ name, module, msg }) => ({ name, module, msg }))).toEqual([
    { name: 'parley-shell', module: 'app', msg: 'before the file was chosen' },
    { name: 'parley-shell', module: 'window', msg: 'from the shell' },
    { name: 'parley-core', module: 'sync', msg: 'from the core' },
  ])
  expect(stdout).not.toHaveBeenCalled()
})

test('development: JSON lines on stdout', async () => {
  const written: string[] = []
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk))
    return true
  })
  const { logToStdout, shellLog } = await import('./log')
  shellLog('app').info({}, 'hello')
  logToStdout()
  expect(written.map((text) => (JSON.parse(text) as { msg: string }).msg)).toEqual(['hello'])
})
