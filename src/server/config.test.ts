import { describe, expect, test } from 'vitest'
import { ConfigError, loadConfig } from './config'

describe('loadConfig', () => {
  test('defaults follow DESIGN.md §3', () => {
    const config = loadConfig({})
    expect(config).toMatchObject({
      port: 8787,
      host: '127.0.0.1',
      dataDir: './data',
      activityTimeoutSec: 30,
      pongGraceMs: 10_000,
      authRateLimit: 30,
      logLevel: 'info',
    })
    expect(config.databaseUrl).toBeUndefined()
    expect(config.pusher.appId).toBeUndefined()
  })

  test('empty variables count as unset', () => {
    expect(loadConfig({ PORT: '', PONG_GRACE: '' })).toMatchObject({ port: 8787, pongGraceMs: 10_000 })
  })

  test('values are parsed and converted', () => {
    const config = loadConfig({
      PORT: '9000',
      ACTIVITY_TIMEOUT: '5',
      PONG_GRACE: '0.5',
      PUSHER_USE_TLS: 'true',
      PUSHER_PORT: '443',
      MAX_PRESENCE_MEMBERS: '7',
      WEBHOOK_URL: 'http://127.0.0.1:9/hook',
    })
    expect(config).toMatchObject({
      port: 9000,
      activityTimeoutSec: 5,
      pongGraceMs: 500,
      pusher: { useTLS: true, port: 443 },
      limits: { maxPresenceMembers: 7 },
      webhookUrl: 'http://127.0.0.1:9/hook',
    })
  })

  test.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ ACTIVITY_TIMEOUT: '0' }, 'ACTIVITY_TIMEOUT'],
    [{ ACTIVITY_TIMEOUT: '1.5' }, 'ACTIVITY_TIMEOUT'],
    [{ PONG_GRACE: '-1' }, 'PONG_GRACE'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ PUSHER_USE_TLS: 'yes' }, 'PUSHER_USE_TLS'],
    [{ WEBHOOK_URL: 'not a url' }, 'WEBHOOK_URL'],
    [{ PUSHER_KEY: 'has space' }, 'PUSHER_KEY'],
    [{ PUSHER_KEY: 'only-the-key' }, 'PUSHER_APP_ID, PUSHER_KEY and PUSHER_SECRET'],
  ])('%o is refused with a message naming %s', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError)
    expect(() => loadConfig(env)).toThrow(name)
  })
})
