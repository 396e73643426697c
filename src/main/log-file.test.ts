import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { openLogFile, rotatedLogPath } from './log-file'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'parley-logs-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const line = (n: number): string => `${JSON.stringify({ n, msg: 'x'.repeat(40) })}\n`

test('lines are appended to main.log (created with its directory, mode 0600), and survive a reopen', () => {
  const path = join(dir, 'logs', 'main.log')
  const file = openLogFile(path)
  file.write(line(1))
  file.close()
  openLogFile(path).write(line(2))
  expect(readFileSync(path, 'utf8')).toBe(line(1) + line(2))
  expect(statSync(path).mode & 0o777).toBe(0o600)
})

test('past maxBytes the file rotates: main.log → main.1.log → main.2.log …, only `keep` old files stay', () => {
  const path = join(dir, 'main.log')
  const file = openLogFile(path, { maxBytes: line(0).length * 2, keep: 2 })
  for (let n = 1; n <= 9; n++) file.write(line(n))
  expect(readdirSync(dir).sort()).toEqual(['main.1.log', 'main.2.log', 'main.log'])
  expect(readFileSync(path, 'utf8')).toBe(line(9))
  expect(readFileSync(rotatedLogPath(path, 1), 'utf8')).toBe(line(7) + line(8))
  expect(readFileSync(rotatedLogPath(path, 2), 'utf8')).toBe(line(5) + line(6))
})

test('a file that cannot be written loses the line but never throws into the caller', () => {
  const path = join(dir, 'main.log')
  mkdirSync(path)
  const file = openLogFile(path)
  expect(() => file.write(line(1))).not.toThrow()
  expect(() => file.close()).not.toThrow()
})
