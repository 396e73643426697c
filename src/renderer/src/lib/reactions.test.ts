import { describe, expect, it } from 'vitest'
import { canAddReaction, reactionChips, reactionEmoji, reactionTurnsOn } from './reactions'

const reactions = [
  { emoji: '👍', userIds: ['bob', 'me'] },
  { emoji: '🎉', userIds: ['carol'] },
]

describe('reaction chips', () => {
  it('count, mine, in the server order; empty reactions are not shown', () => {
    expect(reactionChips([...reactions, { emoji: '😢', userIds: [] }], 'me')).toEqual([
      { emoji: '👍', count: 2, mine: true, userIds: ['bob', 'me'] },
      { emoji: '🎉', count: 1, mine: false, userIds: ['carol'] },
    ])
  })

  it('a click turns my reaction on or off', () => {
    expect(reactionTurnsOn(reactions, '👍', 'me')).toBe(false)
    expect(reactionTurnsOn(reactions, '🎉', 'me')).toBe(true)
    expect(reactionTurnsOn(reactions, '😮', 'me')).toBe(true)
  })

  it('refuses a 21st different emoji but lets people join an existing one', () => {
    const twenty = Array.from({ length: 20 }, (_, i) => ({ emoji: String.fromCodePoint(0x1f600 + i), userIds: ['bob'] }))
    expect(canAddReaction(twenty.slice(0, 19))).toBe(true)
    expect(canAddReaction(twenty)).toBe(false)
    expect(canAddReaction(twenty, '😀')).toBe(true)
    expect(canAddReaction(twenty, '🎉')).toBe(false)
  })

  it('sends one form per emoji: a redundant variation selector is dropped, text-style ones get theirs', () => {
    expect(reactionEmoji('👍\uFE0F')).toBe('👍')
    expect(reactionEmoji('👍')).toBe('👍')
    expect(reactionEmoji('❤')).toBe('❤️')
    expect(reactionEmoji('❤️')).toBe('❤️')
    expect(reactionEmoji('👍🏽')).toBe('👍🏽')
    expect(reactionEmoji('a')).toBeNull()
    expect(reactionEmoji('👍👍')).toBeNull()
  })
})
