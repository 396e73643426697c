import { afterEach, describe, expect, test, vi } from 'vitest'
import { postgresProblem, skipOrFail } from './services'

afterEach(() => {
  vi.unstubAllEnvs()
  vi.restoreAllMocks()
})

describe('a missing PostgreSQL or Redis', () => {
  test('is named with its address and cause', async () => {
    expect(await postgresProblem('postgres://nobody:secret@127.0.0.1:1/x')).toMatch(
      /^PostgreSQL not reachable at postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/x \(.*ECONNREFUSED.*\)$/,
    )
  })

  test('locally: what needs it is skipped, and a line says so', () => {
    vi.stubEnv('CI', '')
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    expect(skipOrFail('the postgres variant', 'PostgreSQL not reachable', 'TEST_DATABASE_URL')).toBe('PostgreSQL not reachable')
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('the postgres variant: skipped — PostgreSQL not reachable'))
  })

  test('with CI=true: the run fails with the reason', () => {
    vi.stubEnv('CI', 'true')
    expect(() => skipOrFail('the postgres variant', 'PostgreSQL not reachable', 'TEST_DATABASE_URL')).toThrow(
      /PostgreSQL not reachable\. the postgres variant needs it, and with CI=true a missing service fails the run/,
    )
    expect(skipOrFail('the postgres variant', null, 'TEST_DATABASE_URL')).toBeNull()
  })
})
