/**
 * Search hits with highlighted snippets (text nodes and <mark>, never HTML).
 * A click opens the conversation at the message and keeps the results, to
 * try the next hit. From the keyboard: ↑/↓/Home/End move between hits (↑
 * from the first goes back to the box, search-keys.ts), Esc clears the
 * search and returns to the box, and Enter (or Space) opens the hit, closes
 * the results and puts focus on the message's row (MessageList.tsx).
 *
 * The cache's hits show at once; the server's (history the cache does not
 * hold) join them when they come. Below the hits, a polite status says the
 * server is being searched, or that it was not and why (offline: searched
 * again once back online; failed or rate limited: "Try again", a button).
 */
import { memo, type KeyboardEvent } from 'react'
import { useTranslation } from 'react-i18next'
import type { SearchHit } from '../../../shared/ipc'
import { useIntlLocale } from '../hooks/useLocale'
import { useNow } from '../hooks/useNow'
import { formatListTime } from '../lib/time'
import { useConversations } from '../store/conversations'
import { selectMe, useSession } from '../store/session'
import { useUi, type ServerSearch } from '../store/ui'
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

const SERVER_NOTE_ID = 'search-server-note'

const serverNotes = {
  loading: 'search.serverLoading',
  done: null,
  offline: 'search.serverOffline',
  failed: 'search.serverFailed',
  rateLimited: 'search.serverRateLimited',
} as const satisfies Record<ServerSearch, string | null>

/** The server's part: a live status (kept mounted so a change is announced) and, when it can help, "Try again". */
function ServerPart({ server }: { server: ServerSearch }) {
  const { t } = useTranslation()
  const note = serverNotes[server]
  return (
    <div className="search-results__server" data-server={server}>
      <p id={SERVER_NOTE_ID} className="search-results__server-note" role="status" data-testid="search-server-note">
        {note === null ? null : t(note)}
      </p>
      {(server === 'failed' || server === 'rateLimited') && (
        <button
          type="button"
          className="button"
          data-testid="search-server-retry"
          aria-describedby={SERVER_NOTE_ID}
          onClick={(event) => {
            // The button goes while the server is asked again: focus waits in the search box, not on <body>.
            const hadFocus = document.activeElement === event.currentTarget
            useUi.getState().retryServerSearch()
            if (hadFocus) focusBox()
          }}
        >
          {t('search.serverRetry')}
        </button>
      )}
    </div>
  )
}

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
      {search.status === 'done' && search.hits.length === 0 && search.server !== 'loading' && (
        <p className="sidebar__note" role="status">
          {t('search.noResults')}
        </p>
      )}
      {search.status === 'done' && search.hits.length > 0 && (
        <ul className="search-results__list">
          {search.hits.map((hit) => (
            <Hit key={`${hit.conversationId}:${hit.messageKey}`} hit={hit} />
          ))}
        </ul>
      )}
      {search.status === 'done' && <ServerPart server={search.server} />}
    </section>
  )
}
