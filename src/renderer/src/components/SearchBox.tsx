/** Local full-text search over cached messages (`parley.search`), debounced; Esc clears. */
import { useEffect } from 'react'
import { useTranslation } from 'react-i18next'
import { callError, parley } from '../bridge'
import { ensureUsers } from '../feed/users'
import { useUi } from '../store/ui'
import { CloseIcon, SearchIcon } from './Icons'

export const SEARCH_INPUT_ID = 'search-input'
const DEBOUNCE_MS = 200

export function SearchBox() {
  const { t } = useTranslation()
  const query = useUi((state) => state.searchQuery)

  useEffect(() => {
    const text = query.trim()
    if (text === '') {
      useUi.getState().setSearch({ status: 'idle' })
      return
    }
    let cancelled = false
    const timer = setTimeout(() => {
      useUi.getState().setSearch({ status: 'searching', query: text })
      parley()
        .search({ query: text.slice(0, 200), limit: 50 })
        .then((hits) => {
          if (cancelled) return
          useUi.getState().setSearch({ status: 'done', query: text, hits })
          ensureUsers(hits.map((hit) => hit.senderId))
        })
        .catch((err: unknown) => {
          if (!cancelled) useUi.getState().setSearch({ status: 'failed', query: text, message: callError(err).message })
        })
    }, DEBOUNCE_MS)
    return () => {
      cancelled = true
      clearTimeout(timer)
    }
  }, [query])

  return (
    <div className="search-box" role="search">
      <SearchIcon size={16} className="search-box__icon" />
      <input
        id={SEARCH_INPUT_ID}
        type="search"
        value={query}
        maxLength={200}
        placeholder={t('search.placeholder')}
        aria-label={t('search.label')}
        data-testid="search-input"
        onChange={(event) => useUi.getState().setSearchQuery(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape' && query !== '') {
            event.preventDefault()
            useUi.getState().setSearchQuery('')
          }
        }}
      />
      {query !== '' && (
        <button type="button" className="icon-button icon-button--small" aria-label={t('search.clear')} title={t('search.clear')} onClick={() => useUi.getState().setSearchQuery('')}>
          <CloseIcon size={14} />
        </button>
      )}
    </div>
  )
}
