/**
 * The sidebar's conversations, newest activity first: a listbox; Up/Down/Home/End move and open.
 * Virtualized (react-virtuoso): only the rows near the viewport exist in the DOM, so a list of
 * thousands costs what a screenful does; each option carries its place in the whole list
 * (aria-posinset / aria-setsize).
 */
import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Virtuoso, type ListRange, type VirtuosoHandle } from 'react-virtuoso'
import { useShallow } from 'zustand/react/shallow'
import { RENDERER_MARKS } from '../../../shared/perf-marks'
import { markWhenPainted } from '../lib/startup-marks'
import { sortedConversationIds, useConversations } from '../store/conversations'
import { usePane } from '../store/pane'
import { useUi } from '../store/ui'
import { ConversationItem, optionId } from './ConversationItem'
import { SCROLLER_STYLE } from './focus'

/** The mounted list: scrolls a row into view (a row far off screen does not exist until then). */
let mountedList: VirtuosoHandle | null = null

/** Focus a row once it exists: scrolled into view, it is rendered within a frame or two. */
function focusRow(conversationId: string, frames = 10): void {
  requestAnimationFrame(() => {
    const row = document.getElementById(optionId(conversationId))
    if (row !== null) row.focus()
    else if (frames > 0) focusRow(conversationId, frames - 1)
  })
}

/** Open the conversation `step` places away from the open one (wrapping), and focus its row when asked. */
export function moveSelection(step: number | 'first' | 'last', focus: boolean): void {
  const ids = sortedConversationIds(useConversations.getState().byId)
  if (ids.length === 0) return
  const current = useUi.getState().activeConversationId
  const index = current === null ? -1 : ids.indexOf(current)
  let next: number
  if (step === 'first') next = 0
  else if (step === 'last') next = ids.length - 1
  else if (index === -1) next = step > 0 ? 0 : ids.length - 1
  else next = Math.min(ids.length - 1, Math.max(0, index + step))
  const id = ids[next]
  if (id === undefined) return
  useUi.getState().openConversation(id)
  if (!focus) return
  mountedList?.scrollIntoView({ index: next, behavior: 'auto' })
  focusRow(id)
}

const keyOf = (_index: number, id: string): string => id

/** On a row itself (not in its menu, which React bubbles through the row from its portal). */
const onRow = (target: EventTarget): boolean => target instanceof Element && target.closest('[role=option]') !== null

export function ConversationList() {
  const { t } = useTranslation()
  const ids = useConversations(useShallow((state) => sortedConversationIds(state.byId)))
  const loaded = useConversations((state) => state.loaded)
  const active = useUi((state) => state.activeConversationId)
  const virtuoso = useRef<VirtuosoHandle>(null)
  const [rendered, setRendered] = useState<ListRange>({ startIndex: 0, endIndex: -1 })
  // The list as the core lists it (conversations that came by event before it do not count), its rows rendered.
  const listed = loaded && ids.length > 0 && rendered.endIndex >= 0
  useEffect(() => {
    if (listed) markWhenPainted(RENDERER_MARKS.listPainted)
  }, [listed])
  useEffect(() => {
    mountedList = virtuoso.current
    return () => {
      mountedList = null
    }
  })

  if (loaded && ids.length === 0) return <p className="sidebar__empty">{t('sidebar.empty')}</p>

  const activeIndex = active === null ? -1 : ids.indexOf(active)
  // The open conversation's row is the list's Tab stop; with none open, or its row not rendered, the list itself takes it.
  const rowTakesTab = activeIndex >= rendered.startIndex && activeIndex <= rendered.endIndex
  return (
    <Virtuoso
      ref={virtuoso}
      className="conversation-list"
      role="listbox"
      aria-label={t('sidebar.label')}
      data-testid="conversation-list"
      tabIndex={rowTakesTab ? -1 : 0}
      style={SCROLLER_STYLE}
      // The narrow one-pane layout: a click or Enter on a row shows its conversation, the arrow keys keep the list (store/pane.ts).
      onClick={(event) => {
        if (onRow(event.target)) usePane.getState().showConversation()
      }}
      onKeyDown={(event) => {
        if ((event.key === 'Enter' || event.key === ' ') && onRow(event.target)) usePane.getState().showConversation()
        const keys: Record<string, number | 'first' | 'last'> = { ArrowDown: 1, ArrowUp: -1, Home: 'first', End: 'last' }
        const step = keys[event.key]
        if (step === undefined || event.altKey || event.ctrlKey || event.metaKey) return
        event.preventDefault()
        moveSelection(step, true)
      }}
      data={ids}
      computeItemKey={keyOf}
      itemContent={(index, id) => <ConversationItem conversationId={id} selected={id === active} position={index + 1} count={ids.length} />}
      itemsRendered={(items) =>
        setRendered((before) => {
          const startIndex = items[0]?.index ?? 0
          const endIndex = items.at(-1)?.index ?? -1
          return before.startIndex === startIndex && before.endIndex === endIndex ? before : { startIndex, endIndex }
        })
      }
      defaultItemHeight={64}
      increaseViewportBy={{ top: 320, bottom: 320 }}
    />
  )
}
