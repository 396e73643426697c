import { describe, expect, it } from 'vitest'
import { conversationTitle, hueOf, initialsOf, otherMemberId } from './names'

describe('initialsOf', () => {
  it('takes the first letters of the first and last words', () => {
    expect(initialsOf('Alice Smith')).toBe('AS')
    expect(initialsOf('bob')).toBe('B')
    expect(initialsOf('  mary   ann  lee ')).toBe('ML')
    expect(initialsOf('张三')).toBe('张')
    expect(initialsOf('')).toBe('?')
  })

  it('keeps emoji whole and strips bidi overrides and zero-width characters', () => {
    expect(initialsOf('👩‍💻 Dev')).toBe('👩‍💻D')
    expect(initialsOf('\u202Eevil\u200B name')).toBe('EN')
    expect(initialsOf('\u200B\u200B')).toBe('?')
  })
})

describe('conversationTitle', () => {
  const users = { me: { displayName: 'Me' }, bob: { displayName: 'Bob' }, ann: { displayName: 'Ann' }, cy: { displayName: 'Cy' }, di: { displayName: 'Di' } }

  it('is the other member’s name for a direct conversation', () => {
    expect(conversationTitle({ kind: 'direct', title: null, memberIds: ['me', 'bob'] }, users, 'me', '?')).toBe('Bob')
    expect(conversationTitle({ kind: 'direct', title: null, memberIds: ['me', 'zed'] }, users, 'me', 'Unknown')).toBe('Unknown')
    expect(conversationTitle({ kind: 'direct', title: null, memberIds: ['me'] }, users, 'me', '?')).toBe('Me')
  })

  it('is the group title, or the members’ names', () => {
    expect(conversationTitle({ kind: 'group', title: 'Team', memberIds: ['me', 'bob'] }, users, 'me', '?')).toBe('Team')
    expect(conversationTitle({ kind: 'group', title: '  ', memberIds: ['me', 'bob', 'ann'] }, users, 'me', '?')).toBe('Bob, Ann')
    expect(conversationTitle({ kind: 'group', title: null, memberIds: ['me', 'bob', 'ann', 'cy', 'di'] }, users, 'me', '?')).toBe('Bob, Ann, Cy +1')
  })

  it('finds the other member', () => {
    expect(otherMemberId({ memberIds: ['bob', 'me'] }, 'me')).toBe('bob')
  })

  it('gives stable hues', () => {
    expect(hueOf('bob')).toBe(hueOf('bob'))
    expect(hueOf('bob')).toBeGreaterThanOrEqual(0)
    expect(hueOf('bob')).toBeLessThan(360)
  })
})
