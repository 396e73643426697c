/**
 * parseUpgradeTarget reads a request target exactly as a client sent it (issue
 * 14: `GET //` and `/app/%ZZ` once killed the server). The raw-TCP side of the
 * same cases, against a real server process: test/hostile/upgrade.fuzz.test.ts.
 */
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { checkProperty } from '../../../test/hostile/support'
import { parseUpgradeTarget } from './upgrade-target'

describe('an app path', () => {
  test.each([
    ['/app/the-key?protocol=7', 'the-key', '7'],
    ['/app/the-key/?protocol=7', 'the-key', '7'],
    ['/app/the-key', 'the-key', null],
    ['/app/the-key?client=js&version=8.6.0&protocol=7', 'the-key', '7'],
    ['/app/the-key?protocol=7&protocol=8', 'the-key', '7'],
    ['/app/the-key?protocol=', 'the-key', ''],
    ['/app/the-key?protocol=%37', 'the-key', '7'],
    ['/app/the-key?protocol=%ZZ', 'the-key', '%ZZ'],
    ['/app/h%C3%A9llo?protocol=7', 'héllo', '7'],
    ['/app/a%2Fb', 'a/b', null],
    ['/app/%20', ' ', null],
    ['http://parley.example/app/the-key?protocol=7', 'the-key', '7'],
    ['HTTPS://parley.example:8443/app/the-key/?protocol=7', 'the-key', '7'],
    ['http://[::1]/app/the-key', 'the-key', null],
    ['http://parley.example/app/h%C3%A9llo', 'héllo', null],
  ])('%j → key %j, protocol %j', (target, key, protocol) => {
    expect(parseUpgradeTarget(target)).toEqual({ key, protocol })
  })
})

describe('paths that are not /app/{key} (answered 404)', () => {
  test.each([
    '/',
    '//',
    '/\\',
    '//[',
    '//a:b@',
    '//parley.example/app/the-key',
    '/app',
    '/app/',
    '/app//',
    '/app/the-key//',
    '/app/the-key/extra',
    '/apps/the-key',
    '/app%2Fthe-key',
    '/healthz',
    'http://parley.example',
    'http://parley.example/',
  ])('%j', (target) => {
    expect(parseUpgradeTarget(target)?.key).toBeUndefined()
    expect(parseUpgradeTarget(target)).not.toBeNull()
  })

  test('the protocol parameter is still read', () => {
    expect(parseUpgradeTarget('//?protocol=7')).toEqual({ key: undefined, protocol: '7' })
  })
})

describe('targets that cannot be read (answered 400)', () => {
  test.each([
    ['no target at all', undefined],
    ['an empty target', ''],
    ['the asterisk form', '*'],
    ['the authority form', 'parley.example:443'],
    ['a relative path', 'app/the-key'],
    ['a scheme that is not http', 'ftp://parley.example/app/the-key'],
    ['an absolute URL with an unclosed IPv6 host', 'http://[::1'],
    ['an absolute URL with no host', 'http://'],
    ['an absolute URL with a bad port', 'http://parley.example:99999/app/the-key'],
    ['a key that is not a percent-escape', '/app/%ZZ'],
    ['a key with a truncated escape', '/app/the-key%E'],
    ['a key that escapes a lone surrogate', '/app/%ED%A0%80'],
    ['a key that escapes a truncated UTF-8 sequence', '/app/%E0%A4'],
    ['a bad escape in the absolute form', 'http://parley.example/app/%ZZ?protocol=7'],
  ])('%s', (_what, target) => {
    expect(parseUpgradeTarget(target)).toBeNull()
  })
})

test('any string: never throws; null, or a key (string or undefined) and a protocol (string or null)', async () => {
  const pieces = fc.constantFrom('/', '//', '\\', '/app/', 'the-key', '[', ']', '@', ':', '?', '#', '&', 'protocol=', '%', '%Z', '%E0', '%2F', 'http://', 'https://')
  const target = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 60 }),
    fc.array(fc.oneof(pieces, fc.string({ unit: 'binary', maxLength: 4 })), { maxLength: 12 }).map((parts) => parts.join('')),
  )
  await checkProperty(
    'parseUpgradeTarget: any string',
    fc.property(target, (text) => {
      const parsed = parseUpgradeTarget(text)
      if (parsed === null) return
      expect(Object.keys(parsed).sort()).toEqual(['key', 'protocol'])
      expect(parsed.key === undefined || typeof parsed.key === 'string').toBe(true)
      expect(parsed.protocol === null || typeof parsed.protocol === 'string').toBe(true)
    }),
    2_000,
  )
})

test('any key a client percent-encodes comes back as it was', async () => {
  await checkProperty(
    'parseUpgradeTarget: encoded keys',
    fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }), (key) => {
      expect(parseUpgradeTarget(`/app/${encodeURIComponent(key)}?protocol=7`)).toEqual({ key, protocol: '7' })
    }),
    500,
  )
})
