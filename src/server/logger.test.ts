import { describe, expect, test } from 'vitest'
import { createLogger, safeError, scrubUrls } from './logger'

describe('scrubUrls', () => {
  test.each([
    ['request to http://127.0.0.1:8787/apps/1/events?auth_key=k&auth_signature=abc failed', 'request to http://127.0.0.1:8787/apps/1/events?… failed'],
    ['Request cannot be constructed from a URL that includes credentials: https://user:pw@hooks.example/x', 'Request cannot be constructed from a URL that includes credentials: https://hooks.example/x'],
    ['postgres://parley:hunter2@db:5432/parley', 'postgres://db:5432/parley'],
    ['no urls here', 'no urls here'],
    ['http://a/b#frag and ws://c/d?e=f', 'http://a/b and ws://c/d?…'],
  ])('%s', (input, output) => {
    expect(scrubUrls(input)).toBe(output)
  })
})

describe('safeError', () => {
  test('keeps type, message, stack and codes; drops what libraries hang on errors', () => {
    const err = Object.assign(new Error('Unexpected status code 401'), {
      url: 'http://127.0.0.1/apps/1/events?auth_signature=abc',
      body: '{"error":"secret-ish"}',
      status: 401,
      code: 'E_STATUS',
      config: { secret: 'x' },
    })
    const safe = safeError(err) as Record<string, unknown>
    expect(safe).toMatchObject({ type: 'Error', message: 'Unexpected status code 401', status: 401, code: 'E_STATUS' })
    expect(safe.stack).toContain('Unexpected status code 401')
    expect(safe).not.toHaveProperty('url')
    expect(safe).not.toHaveProperty('body')
    expect(safe).not.toHaveProperty('config')
  })

  test('follows cause (and the pusher SDK’s `error`), scrubbed', () => {
    const inner = new Error('request to http://h/apps/1/events?auth_signature=abc failed, reason: ECONNREFUSED')
    const outer = Object.assign(new Error('Request failed with an error'), { error: inner })
    expect(safeError(outer)).toMatchObject({
      message: 'Request failed with an error',
      cause: { message: 'request to http://h/apps/1/events?… failed, reason: ECONNREFUSED' },
    })
  })

  test('non-errors pass through; strings are scrubbed', () => {
    expect(safeError(42)).toBe(42)
    expect(safeError('see https://u:p@h/x?y')).toBe('see https://h/x?…')
  })
})

test('the logger removes credential fields and serializes errors safely', () => {
  const lines: string[] = []
  const log = createLogger('info', { write: (line: string) => void lines.push(line) })
  log.info({ password: 'pw-1', user: { token: 'tok-1', name: 'ok' }, req: { headers: { authorization: 'Bearer tok-2' } } }, 'hello')
  log.error({ err: Object.assign(new Error('boom'), { body: 'body-1' }) }, 'failed')
  const text = lines.join('')
  for (const secret of ['pw-1', 'tok-1', 'tok-2', 'body-1']) expect(text).not.toContain(secret)
  expect(text).toContain('"name":"ok"')
  expect(text).toContain('"message":"boom"')
})
