import { describe, expect, it } from 'vitest'
import { conversationLink, messageLink, parseDeepLink } from './deep-link'
import { inviteLink } from './invite-link'

describe('parley:// links', () => {
  it('reads invites, conversations and messages', () => {
    expect(parseDeepLink(inviteLink('https://chat.example.org', 'abcdefgh12'))).toEqual({
      kind: 'invite',
      serverUrl: 'https://chat.example.org',
      code: 'abcdefgh12',
    })
    expect(parseDeepLink(conversationLink('c_AbC-1'))).toEqual({ kind: 'conversation', conversationId: 'c_AbC-1' })
    expect(parseDeepLink(messageLink('c_AbC-1', 42))).toEqual({ kind: 'message', conversationId: 'c_AbC-1', seq: 42 })
    expect(parseDeepLink('  PARLEY://Conversation/c1/ ')).toEqual({ kind: 'conversation', conversationId: 'c1' })
  })

  it.each([
    'https://conversation/c1',
    'parley://conversation/',
    'parley://conversation/c1/extra',
    'parley://conversation/c%201',
    'parley://conversation/../etc',
    'parley://message/c1',
    'parley://message/c1/0',
    'parley://message/c1/-3',
    'parley://message/c1/1.5',
    'parley://message/c1/99999999999999999',
    'parley://settings',
    'parley://conversation/c1?x=1',
    `parley://conversation/${'a'.repeat(65)}`,
    'javascript:alert(1)',
    '',
  ])('ignores %s', (text) => {
    expect(parseDeepLink(text)).toBeNull()
  })
})
