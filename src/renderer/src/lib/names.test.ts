import { describe, expect, it } from 'vitest'
import { conversationTitle, hueOf, initialsOf, otherMemberId, personName } from './names'

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

  it('leaves out the @username personName adds', () => {
    expect(initialsOf(personName({ displayName: 'Alice', username: 'alice' }, true))).toBe('A')
    expect(initialsOf(personName({ displayName: 'Alice Smith', username: 'mallory' }, true))).toBe('AS')
    expect(initialsOf(`${personName({ displayName: 'Alice', username: 'a' }, true)}, ${personName({ displayName: '\u0410lice', username: 'm' }, true)}`)).toBe('A\u0410')
  })
})

describe('personName', () => {
  it('is the display name, or "Display Name @username" (the name isolated) for a look-alike', () => {
    expect(personName({ displayName: 'Alice', username: 'alice' }, false)).toBe('Alice')
    expect(personName({ displayName: '\u0410lice', username: 'mallory' }, true)).toBe('\u2068\u0410lice\u2069 \u2066@mallory\u2069')
  })
})

describe('conversationTitle', () => {
  const person = (name: string) => ({ displayName: name[0]?.toUpperCase() + name.slice(1), username: name })
  const users = { me: person('me'), bob: person('bob'), ann: person('ann'), cy: person('cy'), di: person('di') }

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

  it('adds the @username of members among the look-alikes', () => {
    const lookAlikes = new Set(['bob'])
    expect(conversationTitle({ kind: 'direct', title: null, memberIds: ['me', 'bob'] }, users, 'me', '?', lookAlikes)).toBe('\u2068Bob\u2069 \u2066@bob\u2069')
    expect(conversationTitle({ kind: 'group', title: null, memberIds: ['me', 'bob', 'ann'] }, users, 'me', '?', lookAlikes)).toBe('\u2068Bob\u2069 \u2066@bob\u2069, Ann')
    expect(conversationTitle({ kind: 'group', title: 'Team', memberIds: ['me', 'bob'] }, users, 'me', '?', lookAlikes)).toBe('Team')
  })

  it('finds the other member', () => {
    expect(otherMemberId({ memberIds: ['bob', 'me'] }, 'me')).toBe('bob')
  })

  it('gives stable hues', () => {
    // From the id alone: the same colour in every session and release, different ones for different people.
    expect(hueOf('bob')).toBe(157)
    expect(hueOf('carol')).toBe(169)
    expect(hueOf('u1')).not.toBe(hueOf('u2'))
    expect(hueOf('bob')).toBeGreaterThanOrEqual(0)
    expect(hueOf('bob')).toBeLessThan(360)
  })
})
