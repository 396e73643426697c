import { describe, expect, it } from 'vitest'
import { inviteLink, parseInviteLink } from './invite-link'

describe('invite links', () => {
  it('round-trips a server and a code', () => {
    const link = inviteLink('https://chat.example.org', 'AbCdEfGhIjKlMnOpQrStUvWx')
    expect(link).toBe('parley://invite?server=https%3A%2F%2Fchat.example.org&code=AbCdEfGhIjKlMnOpQrStUvWx')
    expect(parseInviteLink(link)).toEqual({ serverUrl: 'https://chat.example.org', code: 'AbCdEfGhIjKlMnOpQrStUvWx' })
  })

  it('keeps a port and a path prefix, drops a trailing slash, trims whitespace', () => {
    expect(parseInviteLink(`  ${inviteLink('http://127.0.0.1:8787/parley/', 'code_1234-x')}\n`)).toEqual({
      serverUrl: 'http://127.0.0.1:8787/parley',
      code: 'code_1234-x',
    })
  })

  it.each([
    ['not a URL', 'hello'],
    ['another scheme', 'https://invite?server=https://a.example&code=abcdefgh12'],
    ['another target', 'parley://conversation?server=https://a.example&code=abcdefgh12'],
    ['no code', 'parley://invite?server=https://a.example'],
    ['a short code', 'parley://invite?server=https://a.example&code=abc'],
    ['a code with other characters', 'parley://invite?server=https://a.example&code=abc%20defgh12'],
    ['a server that is not http(s)', 'parley://invite?server=file:///etc/passwd&code=abcdefgh12'],
    ['a javascript: server', 'parley://invite?server=javascript:alert(1)&code=abcdefgh12'],
    ['credentials in the server', 'parley://invite?server=https://u:p@a.example&code=abcdefgh12'],
    ['no server', 'parley://invite?code=abcdefgh12'],
  ])('refuses %s', (_what, text) => {
    expect(parseInviteLink(text)).toBeNull()
  })
})
