/**
 * What the live region (components/LiveAnnouncer.tsx, lib/announce.ts) says:
 *
 * - messages arriving in the open conversation from others, a burst at a
 *   time (lib/burst.ts: one announcement once a second has passed without
 *   another, or 3 s into a stream) — not my own, not the history loaded by
 *   opening the conversation or scrolling back (lib/arrivals.ts);
 * - the connection going offline, reconnecting and back online, once per
 *   change (lib/connection-news.ts).
 *
 * Words are chosen when the announcement is made, in the UI's language then.
 */
import { useEffect } from 'react'
import type { ChatMessage } from '../../../shared/ipc'
import { attachmentsText } from '../components/attachment-text'
import { i18n } from '../i18n'
import { announce } from '../lib/announce'
import { ArrivalWatch, arrivalsText, firstLineOf, highestSeq } from '../lib/arrivals'
import { Burst } from '../lib/burst'
import { ConnectionNewsTracker } from '../lib/connection-news'
import { formatMessage, plainText } from '../lib/markdown'
import { useConnection } from '../store/connection'
import { useMessages } from '../store/messages'
import { selectMe, useSession } from '../store/session'
import { selectPersonName, useUsers } from '../store/users'

function announceArrivals(messages: readonly ChatMessage[]): void {
  const t = i18n.t
  const unknown = t('common.unknownUser')
  const arrivals = messages.map((message) => {
    const caption = firstLineOf(plainText(formatMessage(message.body)))
    return { senderId: message.senderId, text: caption === '' ? attachmentsText(t, message.attachments) : caption }
  })
  const text = arrivalsText(t, arrivals, (id) => selectPersonName(id, unknown)(useUsers.getState()))
  if (text !== null) announce(text)
}

/**
 * New messages in the conversation the message list shows; `opened`: its first load is done
 * (the latest page, and back to the first unread message or a search hit) — what it held then
 * is not news.
 */
export function useArrivalAnnouncements(conversationId: string, opened: boolean): void {
  useEffect(() => {
    if (!opened) return
    const atOpening = useMessages.getState().byConversation[conversationId]
    const watch = new ArrivalWatch(selectMe(useSession.getState()), Math.max(highestSeq(atOpening?.messages ?? []), atOpening?.pagedUpTo ?? 0))
    const burst = new Burst<ChatMessage>(announceArrivals)
    const unsubscribe = useMessages.subscribe((state, previous) => {
      const held = state.byConversation[conversationId]
      if (held === undefined || held.messages === previous.byConversation[conversationId]?.messages) return
      // Newer pages of a window scrolled back, and the latest page replacing it, are history.
      watch.skipThrough(held.pagedUpTo)
      burst.add(watch.arrivals(held.messages))
    })
    return () => {
      unsubscribe()
      // Another conversation opened: what was still gathering here is not about it.
      burst.cancel()
    }
  }, [conversationId, opened])
}

/** Offline, reconnecting, back online: each said once when the connection's state changes. */
export function useConnectionAnnouncements(): void {
  useEffect(() => {
    const tracker = new ConnectionNewsTracker(useConnection.getState().status.state)
    return useConnection.subscribe((state) => {
      const news = tracker.next(state.status.state)
      if (news !== null) announce(i18n.t(`announce.${news}`))
    })
  }, [])
}
