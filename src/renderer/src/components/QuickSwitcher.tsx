/**
 * Ctrl/Cmd+K: jump to any conversation by name. A combobox over a listbox:
 * typing ranks the conversations (lib/fuzzy-match.ts — names as the list
 * shows them and, for a direct conversation, the person's @username; ties go
 * to recent activity), ↑/↓ choose, Enter opens it and puts focus in its
 * composer; Esc closes and focus returns to where it was (Dialog.tsx). With
 * text typed, a second section offers "Search messages for …", which hands
 * the text to the sidebar's search box.
 */
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { ChatConversation } from '../../../shared/ipc'
import { rankMatches, type Candidate, type RankedCandidate } from '../lib/fuzzy-match'
import { conversationTitle, otherMemberId } from '../lib/names'
import { useConversations } from '../store/conversations'
import { selectMe, useSession } from '../store/session'
import { useUi } from '../store/ui'
import { useUsers } from '../store/users'
import { Avatar } from './Avatar'
import { Dialog } from './Dialog'
import { SearchIcon } from './Icons'
import { focusComposer } from './message-actions'
import { focusSearch } from './SearchBox'

interface ConversationCandidate extends Candidate {
  conversation: ChatConversation
  /** The other person's @username in a direct conversation. */
  username: string | null
}

type Option = { kind: 'conversation'; ranked: RankedCandidate<ConversationCandidate> } | { kind: 'search' }

const LIMIT = 50

/** The matched characters of `text` in <mark>, by code point. */
function Highlighted({ text, positions }: { text: string; positions: readonly number[] | null }): ReactNode {
  if (positions === null || positions.length === 0) return text
  const marked = new Set(positions)
  const parts: ReactNode[] = []
  let run = ''
  let runMarked = false
  const flush = () => {
    if (run === '') return
    parts.push(runMarked ? <mark key={parts.length}>{run}</mark> : run)
    run = ''
  }
  Array.from(text).forEach((char, index) => {
    if (marked.has(index) !== runMarked) {
      flush()
      runMarked = marked.has(index)
    }
    run += char
  })
  flush()
  return parts
}

function close(): void {
  useUi.getState().setDialog(null)
}

export function QuickSwitcher() {
  const { t } = useTranslation()
  const id = useId()
  const [query, setQuery] = useState('')
  const [active, setActive] = useState(0)
  const input = useRef<HTMLInputElement>(null)
  const byId = useConversations((state) => state.byId)
  const users = useUsers((state) => state.byId)
  const lookAlikes = useUsers((state) => state.lookAlikes)
  const me = useSession(selectMe)
  const openId = useUi((state) => state.activeConversationId)
  const unknown = t('common.unknownUser')

  const candidates = useMemo<ConversationCandidate[]>(
    () =>
      Object.values(byId).map((conversation) => {
        const title = conversationTitle(conversation, users, me, unknown, lookAlikes)
        const partner = conversation.kind === 'direct' ? users[otherMemberId(conversation, me)] : undefined
        const username = partner?.username ?? null
        return { id: conversation.id, names: username === null ? [title] : [title, username], lastActivityAt: conversation.lastActivityAt, conversation, username }
      }),
    [byId, users, me, unknown, lookAlikes],
  )
  const ranked = useMemo(() => rankMatches(query, candidates, LIMIT), [query, candidates])
  const text = query.trim()
  const options = useMemo<Option[]>(
    () => [...ranked.map((entry) => ({ kind: 'conversation' as const, ranked: entry })), ...(text === '' ? [] : [{ kind: 'search' as const }])],
    [ranked, text],
  )
  const activeIndex = Math.min(active, options.length - 1)
  const optionId = (index: number) => `${id}-option-${index}`

  // After the dialog's showModal(), which focuses its first button (the dialog opens in its effect, after this one).
  useEffect(() => {
    const frame = requestAnimationFrame(() => input.current?.focus())
    return () => cancelAnimationFrame(frame)
  }, [])

  useEffect(() => {
    if (activeIndex >= 0) document.getElementById(`${id}-option-${activeIndex}`)?.scrollIntoView({ block: 'nearest' })
  }, [activeIndex, id])

  const choose = (option: Option | undefined) => {
    if (option === undefined) return
    if (option.kind === 'search') {
      useUi.getState().setSearchQuery(text)
      close()
      requestAnimationFrame(() => focusSearch())
      return
    }
    useUi.getState().openConversation(option.ranked.candidate.id)
    close()
    focusComposer()
  }

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.nativeEvent.isComposing || options.length === 0) return
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault()
      const step = event.key === 'ArrowDown' ? 1 : -1
      setActive((activeIndex + step + options.length) % options.length)
    } else if (event.key === 'Enter') {
      event.preventDefault()
      choose(options[activeIndex])
    }
  }

  const conversationOptions = options.filter((option) => option.kind === 'conversation')
  const searchIndex = options.findIndex((option) => option.kind === 'search')

  return (
    <Dialog title={t('shortcuts.switcher.title')} onClose={close} testId="quick-switcher" className="dialog--switcher">
      <div className="dialog__body switcher">
        <input
          className="switcher__input"
          type="text"
          role="combobox"
          aria-label={t('shortcuts.switcher.label')}
          aria-expanded="true"
          aria-controls={`${id}-listbox`}
          aria-autocomplete="list"
          aria-activedescendant={activeIndex >= 0 ? optionId(activeIndex) : undefined}
          aria-describedby={`${id}-hint`}
          placeholder={t('shortcuts.switcher.placeholder')}
          value={query}
          maxLength={200}
          dir="auto"
          ref={input}
          data-testid="switcher-input"
          onChange={(event) => {
            setQuery(event.target.value)
            setActive(0)
          }}
          onKeyDown={onKeyDown}
        />
        <p id={`${id}-hint`} className="switcher__hint">
          {t('shortcuts.switcher.hint')}
        </p>
        <div id={`${id}-listbox`} role="listbox" className="switcher__list" aria-label={t('shortcuts.switcher.title')} data-testid="switcher-list">
          <div role="group" aria-labelledby={`${id}-conversations`}>
            <div id={`${id}-conversations`} className="switcher__section" role="presentation">
              {t('shortcuts.switcher.conversations')}
            </div>
            {conversationOptions.length === 0 && text !== '' && (
              <p className="switcher__empty" role="presentation">
                {t('shortcuts.switcher.noMatches', { query: text })}
              </p>
            )}
            {ranked.map((entry, index) => {
              const { conversation, username, names } = entry.candidate
              const match = entry.match
              const unread = conversation.unreadCount
              return (
                <div
                  key={conversation.id}
                  id={optionId(index)}
                  role="option"
                  aria-selected={index === activeIndex}
                  className={index === activeIndex ? 'switcher__option switcher__option--active' : 'switcher__option'}
                  data-testid="switcher-option"
                  data-conversation-id={conversation.id}
                  data-open={conversation.id === openId ? 'true' : undefined}
                  onMouseMove={() => index !== activeIndex && setActive(index)}
                  onClick={() => choose(options[index])}
                >
                  <Avatar id={conversation.kind === 'direct' ? otherMemberId(conversation, me) : conversation.id} name={names[0] ?? ''} size={24} />
                  <bdi className="switcher__name" dir="auto">
                    <Highlighted text={names[0] ?? ''} positions={match?.name === 0 ? match.positions : null} />
                  </bdi>
                  {username !== null && (
                    <span className="switcher__username" dir="ltr">
                      @<Highlighted text={username} positions={match?.name === 1 ? match.positions : null} />
                    </span>
                  )}
                  {unread > 0 && (
                    <span className="badge switcher__badge" aria-label={t('shortcuts.switcher.unread', { count: unread })}>
                      {unread > 99 ? '99+' : unread}
                    </span>
                  )}
                </div>
              )
            })}
          </div>
          {searchIndex >= 0 && (
            <div role="group" aria-labelledby={`${id}-messages`}>
              <div id={`${id}-messages`} className="switcher__section" role="presentation">
                {t('shortcuts.switcher.messages')}
              </div>
              <div
                id={optionId(searchIndex)}
                role="option"
                aria-selected={searchIndex === activeIndex}
                className={searchIndex === activeIndex ? 'switcher__option switcher__option--active' : 'switcher__option'}
                data-testid="switcher-search"
                onMouseMove={() => searchIndex !== activeIndex && setActive(searchIndex)}
                onClick={() => choose(options[searchIndex])}
              >
                <SearchIcon size={16} />
                <span className="switcher__name" dir="auto">
                  {t('shortcuts.switcher.searchMessages', { query: text })}
                </span>
              </div>
            </div>
          )}
        </div>
      </div>
    </Dialog>
  )
}
