/** The sidebar's conversations, newest activity first: a listbox; Up/Down/Home/End move and open. */
import { useTranslation } from 'react-i18next'
import { useShallow } from 'zustand/react/shallow'
import { sortedConversationIds, useConversations } from '../store/conversations'
import { useUi } from '../store/ui'
import { ConversationItem, optionId } from './ConversationItem'

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
  if (focus) requestAnimationFrame(() => document.getElementById(optionId(id))?.focus())
}

export function ConversationList() {
  const { t } = useTranslation()
  const ids = useConversations(useShallow((state) => sortedConversationIds(state.byId)))
  const loaded = useConversations((state) => state.loaded)
  const active = useUi((state) => state.activeConversationId)

  if (loaded && ids.length === 0) return <p className="sidebar__empty">{t('sidebar.empty')}</p>

  return (
    <div
      className="conversation-list"
      role="listbox"
      aria-label={t('sidebar.label')}
      data-testid="conversation-list"
      // With nothing open yet, the list itself takes the Tab stop.
      tabIndex={active === null || !ids.includes(active) ? 0 : -1}
      onKeyDown={(event) => {
        const keys: Record<string, number | 'first' | 'last'> = { ArrowDown: 1, ArrowUp: -1, Home: 'first', End: 'last' }
        const step = keys[event.key]
        if (step === undefined || event.altKey || event.ctrlKey || event.metaKey) return
        event.preventDefault()
        moveSelection(step, true)
      }}
    >
      {ids.map((id) => (
        <ConversationItem key={id} conversationId={id} selected={id === active} />
      ))}
    </div>
  )
}
