/** The search box of messages (the ui slice searches as the query changes); Ctrl/Cmd+Shift+F focuses it, ↓ goes to the hits (SearchResults.tsx), Esc clears. */
import { useTranslation } from 'react-i18next'
import { keyPlatform, shortcutLabel } from '../lib/keymap'
import { useSession } from '../store/session'
import { useUi } from '../store/ui'
import { CloseIcon, SearchIcon } from './Icons'
import { focusFirstHit } from './search-keys'

export const SEARCH_INPUT_ID = 'search-input'

/** Focus the search box with its text selected (Ctrl/Cmd+Shift+F, the quick switcher's "Search messages for …"); false when there is none. */
export function focusSearch(): boolean {
  const search = document.getElementById(SEARCH_INPUT_ID)
  if (!(search instanceof HTMLInputElement)) return false
  search.focus()
  search.select()
  return true
}

export function SearchBox() {
  const { t } = useTranslation()
  const query = useUi((state) => state.searchQuery)
  const platform = useSession((state) => keyPlatform(state.appInfo?.platform))

  return (
    <div className="search-box" role="search">
      <SearchIcon size={16} className="search-box__icon" />
      <input
        id={SEARCH_INPUT_ID}
        type="search"
        value={query}
        maxLength={200}
        placeholder={t('search.placeholder', { shortcut: shortcutLabel('searchMessages', platform) })}
        aria-label={t('search.label')}
        data-testid="search-input"
        onChange={(event) => useUi.getState().setSearchQuery(event.target.value)}
        onKeyDown={(event) => {
          if (event.nativeEvent.isComposing) return
          if (event.key === 'Escape' && query !== '') {
            event.preventDefault()
            useUi.getState().setSearchQuery('')
          } else if (event.key === 'ArrowDown' && !event.altKey && !event.ctrlKey && !event.metaKey && !event.shiftKey && focusFirstHit()) {
            event.preventDefault()
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
