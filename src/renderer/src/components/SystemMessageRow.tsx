/**
 * A change to the group as a centred, muted line in the timeline ("Alice
 * added Bob"): no bubble, no actions, never unread-styled. It still reports
 * being seen, so reading past it counts.
 */
import { memo, useCallback } from 'react'
import type { ChatMessage } from '../../../shared/ipc'
import { formatDateTime } from '../lib/time'
import type { VisibleMessages } from '../read-receipts/visible-messages'
import { useSystemText } from './useSystemText'

export const SystemMessageRow = memo(function SystemMessageRow({ message, locale, visibility }: { message: ChatMessage; locale: string; visibility: VisibleMessages }) {
  const text = useSystemText(message.system)
  const seq = message.seq
  const track = useCallback(
    (element: HTMLDivElement | null) => {
      if (element === null || seq === null) return
      visibility.observe(element, seq)
      return () => visibility.unobserve(element)
    },
    [visibility, seq],
  )
  return (
    <div ref={track} className="system-message" data-testid="system-message" data-seq={seq ?? undefined} data-type={message.system?.type}>
      <span title={formatDateTime(message.createdAt, locale)}>
        <bdi dir="auto">{text}</bdi>
      </span>
    </div>
  )
})
