import { describe, expect, it } from 'vitest'
import { loadEmoji, searchEmoji } from './emoji'

describe('emoji picker data', () => {
  it('is bundled and searchable in English', async () => {
    const all = await loadEmoji('en-US')
    expect(all.length).toBeGreaterThan(1_000)
    expect(searchEmoji(all, 'thumbs up').map((entry) => entry.emoji)).toContain('👍️')
    expect(all.some((entry) => entry.group === 2)).toBe(false)
  })

  it('is searchable in Chinese, and in English from the Chinese UI', async () => {
    const all = await loadEmoji('zh-CN')
    expect(searchEmoji(all, '拇指').map((entry) => entry.emoji)).toContain('👍️')
    expect(searchEmoji(all, '笑').length).toBeGreaterThan(3)
    expect(searchEmoji(all, 'pizza').map((entry) => entry.emoji)).toContain('🍕')
    expect(all.find((entry) => entry.emoji === '🍕')?.label).toMatch(/[\u4e00-\u9fff]/)
  })
})
