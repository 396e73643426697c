/** The search box (the ui slice searches as the query changes); Esc clears. */
import { useTranslation } from 'react-i18next'
import { useUi } from '../store/ui'
import { CloseIcon, SearchIcon } from './Icons'

export const SEARCH_INPUT_ID = 'search-input'

export function SearchBox() {
  const { t } = useTranslation()
  const query = useUi((state) => state.searchQuery)

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
