import { describe, expect, test } from 'vitest'
import { channelKind, decodeFrame, encodeFrame, frameData } from './protocol'

describe('channelKind', () => {
  test.each([
    ['news', 'public'],
    ['private-user-1', 'private'],
    ['private-encrypted-x', 'encrypted'],
    ['presence-conversation-9', 'presence'],
    ['#server-to-user-42', 'server-to-user'],
    ['a-b_c=d@e,f.g;h', 'public'],
    ['a'.repeat(200), 'public'],
  ])('%s is %s', (name, kind) => {
    expect(channelKind(name)).toBe(kind)
  })

  test.each(['', 'a'.repeat(201), 'with space', 'slash/es', 'ünïcode', '#other', '#server-to-user-', 'tab\t'])(
    '%j is invalid',
    (name) => {
      expect(channelKind(name)).toBeNull()
    },
  )
})

describe('frames', () => {
  test('encodeFrame JSON-encodes object data into a string, as Pusher does', () => {
    expect(JSON.parse(encodeFrame({ event: 'e', channel: 'c', data: { a: 1 } }))).toEqual({
      event: 'e',
      channel: 'c',
      data: '{"a":1}',
    })
    expect(JSON.parse(encodeFrame({ event: 'e', data: 'raw' }))).toEqual({ event: 'e', data: 'raw' })
  })

  test('decodeFrame accepts objects with a string event and refuses anything else without throwing', () => {
    expect(decodeFrame('{"event":"pusher:ping","data":{}}')).toEqual({
      ok: true,
      frame: { event: 'pusher:ping', data: {} },
    })
    for (const text of ['', 'x', '1', 'null', '[]', '{"event":""}', '{"event":1}', `{"event":"${'e'.repeat(201)}"}`]) {
      expect(decodeFrame(text).ok).toBe(false)
    }
  })

  test('frameData parses JSON strings and passes objects through', () => {
    expect(frameData('{"channel":"x"}')).toEqual({ channel: 'x' })
    expect(frameData({ channel: 'x' })).toEqual({ channel: 'x' })
    expect(frameData('{nope')).toBeUndefined()
  })
})
