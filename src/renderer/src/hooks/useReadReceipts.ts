/**
 * Wires the read rule (read-receipts/read-tracker.ts) for the open
 * conversation: window focus from main, document visibility, the
 * conversation's readSeq from the store, and the highest visible seq the
 * message list reports. Returns the callback for that report.
 */
import { useCallback, useEffect, useRef } from 'react'
import { ReadTracker } from '../read-receipts/read-tracker'
import { useConversations } from '../store/conversations'
import { useUi } from '../store/ui'

export function useReadReceipts(conversationId: string): (visibleSeq: number | null) => void {
  const tracker = useRef<ReadTracker | null>(null)
  const lastVisibleSeq = useRef<number | null>(null)

  useEffect(() => {
    const current = new ReadTracker({
      markRead: (seq) => useConversations.getState().markRead(conversationId, seq),
      setTimer: (callback, ms) => {
        const timer = setTimeout(callback, ms)
        return () => clearTimeout(timer)
      },
      now: () => Date.now(),
    })
    tracker.current = current
    const documentVisible = () => document.visibilityState === 'visible'
    current.update({
      conversationOpen: true,
      visibleSeq: lastVisibleSeq.current,
      windowFocused: useUi.getState().windowFocused,
      documentVisible: documentVisible(),
      readSeq: useConversations.getState().byId[conversationId]?.readSeq ?? 0,
    })
    const onVisibility = () => current.update({ documentVisible: documentVisible() })
    document.addEventListener('visibilitychange', onVisibility)
    const unsubscribeUi = useUi.subscribe((state) => current.update({ windowFocused: state.windowFocused }))
    const unsubscribeConversations = useConversations.subscribe((state) =>
      current.update({ readSeq: state.byId[conversationId]?.readSeq ?? 0 }),
    )
    return () => {
      document.removeEventListener('visibilitychange', onVisibility)
      unsubscribeUi()
      unsubscribeConversations()
      current.dispose()
      if (tracker.current === current) tracker.current = null
    }
  }, [conversationId])

  return useCallback((visibleSeq: number | null) => {
    lastVisibleSeq.current = visibleSeq
    tracker.current?.update({ visibleSeq })
  }, [])
}
