import { expect, test } from 'vitest'
import { chatMessage } from '../../../../test/support/chat-message'
import { PREVIEW_CHARS, previewOf } from './views'

const message = (body: string) => chatMessage({ body, seq: 1, reactions: [{ emoji: '👍', userIds: ['me'] }], mentions: ['me'] })

test('a list preview carries the start of the text, whole code points, and no reactions or mentions', () => {
  expect(previewOf(null)).toBeNull()
  const short = previewOf(message('**Packing list**\n- water'))
  expect(short).toMatchObject({ body: '**Packing list**\n- water', reactions: [], mentions: [], senderId: 'bob', seq: 1 })
  // Emoji and CJK beyond the limit: cut between code points, never inside a surrogate pair.
  const long = previewOf(message('😀周'.repeat(PREVIEW_CHARS)))
  expect(Array.from(long?.body ?? '')).toHaveLength(PREVIEW_CHARS)
  expect(long?.body.startsWith('😀周😀周')).toBe(true)
  expect(long?.body).not.toMatch(/[\uD800-\uDBFF]$/)
})
