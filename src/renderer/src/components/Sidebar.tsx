/** The left column: my profile, new conversation and settings buttons, search, and the conversation list or search results. */
import { useTranslation } from 'react-i18next'
import { personName } from '../lib/names'
import { useSession } from '../store/session'
import { useUi } from '../store/ui'
import { useUsers } from '../store/users'
import { Avatar } from './Avatar'
import { ConversationList } from './ConversationList'
import { ComposeIcon, SettingsIcon } from './Icons'
import { SearchBox } from './SearchBox'
import { SearchResults } from './SearchResults'

export function Sidebar() {
  const { t } = useTranslation()
  const user = useSession((state) => state.user)
  // Someone the app knows has a name like mine: show which one is me.
  const lookAlike = useUsers((state) => (user ? state.lookAlikes.has(user.id) : false))
  const searching = useUi((state) => state.searchQuery.trim() !== '')
  return (
    <nav className="sidebar" aria-label={t('sidebar.label')}>
      <header className="sidebar__header">
        {user && (
          <span className="sidebar__me">
            <Avatar id={user.id} name={user.displayName} size={32} />
            <bdi className="sidebar__me-name" dir="auto">
              {personName(user, lookAlike)}
            </bdi>
          </span>
        )}
        <button
          type="button"
          className="icon-button"
          aria-label={t('sidebar.newConversation')}
          title={t('sidebar.newConversation')}
          data-testid="new-conversation"
          onClick={() => useUi.getState().setDialog('newConversation')}
        >
          <ComposeIcon />
        </button>
        <button
          type="button"
          className="icon-button"
          aria-label={t('sidebar.settings')}
          title={t('sidebar.settings')}
          data-testid="open-settings"
          onClick={() => useUi.getState().setDialog('settings')}
        >
          <SettingsIcon />
        </button>
      </header>
      <SearchBox />
      {searching ? <SearchResults /> : <ConversationList />}
    </nav>
  )
}
