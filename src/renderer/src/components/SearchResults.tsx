/** Search hits with highlighted snippets (text nodes and <mark>, never HTML); a click opens the conversation at the message. */
import { memo } from 'react'
import { useTranslation } from 'react-i18next'
import type { SearchHit } from '../../../shared/ipc'
import { useIntlLocale } from '../hooks/useLocale'
import { useNow } from '../hooks/useNow'
import { formatListTime } from '../lib/time'
import { useConversations } from '../store/conversations'
import { selectMe, useSession } from '../store/session'
import { useUi } from '../store/ui'
import { selectPersonName, useUsers } from '../store/users'
import { useConversationTitle } from './useConversationTitle'

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
      <button type="button" className="search-hit" data-testid="search-hit" data-message-key={hit.messageKey} onClick={() => useUi.getState().jumpToMessage(hit)}>
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
    <section className="search-results" aria-label={t('search.results')} aria-busy={search.status === 'searching'}>
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
