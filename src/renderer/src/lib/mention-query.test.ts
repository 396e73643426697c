import { describe, expect, it } from 'vitest'
import type { ChatUser } from '../../../shared/ipc'
import { insertMention, matchMembers, mentionQueryAt } from './mention-query'

const user = (username: string, displayName: string): ChatUser => ({ id: username, username, displayName, online: false, lastSeenAt: null })
const members = [user('bob', 'Bob Chen'), user('li.lei', '李雷'), user('hanmeimei', '韩梅梅'), user('carol', 'Carol Díaz'), user('robert', 'Rob Bobson')]

describe('mention autocomplete', () => {
  it('finds the @name being typed at the caret', () => {
    expect(mentionQueryAt('hi @bo', 6)).toEqual({ start: 3, query: 'bo' })
    expect(mentionQueryAt('@', 1)).toEqual({ start: 0, query: '' })
    expect(mentionQueryAt('你好@李', 4)).toEqual({ start: 2, query: '李' })
    expect(mentionQueryAt('mail bob@exa', 12)).toBeNull()
    expect(mentionQueryAt('hi @bob and', 11)).toBeNull()
    expect(mentionQueryAt('no at here', 10)).toBeNull()
  })

  it('matches usernames and display names, prefixes first, Chinese names included', () => {
    expect(matchMembers(members, 'bo').map((m) => m.username)).toEqual(['bob', 'robert'])
    expect(matchMembers(members, '李').map((m) => m.username)).toEqual(['li.lei'])
    expect(matchMembers(members, '梅').map((m) => m.username)).toEqual(['hanmeimei'])
    expect(matchMembers(members, 'díaz').map((m) => m.username)).toEqual(['carol'])
    expect(matchMembers(members, 'CHEN').map((m) => m.username)).toEqual(['bob'])
    expect(matchMembers(members, '')).toHaveLength(5)
    expect(matchMembers(members, 'zzz')).toEqual([])
  })

  it('inserts @username and a space, replacing what was typed', () => {
    const text = 'hi @li how are you'
    const query = mentionQueryAt(text, 6)
    expect(query).not.toBeNull()
    expect(insertMention(text, query!, 6, 'li.lei')).toEqual({ text: 'hi @li.lei how are you', caret: 11 })
  })
})
