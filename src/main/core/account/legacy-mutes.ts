/**
 * Mutes from before issue 19 were a flag in this device's cache only; now a
 * mute is the server's (`mutedUntil`, synced to every device). Cache
 * migration 008 turned each such flag into a mute until turned off and noted
 * the conversation in the setting LEGACY_MUTES_SETTING; after a sync, each one
 * the server does not have muted is sent to it once (PUT settings with
 * MUTE_FOREVER). A conversation the server already mutes, one I left, or a
 * refusal (an older server without the route) drops it from the list; a
 * network error keeps it for the next sync.
 */
import { MUTE_FOREVER, type Conversation } from '../../../shared/api'
import { isRetryable, type ApiClient } from '../api-client'
import type { Cache } from '../cache/types'
import { LEGACY_MUTES_SETTING } from '../cache/database/migrations/008-groups-and-people'

export async function sendLegacyMutes(cache: Cache, api: Pick<ApiClient, 'conversationSettings'>, apply: (conversation: Conversation) => void): Promise<void> {
  const pending = cache.getSetting(LEGACY_MUTES_SETTING)
  if (!Array.isArray(pending) || pending.length === 0) return
  const remaining: string[] = []
  for (const id of pending) {
    if (typeof id !== 'string') continue
    const conversation = cache.conversation(id)
    if (conversation === null || conversation.leftAt !== null || conversation.mutedUntil !== null) continue
    try {
      apply(await api.conversationSettings(id, { mutedUntil: MUTE_FOREVER }))
    } catch (err) {
      if (isRetryable(err)) remaining.push(id)
    }
  }
  cache.setSetting(LEGACY_MUTES_SETTING, remaining.length > 0 ? remaining : undefined)
}
