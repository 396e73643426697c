import { describe, expect, test } from 'vitest'
import { ConfigError, loadConfig } from './config'

describe('loadConfig', () => {
  test('defaults follow docs/design.md §3', () => {
    const config = loadConfig({})
    expect(config).toMatchObject({
      port: 8787,
      host: '127.0.0.1',
      dataDir: './data',
      activityTimeoutSec: 30,
      pongGraceMs: 10_000,
      authRateLimit: 30,
      sendRateLimit: 120,
      changeRateLimit: 120,
      conversationRateLimit: 20,
      searchRateLimit: 60,
      logLevel: 'info',
    })
    expect(config.databaseUrl).toBeUndefined()
    expect(config.pusher.appId).toBeUndefined()
  })

  test('RELEASES_DIR: DATA_DIR/releases unless set; RELEASES_RATE_LIMIT a positive count', () => {
    expect(loadConfig({ DATA_DIR: '/srv/parley' }).releases).toEqual({ dir: '/srv/parley/releases', rateLimit: 600 })
    expect(loadConfig({ RELEASES_DIR: '/srv/downloads', RELEASES_RATE_LIMIT: '50' }).releases).toEqual({ dir: '/srv/downloads', rateLimit: 50 })
    expect(() => loadConfig({ RELEASES_RATE_LIMIT: '0' })).toThrow(/RELEASES_RATE_LIMIT/)
  })

  test('REGISTRATION: open by default, invite or closed when said', () => {
    expect(loadConfig({}).registration).toBe('open')
    expect(loadConfig({ REGISTRATION: 'invite' }).registration).toBe('invite')
    expect(loadConfig({ REGISTRATION: 'closed' }).registration).toBe('closed')
  })

  test('PUSHER_ENCRYPTION_MASTER_KEY: used with an external service, ignored (and flagged for a warning) with the embedded one', () => {
    const key = Buffer.alloc(32, 7).toString('base64')
    const external = loadConfig({
      PUSHER_ENCRYPTION_MASTER_KEY: key,
      PUSHER_HOST: 'realtime.example.com',
      PUSHER_APP_ID: 'a',
      PUSHER_KEY: 'k',
      PUSHER_SECRET: 'secret-value',
    })
    expect(external.pusher.encryptionMasterKeyBase64).toBe(key)
    expect(external.ignoredEncryptionKey).toBe(false)
    const embedded = loadConfig({ PUSHER_ENCRYPTION_MASTER_KEY: key })
    expect(embedded.pusher.encryptionMasterKeyBase64).toBeUndefined()
    expect(embedded.ignoredEncryptionKey).toBe(true)
    expect(loadConfig({}).ignoredEncryptionKey).toBe(false)
  })

  test('channel limits and PUBLIC_URL', () => {
    const config = loadConfig({
      PUBLIC_CHANNELS: 'false',
      MAX_CHANNELS: '1000',
      MAX_PUBLIC_CHANNELS_PER_IP: '3',
      PUBLIC_URL: 'https://chat.example.com:8443/',
    })
    expect(config.limits).toMatchObject({ publicChannels: false, maxChannels: 1000, maxPublicChannelsPerAddress: 3 })
    expect(config.publicUrl?.host).toBe('chat.example.com:8443')
    expect(loadConfig({}).publicUrl).toBeUndefined()
  })

  test('attachments: 100 MiB and the filesystem by default; S3 when a bucket is named', () => {
    expect(loadConfig({}).attachments).toEqual({ maxUploadBytes: 100 * 1024 * 1024, uploadRateLimit: 60 })
    const config = loadConfig({
      MAX_UPLOAD_BYTES: '1048576',
      UPLOAD_RATE_LIMIT: '5',
      S3_BUCKET: 'parley-files',
      S3_ENDPOINT: 'http://127.0.0.1:9000',
      S3_ACCESS_KEY_ID: 'key',
      S3_SECRET_ACCESS_KEY: 'secret',
      S3_FORCE_PATH_STYLE: 'true',
      S3_PREFIX: 'team-a/',
    })
    expect(config.attachments).toEqual({
      maxUploadBytes: 1_048_576,
      uploadRateLimit: 5,
      s3: {
        bucket: 'parley-files',
        endpoint: 'http://127.0.0.1:9000',
        region: 'us-east-1',
        accessKeyId: 'key',
        secretAccessKey: 'secret',
        forcePathStyle: true,
        prefix: 'team-a/',
      },
    })
    expect(loadConfig({ S3_BUCKET: 'parley-files' }).attachments.s3).toEqual({
      bucket: 'parley-files',
      region: 'us-east-1',
      forcePathStyle: false,
      prefix: '',
    })
  })

  test.each([
    [{ MAX_UPLOAD_BYTES: '0' }, 'MAX_UPLOAD_BYTES'],
    [{ MAX_UPLOAD_BYTES: 'lots' }, 'MAX_UPLOAD_BYTES'],
    [{ S3_BUCKET: 'Bad_Bucket' }, 'S3_BUCKET'],
    [{ S3_BUCKET: 'files', S3_ENDPOINT: 'ftp://x' }, 'S3_ENDPOINT'],
    [{ S3_BUCKET: 'files', S3_ACCESS_KEY_ID: 'key' }, 'S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY'],
    [{ S3_ENDPOINT: 'http://127.0.0.1:9000' }, 'S3_BUCKET'],
    [{ S3_BUCKET: 'files', S3_PREFIX: '../x y' }, 'S3_PREFIX'],
  ])('a bad attachment setting %o stops the start naming %s', (env, named) => {
    expect(() => loadConfig(env)).toThrow(ConfigError)
    expect(() => loadConfig(env)).toThrow(named)
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
      CONVERSATION_RATE_LIMIT: '5',
      SEARCH_RATE_LIMIT: '7',
    })
    expect(config).toMatchObject({
      port: 9000,
      activityTimeoutSec: 5,
      pongGraceMs: 500,
      pusher: { useTLS: true, port: 443 },
      limits: { maxPresenceMembers: 7 },
      webhookUrl: 'http://127.0.0.1:9/hook',
      conversationRateLimit: 5,
      searchRateLimit: 7,
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
    [{ CONVERSATION_RATE_LIMIT: '0' }, 'CONVERSATION_RATE_LIMIT'],
    [{ CHANGE_RATE_LIMIT: '0' }, 'CHANGE_RATE_LIMIT'],
    [{ SEARCH_RATE_LIMIT: '0' }, 'SEARCH_RATE_LIMIT'],
    [{ PUSHER_USE_TLS: 'yes' }, 'PUSHER_USE_TLS'],
    [{ PUBLIC_URL: 'chat.example.com' }, 'PUBLIC_URL'],
    [{ PUBLIC_URL: 'ftp://chat.example.com' }, 'PUBLIC_URL'],
    [{ PUBLIC_URL: 'https://chat.example.com/parley' }, 'PUBLIC_URL'],
    [{ PUBLIC_URL: 'https://user:pw@chat.example.com' }, 'PUBLIC_URL'],
    [{ PUBLIC_CHANNELS: 'no' }, 'PUBLIC_CHANNELS'],
    [{ MAX_CHANNELS: '0' }, 'MAX_CHANNELS'],
    [{ MAX_PUBLIC_CHANNELS_PER_IP: '-3' }, 'MAX_PUBLIC_CHANNELS_PER_IP'],
    [{ WEBHOOK_URL: 'not a url' }, 'WEBHOOK_URL'],
    [{ PUSHER_KEY: 'has space' }, 'PUSHER_KEY'],
    [{ PUSHER_KEY: 'only-the-key' }, 'PUSHER_APP_ID, PUSHER_KEY and PUSHER_SECRET'],
    [{ REGISTRATION: 'sometimes' }, 'REGISTRATION: open, invite or closed'],
    [{ REGISTRATION: 'OPEN' }, 'REGISTRATION'],
    [{ PUSHER_ENCRYPTION_MASTER_KEY: 'not base64!' }, 'PUSHER_ENCRYPTION_MASTER_KEY: base64 of exactly 32 random bytes'],
    [{ PUSHER_ENCRYPTION_MASTER_KEY: Buffer.alloc(16, 1).toString('base64') }, 'PUSHER_ENCRYPTION_MASTER_KEY'],
    [{ PUSHER_ENCRYPTION_MASTER_KEY: Buffer.alloc(33, 1).toString('base64') }, 'PUSHER_ENCRYPTION_MASTER_KEY'],
  ])('%o is refused with a message naming %s', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError)
    expect(() => loadConfig(env)).toThrow(name)
  })
})
