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

  const external = { PUSHER_APP_ID: 'app', PUSHER_KEY: 'key', PUSHER_SECRET: 'secret-value' }

  test.each([
    [{ PUSHER_HOST: 'realtime.example.com' }, true],
    [{ PUSHER_HOST: 'realtime.example.com', PUSHER_USE_TLS: '' }, true],
    [{ PUSHER_CLUSTER: 'eu' }, true],
    [{ PUSHER_HOST: 'realtime.example.com', PUSHER_USE_TLS: 'false' }, false],
    [{ PUSHER_HOST: 'realtime.example.com', PUSHER_USE_TLS: 'true' }, true],
    [{}, false],
  ])('an external service is reached over TLS unless PUSHER_USE_TLS=false: %o → useTLS %s', (env, useTLS) => {
    expect(loadConfig({ ...external, ...env }).pusher.useTLS).toBe(useTLS)
  })

  test('TRUST_PROXY: off by default; true/false, or proxy addresses and CIDRs', () => {
    expect(loadConfig({}).trustProxy).toBe(false)
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false)
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true)
    expect(loadConfig({ TRUST_PROXY: '127.0.0.1' }).trustProxy).toEqual(['127.0.0.1'])
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, ::1,fd00::/8 ,192.168.0.0/255.255.0.0,loopback' }).trustProxy).toEqual([
      '10.0.0.0/8',
      '::1',
      'fd00::/8',
      '192.168.0.0/255.255.0.0',
      'loopback',
    ])
  })

  test.each([
    [{ TRUST_PROXY: 'yes' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: '2' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: '10.0.0.0/33' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: '10.0.0.1,proxy.example.com' }, 'proxy.example.com'],
    [{ TRUST_PROXY: '10.0.0.1,' }, 'TRUST_PROXY'],
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
