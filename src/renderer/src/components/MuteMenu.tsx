/**
 * The mute menu of a conversation (the header's bell, the list's context
 * menu): for 1 hour, 8 hours, a week, until turned back on, or unmute. The
 * time is computed from the clock when chosen; my other devices follow.
 */
import { useTranslation } from 'react-i18next'
import { isMuted, MUTE_CHOICES, mutedUntilFor, type MuteChoice } from '../lib/mute'
import { callError } from '../lib/call-error'
import { useConversations } from '../store/conversations'
import { useNotices } from '../store/notices'
import type { Anchor } from './Popover'
import { Menu, type MenuItem } from './Menu'

const LABELS: Record<MuteChoice, 'mute.hour' | 'mute.eightHours' | 'mute.week' | 'mute.forever'> = {
  hour: 'mute.hour',
  eightHours: 'mute.eightHours',
  week: 'mute.week',
  forever: 'mute.forever',
}

export function setMuted(conversationId: string, mutedUntil: number | null): void {
  useConversations
    .getState()
    .setMuted(conversationId, mutedUntil)
    .catch((err: unknown) => {
      const { code, message } = callError(err)
      useNotices.getState().push({ kind: 'failed', change: 'mute', code, message })
    })
}

export function MuteMenu({ conversationId, anchor, onClose }: { conversationId: string; anchor: Anchor; onClose(): void }) {
  const { t } = useTranslation()
  const mutedUntil = useConversations((state) => state.byId[conversationId]?.mutedUntil ?? null)
  const items: MenuItem[] = MUTE_CHOICES.map((choice) => ({
    id: `mute-${choice}`,
    label: t(LABELS[choice]),
    onSelect: () => setMuted(conversationId, mutedUntilFor(choice, Date.now())),
  }))
  if (isMuted(mutedUntil, Date.now())) items.push({ id: 'unmute', label: t('mute.unmute'), onSelect: () => setMuted(conversationId, null) })
  return <Menu anchor={anchor} label={t('mute.menu')} items={items} onClose={onClose} testId="mute-menu" />
}
