/**
 * Search hits with highlighted snippets (text nodes and <mark>, never HTML).
 * A click opens the conversation at the message and keeps the results, to
 * try the next hit. From the keyboard: ↑/↓/Home/End move between hits (↑
 * from the first goes back to the box, search-keys.ts), Esc clears the
 * search and returns to the box, and Enter (or Space) opens the hit, closes
 * the results and puts focus on the message's row (MessageList.tsx).
 */
import { memo, type KeyboardEvent } from 'react'
import { useTranslation } from 'react-i18next'
import type { SearchHit } from '../../../shared/ipc'
import { useIntlLocale } from '../hooks/useLocale'
import { useNow } from '../hooks/useNow'
import { formatListTime } from '../lib/time'
import { useConversations } from '../store/conversations'
import { selectMe, useSession } from '../store/session'
import { useUi } from '../store/ui'
import { selectPersonName, useUsers } from '../store/users'
import { hitButtons, hitStep, SEARCH_RESULTS_ID } from './search-keys'
import { SEARCH_INPUT_ID } from './SearchBox'
import { useConversationTitle } from './useConversationTitle'

const focusBox = () => document.getElementById(SEARCH_INPUT_ID)?.focus()

function onHitKeyDown(event: KeyboardEvent<HTMLButtonElement>): void {
  if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey || event.nativeEvent.isComposing) return
  if (event.key === 'Escape') {
    // Not a "mark read" too (hooks/useAppShortcuts.ts leaves a handled key alone).
    event.preventDefault()
    useUi.getState().setSearchQuery('')
    focusBox()
    return
  }
  const hits = hitButtons()
  const step = hitStep(event.key, hits.indexOf(event.currentTarget), hits.length)
  if (step === null) return
  event.preventDefault()
  if (step === 'box') focusBox()
  else hits[step]?.focus()
}

const Hit = memo(function Hit({ hit }: { hit: SearchHit }) {
  const { t } = useTranslation()
  const locale = useIntlLocale()
  const now = useNow(60_000)
  const me = useSession(selectMe)
  const conversation = useConversations((state) => state.byId[hit.conversationId])
  const title = useConversationTitle(conversation)
  const sender = useUsers((state) => (hit.senderId === me ? t('sidebar.you') : selectPersonName(hit.senderId, t('common.unknownUser'))(state)))
  return (
    <li>
      <button
        type="button"
        className="search-hit"
        data-testid="search-hit"
        data-message-key={hit.messageKey}
        onKeyDown={onHitKeyDown}
        onClick={(event) => {
          // Enter or Space (a click with no pointer behind it): the results close and focus follows the message.
          const fromKeyboard = event.detail === 0
          useUi.getState().jumpToMessage(hit, { focus: fromKeyboard })
          if (fromKeyboard) useUi.getState().setSearchQuery('')
        }}
      >
        <span className="search-hit__top">
          <bdi className="search-hit__title" dir="auto">
            {title}
          </bdi>
          <span className="search-hit__time">{formatListTime(hit.createdAt, now, locale)}</span>
        </span>
        <span className="search-hit__snippet" dir="auto">
          <bdi className="search-hit__sender">{sender}</bdi>
          {': '}
          {hit.snippet.map((part, index) => (part.match ? <mark key={index}>{part.text}</mark> : <span key={index}>{part.text}</span>))}
        </span>
      </button>
    </li>
  )
})

export function SearchResults() {
  const { t } = useTranslation()
  const search = useUi((state) => state.search)
  return (
    <section id={SEARCH_RESULTS_ID} className="search-results" aria-label={t('search.results')} aria-busy={search.status === 'searching'}>
      {search.status === 'searching' && <p className="sidebar__note">{t('search.searching')}</p>}
      {search.status === 'failed' && (
        <p className="sidebar__note" role="alert">
          {t('search.failed', { message: search.message })}
        </p>
      )}
      {search.status === 'done' && search.hits.length === 0 && (
        <p className="sidebar__note" role="status">
          {t('search.noResults')}
        </p>
      )}
      {search.status === 'done' && search.hits.length > 0 && (
        <ul className="search-results__list">
          {search.hits.map((hit) => (
            <Hit key={hit.messageKey} hit={hit} />
          ))}
        </ul>
      )}
    </section>
  )
}
