import { expect, test } from 'vitest'
import { conversationDto, tempCache } from '../../../../test/support/cache/temp-cache'
import { MUTE_FOREVER, type Conversation } from '../../../shared/api'
import { HttpError, NetworkError } from '../api-client'
import { LEGACY_MUTES_SETTING } from '../cache/database/migrations/008-groups-and-people'
import { sendLegacyMutes } from './legacy-mutes'

test('a local mute of before issue 19 goes to the server once; done, refused or moot ones leave the list, a network error keeps its entry', async () => {
  const { cache } = tempCache()
  cache.upsertConversations([
    conversationDto('sent'),
    conversationDto('refused'),
    conversationDto('offline'),
    conversationDto('already', { mutedUntil: 99_000 }),
    conversationDto('left'),
  ])
  cache.setLeft('left', 1)
  cache.setSetting(LEGACY_MUTES_SETTING, ['sent', 'refused', 'offline', 'already', 'left', 'unknown'])
  const asked: [string, number | null][] = []
  const applied: Conversation[] = []
  const api = {
    conversationSettings: async (id: string, { mutedUntil }: { mutedUntil: number | null }) => {
      asked.push([id, mutedUntil])
      if (id === 'refused') throw new HttpError(404, 'not_found', 'no such route')
      if (id === 'offline') throw new NetworkError('ECONNREFUSED')
      return conversationDto(id, { mutedUntil })
    },
  }
  await sendLegacyMutes(cache, api, (conversation) => applied.push(conversation))
  expect(asked).toEqual([
    ['sent', MUTE_FOREVER],
    ['refused', MUTE_FOREVER],
    ['offline', MUTE_FOREVER],
  ])
  expect(applied.map((c) => [c.id, c.mutedUntil])).toEqual([['sent', MUTE_FOREVER]])
  expect(cache.getSetting(LEGACY_MUTES_SETTING)).toEqual(['offline'])
  // Once the last one went, the setting is gone and nothing is asked again.
  cache.upsertConversations([conversationDto('offline', { mutedUntil: MUTE_FOREVER })])
  await sendLegacyMutes(cache, api, () => undefined)
  expect(cache.getSetting(LEGACY_MUTES_SETTING)).toBeUndefined()
  expect(asked).toHaveLength(3)
})
