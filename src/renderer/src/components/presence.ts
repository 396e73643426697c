/** Presence as words ("online", "last seen 5 minutes ago"): never by colour alone. */
import type { TFunction } from 'i18next'
import type { ChatUser } from '../../../shared/ipc'
import { formatRelative } from '../lib/time'

export function presenceText(t: TFunction, user: Pick<ChatUser, 'online' | 'lastSeenAt'> | undefined, now: number, locale: string): string {
  if (user === undefined) return t('presence.offline')
  if (user.online) return t('presence.online')
  if (user.lastSeenAt === null) return t('presence.offline')
  if (now - user.lastSeenAt < 60_000) return t('presence.lastSeenJustNow')
  return t('presence.lastSeen', { when: formatRelative(user.lastSeenAt, now, locale) })
}
