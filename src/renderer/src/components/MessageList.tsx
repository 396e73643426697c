/**
 * The virtualized message list (react-virtuoso): only rows near the viewport
 * exist in the DOM, so a conversation of 10,000+ messages stays smooth.
 *
 * - Opens at the unread divider (first message unread when the conversation
 *   was opened), at a search hit, or at the bottom.
 * - Shows the store's window of the conversation (store/messages.ts): older
 *   pages load when the top is reached, newer ones when the bottom of a window
 *   scrolled back from the latest is; `firstItemIndex` is anchored on one row
 *   held before and after, so prepending, or dropping the oldest rows, keeps
 *   the scroll position. A window replaced by one elsewhere (the latest again,
 *   a run around a far search hit) starts a new list there.
 * - A catch-up that lands while it is open (a burst of missed messages, a page
 *   at a time) gets an unread divider before it, and a list at the bottom
 *   keeps its place there instead of following past it to the latest (see
 *   `place`); what was never on screen is never reported read. So does any
 *   message from someone else while nobody looks (the window unfocused or
 *   hidden): the list follows it only while the divider stays on screen.
 * - Sticks to the bottom when at the bottom (not while a jump to a search hit
 *   or a reply's original loads and scrolls, nor for newer pages, which are
 *   history), and jumps there when I send (a place held at a divider too). "Jump to latest" shows whenever
 *   the latest message is not on screen or not held.
 * - Reports the highest seq on screen (IntersectionObserver) for read receipts.
 * - Esc (hooks/useAppShortcuts.ts) scrolls to the latest message: once it is
 *   on screen, the read rule marks the conversation read — never before.
 */
import { forwardRef, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type CSSProperties, type HTMLAttributes } from 'react'
import { useTranslation } from 'react-i18next'
import { Virtuoso, type VirtuosoHandle } from 'react-virtuoso'
import { RENDERER_MARKS } from '../../../shared/perf-marks'
import { useArrivalAnnouncements } from '../hooks/useAnnouncements'
import { useIntlLocale } from '../hooks/useLocale'
import { useNow } from '../hooks/useNow'
import { callError, logFailure } from '../lib/call-error'
import { receiptOf } from '../lib/receipts'
import { markWhenPainted } from '../lib/startup-marks'
import { formatDay } from '../lib/time'
import { highestSentSeq } from '../lib/message-order'
import { ARRIVAL_BURST, arrivalBurst, buildTimeline, dividerAfterBurst, heldAbove, UNSEEN_BURST, type TimelineRow } from '../lib/timeline'
import { VisibleMessages } from '../read-receipts/visible-messages'
import { useConversations } from '../store/conversations'
import { messagesOf, useMessages } from '../store/messages'
import { selectMe, useSession } from '../store/session'
import { useUi, type JumpTarget } from '../store/ui'
import { useLookAlikesAmong } from '../store/users'
import { focusLost, SCROLLER_STYLE, tryFocus } from './focus'
import { ArrowDownIcon } from './Icons'
import { MessageRow } from './MessageRow'
import { SystemMessageRow } from './SystemMessageRow'

/**
 * Without the browser's scroll anchoring: react-virtuoso keeps the place itself as rows come or go,
 * and the browser, anchored on the footer at the bottom of a window scrolled back, followed it down
 * when a newer page came in above it (the list leapt to the end of each page, then loaded the next).
 */
const MESSAGE_SCROLLER_STYLE: CSSProperties = { ...SCROLLER_STYLE, overflowAnchor: 'none' }

/** Virtuoso's absolute index of the anchor row; prepending lowers firstItemIndex below it. */
const START_INDEX = 10_000_000
/** How near the end the list counts as at the bottom (and follows new messages). */
const AT_BOTTOM_PX = 80
/** Frames a burst's divider is kept in place while the list settles (about half a second). */
const HOLD_SETTLE_FRAMES = 30
/** How long a conversation opened at its latest message is held there while it settles (see `pinned`). */
const PIN_AT_OPEN_MS = 3_000

interface ListContext {
  label: string
  loadingOlder: boolean
  olderFailed: boolean
  retryOlder(): void
  hasMoreBefore: boolean
  loadingNewer: boolean
}

const LogList = forwardRef<HTMLDivElement, HTMLAttributes<HTMLDivElement> & { context?: ListContext }>(function LogList({ context, ...props }, ref) {
  // A log that does not speak: rows mount and unmount as the list scrolls, and a burst would be read row by row.
  // New messages are announced by the live region instead, a burst at a time (hooks/useAnnouncements.ts).
  return <div {...props} ref={ref} role="log" aria-live="off" aria-label={context?.label} />
})

function ListHeader({ context }: { context?: ListContext }) {
  const { t } = useTranslation()
  if (context?.loadingOlder) return <p className="message-list__note" role="status">{t('conversation.loadingOlder')}</p>
  if (context?.olderFailed) {
    return (
      <p className="message-list__note" role="status" data-testid="older-failed">
        {t('conversation.olderFailed')}{' '}
        <button type="button" className="link-button" onClick={context.retryOlder}>
          {t('conversation.tryAgain')}
        </button>
      </p>
    )
  }
  if (context && !context.hasMoreBefore) return <p className="message-list__note">{t('conversation.beginning')}</p>
  return <div className="message-list__spacer" />
}

function ListFooter({ context }: { context?: ListContext }) {
  const { t } = useTranslation()
  if (context?.loadingNewer) return <p className="message-list__note" role="status">{t('conversation.loadingNewer')}</p>
  return null
}

const noRows: TimelineRow[] = []

const markMessagesPainted = (items: readonly unknown[]): void => {
  if (items.length > 0) markWhenPainted(RENDERER_MARKS.messagesPainted)
}

// Virtuoso may ask for a key during a prepend before the new data is in (petyosi/react-virtuoso#1157).
const rowKey = (index: number, row: TimelineRow): string => (row as TimelineRow | undefined)?.key ?? `row-${index}`

function DaySeparator({ at, locale }: { at: number; locale: string }) {
  const now = useNow(60_000)
  return (
    <div className="day-separator" data-testid="day-separator">
      <span>{formatDay(at, now, locale)}</span>
    </div>
  )
}

function UnreadDivider() {
  const { t } = useTranslation()
  return (
    <div className="unread-divider" data-testid="unread-divider">
      <span>{t('conversation.unreadDivider')}</span>
    </div>
  )
}

export function MessageList({ conversationId, onVisibleSeq }: { conversationId: string; onVisibleSeq(seq: number | null): void }) {
  const { t } = useTranslation()
  const locale = useIntlLocale()
  const me = useSession(selectMe)
  const { messages, hasMoreBefore, hasMoreAfter, loadingOlder, olderFailed, loadingNewer, window: windowId, pagedUpTo } = useMessages(messagesOf(conversationId))
  const conversation = useConversations((state) => state.byId[conversationId])
  const jump = useUi((state) => (state.jumpTarget?.conversationId === conversationId ? state.jumpTarget : null))
  const readLatest = useUi((state) => (state.readLatest?.conversationId === conversationId ? state.readLatest : null))
  const windowFocused = useUi((state) => state.windowFocused)
  const [opening] = useState(() => {
    const at = useConversations.getState().byId[conversationId]
    return { unreadAfterSeq: at !== undefined && at.unreadCount > 0 ? at.readSeq : null, unreadCount: at?.unreadCount ?? 0 }
  })
  // Where the unread divider goes: where it was when the list opened, until a burst of arrivals moves it
  // (lib/timeline.ts: arrivalBurst, dividerAfterBurst). `heldTop`: the highest seq the window held at the
  // last render, for telling what arrives. `hold`: the list was at the bottom when the burst came, and
  // keeps its place at the divider (no following) until the user moves it; `bursts` counts them.
  const [place, setPlace] = useState(() => ({
    unreadAfterSeq: opening.unreadAfterSeq,
    heldTop: null as { window: number; seq: number } | null,
    hold: false,
    bursts: 0,
  }))
  const [ready, setReady] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [atBottom, setAtBottom] = useState(true)
  const atBottomRef = useRef(atBottom)
  atBottomRef.current = atBottom
  const [scrollTarget, setScrollTarget] = useState<JumpTarget | null>(null)
  const [highlightKey, setHighlightKey] = useState<string | null>(null)
  // The row a jump asked to focus (a search hit opened with Enter), until it has focus.
  const [focusKey, setFocusKey] = useState<string | null>(null)
  const listElement = useRef<HTMLDivElement>(null)
  const virtuoso = useRef<VirtuosoHandle>(null)
  const [visibility] = useState(() => new VisibleMessages(onVisibleSeq))
  // What arrives from others once it has opened, a burst at a time, in the live region (the log itself stays silent).
  useArrivalAnnouncements(conversationId, ready)
  // The store's window when the list opened: a later one is a run elsewhere, and the list starts over.
  const openedWindow = useRef<number | null>(null)
  const hasMoreAfterRef = useRef(hasMoreAfter)
  hasMoreAfterRef.current = hasMoreAfter
  const pagedUpToRef = useRef(pagedUpTo)
  pagedUpToRef.current = pagedUpTo

  useEffect(() => {
    visibility.resume()
    return () => visibility.pause()
  }, [visibility])

  // Open: the latest page, then back far enough for the first unread message or the search hit.
  useEffect(() => {
    let cancelled = false
    const target = useUi.getState().jumpTarget
    const jumpSeq = target?.conversationId === conversationId ? target.seq : null
    const { loadLatest, loadUntil } = useMessages.getState()
    loadLatest(conversationId, opening.unreadCount + 20)
      .then(async () => {
        const reach = [opening.unreadAfterSeq === null ? null : opening.unreadAfterSeq + 1, jumpSeq].filter((seq): seq is number => seq !== null)
        if (reach.length > 0) await loadUntil(conversationId, Math.min(...reach))
      })
      .then(
        () => {
          if (cancelled) return
          openedWindow.current = useMessages.getState().byConversation[conversationId]?.window ?? 0
          setReady(true)
        },
        (err: unknown) => !cancelled && setError(callError(err).message),
      )
    return () => {
      cancelled = true
    }
  }, [conversationId, opening])

  // A burst of arrivals (a catch-up's page) since the last render: the divider goes before it, and a list
  // at the bottom holds its place there. Set during render (React's state from the previous render), so
  // the rows react-virtuoso gets with the burst already carry the divider and the follow is already off.
  if (ready) {
    const top = highestSentSeq(messages) ?? 0
    const held = place.heldTop
    if (held === null || held.window !== windowId || held.seq !== top) {
      const readSeq = conversation?.readSeq ?? 0
      // While nobody looks, one message is a burst: followed, it would push the first unread ones off the top unseen.
      const looking = windowFocused && document.visibilityState === 'visible'
      const minimum = looking ? ARRIVAL_BURST : UNSEEN_BURST
      const found = held !== null && held.window === windowId ? arrivalBurst(messages, me, held.seq, pagedUpTo, minimum) : null
      // A burst I have read already (on another device: a sign-in's catch-up of read history) is no news.
      const burstAfter = found !== null && heldAbove(messages, me, Math.max(found, readSeq)) ? found : null
      setPlace(
        burstAfter === null
          ? { ...place, heldTop: { window: windowId, seq: top } }
          : {
              unreadAfterSeq: dividerAfterBurst(place.unreadAfterSeq, readSeq, burstAfter),
              heldTop: { window: windowId, seq: top },
              hold: place.hold || (atBottom && !hasMoreAfter && jump === null),
              bursts: place.bursts + 1,
            },
      )
    }
  }

  const holding = useRef(place.hold)
  holding.current = place.hold

  // Not while opening: pages loaded back to the first unread message or a search hit would each rebuild it.
  const rows = useMemo(
    () => (ready ? buildTimeline(messages, { me, unreadAfterSeq: place.unreadAfterSeq }) : noRows),
    [ready, messages, me, place.unreadAfterSeq],
  )
  // Whose name looks like another's within this conversation: its members and everyone who wrote in it.
  const people = useMemo(
    () => [...new Set([...(conversation?.memberIds ?? []), ...messages.map((message) => message.senderId)])].sort(),
    [conversation?.memberIds, messages],
  )
  const lookAlikes = useLookAlikesAmong(people)
  const rowsRef = useRef(rows)
  rowsRef.current = rows
  const lastRow = rows.at(-1)
  const pagedEnd = lastRow?.type === 'message' && lastRow.message.seq !== null && lastRow.message.seq <= pagedUpTo

  // firstItemIndex: one row keeps its absolute index while older rows are prepended before it, or the
  // oldest are dropped (the window moving down); a new window (a new list) starts again.
  const anchor = useRef<{ key: string; absolute: number } | null>(null)
  const previousFirst = useRef(START_INDEX)
  const previousRows = useRef<{ rows: readonly TimelineRow[]; window: number }>({ rows: noRows, window: windowId })
  const followAfterDrop = useRef<number | null>(null)
  if (previousRows.current.window !== windowId) {
    anchor.current = null
    previousFirst.current = START_INDEX
    previousRows.current = { rows: noRows, window: windowId }
  }
  let anchorIndex = anchor.current === null ? -1 : rows.findIndex((row) => row.key === anchor.current?.key)
  if (anchorIndex === -1 && anchor.current !== null) {
    // The anchor was dropped: the first message row that was there before keeps its absolute index.
    const before = new Map(previousRows.current.rows.map((row, index) => [row.key, index]))
    anchorIndex = rows.findIndex((row) => row.type === 'message' && before.has(row.key))
    const row = rows[anchorIndex]
    if (row !== undefined) anchor.current = { key: row.key, absolute: previousFirst.current + (before.get(row.key) as number) }
  }
  if (anchorIndex === -1) {
    // A message row: a day separator's key survives a prepend of the same day, but moves.
    anchorIndex = rows.findIndex((row) => row.type === 'message')
    const row = rows[anchorIndex]
    anchor.current = row === undefined ? null : { key: row.key, absolute: previousFirst.current + anchorIndex }
  }
  const firstItemIndex = anchor.current === null ? START_INDEX : anchor.current.absolute - anchorIndex
  // The oldest rows were dropped: react-virtuoso scrolls up by their height (what is on screen stays).
  // At the latest and following it (events pushed the oldest out), the list goes on to the bottom.
  if (firstItemIndex > previousFirst.current && previousRows.current.rows.length > 0 && atBottomRef.current && !hasMoreAfter) {
    followAfterDrop.current = firstItemIndex
  }
  previousFirst.current = firstItemIndex
  previousRows.current = { rows, window: windowId }

  // Where the list starts: when it opens, and each time the store's window is replaced by a run elsewhere.
  const initialIndex = useMemo(() => {
    if (!ready) return 0
    const current = rowsRef.current
    const target = useUi.getState().jumpTarget
    if (target?.conversationId === conversationId) {
      // A message link names its seq only (store/deep-links.ts), like a reply's original not yet cached.
      const index = current.findIndex(
        (row) => row.key === target.messageKey || (target.seq !== null && row.type === 'message' && row.message.seq === target.seq),
      )
      if (index >= 0) return { index, align: 'center' as const }
    }
    if (windowId === openedWindow.current) {
      const unread = current.findIndex((row) => row.type === 'unread')
      if (unread >= 0) return { index: unread, align: 'start' as const }
    }
    if (hasMoreAfterRef.current) return { index: 0, align: 'start' as const }
    return { index: 'LAST' as const, align: 'end' as const }
  }, [ready, conversationId, windowId])

  // Opened at the latest message: held there while rows are measured and older pages prepended above
  // (both move the end after the first scroll to it: the latest row was seen left below the fold, about
  // 1 start in 10 in bench:desk) — for the first seconds, until the user scrolls, clicks or types in the
  // list, or a jump moves it. Time-boxed: a scroll made by assistive technology sends no input event.
  const pinned = useRef(false)
  useEffect(() => {
    pinned.current = initialIndex !== 0 && initialIndex.index === 'LAST'
    if (!pinned.current) return
    const timer = setTimeout(() => {
      pinned.current = false
    }, PIN_AT_OPEN_MS)
    return () => clearTimeout(timer)
  }, [initialIndex])
  const release = useCallback(() => setPlace((current) => (current.hold ? { ...current, hold: false } : current)), [])
  const unpin = useCallback(() => {
    pinned.current = false
    release()
  }, [release])
  const holdAtLatest = useCallback(() => {
    // A burst's divider holds the place instead (react-virtuoso reports the new height before the effect below runs).
    if (holding.current) pinned.current = false
    if (pinned.current) virtuoso.current?.scrollToIndex({ index: 'LAST', align: 'end', behavior: 'auto' })
  }, [])
  // At the bottom the list follows new messages, and the store lets the oldest go as they come — unless
  // it holds its place at a burst's divider, from the render that decided it: react-virtuoso reports the
  // list off the bottom only once the scroll to the divider is done, and a catch-up's next pages come
  // meanwhile — past the window's bound (HELD_MAX) the store let the oldest go, the divider and the first
  // missed messages with them, and the list showed some page in between.
  const tellFollowing = useCallback(
    (bottom: boolean) => useMessages.getState().setFollowing(conversationId, bottom && !holding.current),
    [conversationId],
  )
  const bottomChanged = useCallback(
    (bottom: boolean) => {
      setAtBottom(bottom)
      tellFollowing(bottom)
      if (!bottom) holdAtLatest()
    },
    [holdAtLatest, tellFollowing],
  )
  useLayoutEffect(() => tellFollowing(atBottomRef.current), [place.hold, tellFollowing])
  useEffect(() => () => useMessages.getState().setFollowing(conversationId, null), [conversationId])

  // To the latest message: a window scrolled back is replaced by the latest page first (the new
  // list starts at its end); otherwise a scroll, instant, not smooth: a smooth scroll to the end of
  // a long list keeps re-aiming at the end (react-virtuoso retries it every second while measured
  // rows move the target), and pulled the list back down while the user scrolled up through the
  // history afterwards (e2e/specs/long-history.spec.ts, about 1 run in 4).
  const toLatest = useCallback(() => {
    release()
    if (useMessages.getState().byConversation[conversationId]?.hasMoreAfter) {
      useMessages.getState().loadLatest(conversationId).catch(logFailure('loading the latest messages'))
      return
    }
    virtuoso.current?.scrollToIndex({ index: 'LAST', align: 'end', behavior: 'auto' })
  }, [conversationId, release])

  // Scrolled down to the latest by newer pages, then a message arrives: followed as followOutput would.
  const wasPagedEnd = useRef(pagedEnd)
  useLayoutEffect(() => {
    const followLive = wasPagedEnd.current && !pagedEnd && lastRow?.type === 'message' && atBottomRef.current && jump === null
    wasPagedEnd.current = pagedEnd
    if (followLive) virtuoso.current?.scrollToIndex({ index: 'LAST', align: 'end', behavior: 'auto' })
  }, [pagedEnd, lastRow, jump])

  useLayoutEffect(() => {
    if (followAfterDrop.current !== firstItemIndex) return
    followAfterDrop.current = null
    // A burst that pushed the oldest out is not followed: the list holds its place at its divider.
    if (!holding.current) virtuoso.current?.scrollToIndex({ index: 'LAST', align: 'end', behavior: 'auto' })
  }, [firstItemIndex])

  // A burst came while the list was at the bottom: its divider goes to the top of the list, so the first
  // missed messages are on screen rather than the latest; a burst shorter than the list ends at the
  // bottom with the divider on screen (the scroll to the divider stops at the end), and the list follows
  // again. Not held at the latest any more
  // (`pinned`): a conversation reopened at the start is where a sign-in's catch-up lands. Checked each
  // frame for about half a second, and only then whether it fitted: react-virtuoso scrolls a list to its initial item (the latest) again when it grows
  // if the list never scrolled since it opened (it fitted the screen), after this effect has run.
  const scrollerElement = useCallback(() => listElement.current?.querySelector<HTMLElement>('[data-virtuoso-scroller]') ?? null, [])
  useLayoutEffect(() => {
    if (!place.hold) return
    pinned.current = false
    // Nothing is reported seen while it settles: the latest, shown for a frame by that scroll, was not read.
    visibility.pause()
    let frame = 0
    let frames = 0
    const settle = () => {
      const index = rowsRef.current.findIndex((row) => row.type === 'unread')
      const scroller = scrollerElement()
      if (index < 0 || scroller === null) {
        visibility.resume()
        return
      }
      const box = scroller.getBoundingClientRect()
      const divider = scroller.querySelector('[data-testid=unread-divider]')?.getBoundingClientRect()
      const shown = divider !== undefined && divider.top >= box.top - 1 && divider.bottom <= box.bottom
      const atEnd = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight <= 1
      if (!shown || (divider.top > box.top + 1 && !atEnd)) virtuoso.current?.scrollToIndex({ index, align: 'start', behavior: 'auto' })
      if (++frames < HOLD_SETTLE_FRAMES) {
        frame = requestAnimationFrame(settle)
        return
      }
      visibility.resume()
      // Settled with the divider on screen and the list at its end (measured rows, not estimates): it fitted.
      if (shown && scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight <= AT_BOTTOM_PX) release()
    }
    settle()
    return () => {
      cancelAnimationFrame(frame)
      visibility.resume()
    }
  }, [place.hold, place.bursts, release, scrollerElement, visibility])

  // A search hit: load back to it, then scroll there once its row exists.
  useEffect(() => {
    if (!ready || jump === null) return
    let cancelled = false
    ;(jump.seq === null ? Promise.resolve() : useMessages.getState().loadUntil(conversationId, jump.seq))
      .then(() => !cancelled && setScrollTarget(jump))
      .catch(logFailure('loading up to a search hit'))
    return () => {
      cancelled = true
    }
  }, [ready, jump, conversationId])

  useEffect(() => {
    if (scrollTarget === null) return
    // A reply's original may be known by its seq only (its key is not in this cache yet).
    const index = rows.findIndex(
      (row) => row.key === scrollTarget.messageKey || (scrollTarget.seq !== null && row.type === 'message' && row.message.seq === scrollTarget.seq),
    )
    pinned.current = false
    release()
    if (index >= 0) virtuoso.current?.scrollToIndex({ index, align: 'center' })
    setHighlightKey(rows[index]?.key ?? scrollTarget.messageKey)
    if (scrollTarget.focus) setFocusKey(rows[index]?.key ?? scrollTarget.messageKey)
    useUi.getState().clearJump(scrollTarget.nonce)
    setScrollTarget(null)
  }, [scrollTarget, rows, release])

  // Esc: to the latest message (as "jump to latest"); the visibility tracker reports it once shown.
  useEffect(() => {
    if (!ready || readLatest === null) return
    toLatest()
    useUi.getState().clearReadLatest(readLatest.nonce)
  }, [ready, readLatest, toLatest])

  // The row exists a frame or two after the scroll, and the list keeps a row hidden (unable to take focus)
  // while it measures it: try each frame for a while. Never shown: the list itself, rather than the body.
  useEffect(() => {
    if (focusKey === null) return
    let frame = 0
    let tries = 0
    const attempt = () => {
      const row = [...(listElement.current?.querySelectorAll<HTMLElement>('[data-testid=message]') ?? [])].find((element) => element.dataset.key === focusKey)
      if (tryFocus(row)) {
        setFocusKey(null)
        return
      }
      if (++tries < 120) {
        frame = requestAnimationFrame(attempt)
        return
      }
      if (focusLost()) tryFocus(scrollerElement())
      setFocusKey(null)
    }
    frame = requestAnimationFrame(attempt)
    return () => cancelAnimationFrame(frame)
  }, [focusKey, scrollerElement])

  useEffect(() => {
    if (highlightKey === null) return
    const timer = setTimeout(() => setHighlightKey(null), 2_500)
    return () => clearTimeout(timer)
  }, [highlightKey])

  const followedKey = useRef<string | null>(null)
  /** Whether `row` is a message I just sent that the list has not gone to yet; notes it as gone to. */
  const takeNewSend = useCallback(
    (row: TimelineRow | undefined): boolean => {
      if (row?.type !== 'message' || row.key === followedKey.current || row.message.senderId !== me || row.message.state !== 'pending') return false
      followedKey.current = row.key
      return true
    },
    [me],
  )
  const followOutput = useCallback(
    (isAtBottom: boolean) => {
      // Holding at a burst's divider. (Also read here, not only in the prop: react-virtuoso may apply a
      // render's new data before its new followOutput, and followed the burst with the old one.)
      if (holding.current) return false
      const last = rowsRef.current.at(-1)
      if (takeNewSend(last)) return 'auto' as const
      // A newer page appended while scrolling down a window: history, read where it is.
      if (last?.type === 'message' && last.message.seq !== null && last.message.seq <= pagedUpToRef.current) return false
      // 'auto', not 'smooth': a smooth follow aimed at the estimated end and stopped short when a tall
      // message (a 4,000-character word) was measured on the way — the list then stayed above the
      // bottom with "jump to latest" showing (e2e/specs/hostile-layout.spec.ts, about 1 run in 6).
      return isAtBottom ? ('auto' as const) : false
    },
    [takeNewSend],
  )

  // I sent a message while the list held its place at a burst's divider (followOutput is off then): the
  // list lets go and goes to it, as it does when it follows.
  useLayoutEffect(() => {
    if (!holding.current || !takeNewSend(lastRow)) return
    release()
    virtuoso.current?.scrollToIndex({ index: 'LAST', align: 'end', behavior: 'auto' })
  }, [lastRow, takeNewSend, release])

  const startReached = useCallback(() => {
    useMessages.getState().loadOlder(conversationId).catch(logFailure('loading older messages'))
  }, [conversationId])
  const endReached = useCallback(() => {
    if (!useMessages.getState().byConversation[conversationId]?.hasMoreAfter) return
    useMessages.getState().loadNewer(conversationId).catch(logFailure('loading newer messages'))
  }, [conversationId])

  const itemContent = useCallback(
    (_index: number, row: TimelineRow) => {
      if (row.type === 'day') return <DaySeparator at={row.at} locale={locale} />
      if (row.type === 'unread') return <UnreadDivider />
      if (row.message.kind === 'system') return <SystemMessageRow message={row.message} locale={locale} visibility={visibility} />
      const own = row.message.senderId === me
      const info = own && conversation !== undefined ? receiptOf(row.message, conversation, me) : null
      return (
        <MessageRow
          message={row.message}
          own={own}
          group={conversation?.kind === 'group'}
          senderLookAlike={lookAlikes.has(row.message.senderId)}
          firstInRun={row.firstInRun}
          lastInRun={row.lastInRun}
          receipt={info?.receipt ?? null}
          readBy={info?.readBy ?? 0}
          highlighted={row.key === highlightKey}
          locale={locale}
          visibility={visibility}
        />
      )
    },
    [locale, me, conversation, highlightKey, visibility, lookAlikes],
  )

  const context = useMemo<ListContext>(
    () => ({ label: t('conversation.messages'), loadingOlder, olderFailed, retryOlder: startReached, hasMoreBefore, loadingNewer }),
    [t, loadingOlder, olderFailed, startReached, hasMoreBefore, loadingNewer],
  )

  // "Jump to latest" used from the keyboard goes away once the latest is on screen: focus moves to the list.
  const showJump = !atBottom || hasMoreAfter
  const refocusList = useRef(false)
  useEffect(() => {
    if (showJump || !refocusList.current) return
    refocusList.current = false
    if (focusLost()) tryFocus(scrollerElement())
  }, [showJump, windowId, scrollerElement])

  if (error !== null) return <p className="message-list__status" role="alert">{t('conversation.loadFailed', { message: error })}</p>
  if (!ready) return <p className="message-list__status" role="status">{t('conversation.loading')}</p>

  const unread = conversation?.unreadCount ?? 0
  return (
    <div
      className="message-list"
      data-testid="message-list"
      ref={listElement}
      onWheelCapture={unpin}
      onTouchStartCapture={unpin}
      onPointerDownCapture={unpin}
      onKeyDownCapture={unpin}
    >
      <Virtuoso
        // A new window is a new list: its rows are not the old ones moved.
        key={windowId}
        ref={virtuoso}
        className="message-list__scroller"
        data={rows}
        context={context}
        firstItemIndex={firstItemIndex}
        initialTopMostItemIndex={initialIndex}
        computeItemKey={rowKey}
        itemContent={itemContent}
        itemsRendered={markMessagesPainted}
        // Not while a jump loads older pages and scrolls: every prepended page raises the count, and a
        // follow still at the bottom (where the reply was clicked) scrolled to the end after the jump
        // had scrolled to the original (e2e/specs/reply-jump.spec.ts, about 1 run in 4). Nor while the
        // window is scrolled back or its bottom row came by a newer page: react-virtuoso scrolls a list
        // that follows its output to the bottom when a page of the same count (100 in, the oldest 100
        // out) makes it taller, and the list leapt to the end of each page as it came (then loaded the
        // next). The first message that arrives after that is followed by `followLive`.
        followOutput={jump === null && scrollTarget === null && !hasMoreAfter && !pagedEnd && !place.hold ? followOutput : false}
        atBottomStateChange={bottomChanged}
        totalListHeightChanged={holdAtLatest}
        atBottomThreshold={AT_BOTTOM_PX}
        startReached={startReached}
        endReached={endReached}
        increaseViewportBy={{ top: 600, bottom: 300 }}
        defaultItemHeight={48}
        scrollerRef={(element) => visibility.setRoot(element instanceof HTMLElement ? element : null)}
        components={{ List: LogList, Header: ListHeader, Footer: ListFooter }}
        style={MESSAGE_SCROLLER_STYLE}
      />
      {showJump && (
        <button
          type="button"
          className="jump-to-latest"
          aria-label={t('conversation.jumpToLatest')}
          title={t('conversation.jumpToLatest')}
          data-testid="jump-to-latest"
          onClick={(event) => {
            refocusList.current = document.activeElement === event.currentTarget
            toLatest()
          }}
        >
          <ArrowDownIcon />
          {unread > 0 && (
            <span className="badge jump-to-latest__badge" aria-hidden="true">
              {unread > 99 ? '99+' : unread}
            </span>
          )}
        </button>
      )}
    </div>
  )
}
