/**
 * The composer's `@` autocomplete list (the ARIA combobox pattern: the
 * textarea keeps focus and points at the active option with
 * aria-activedescendant). The Composer owns the keys: ↑/↓ move, Enter or Tab
 * picks, Esc closes.
 */
import { useTranslation } from 'react-i18next'
import type { ChatUser } from '../../../shared/ipc'
import { PresenceDot } from './PresenceDot'

export const MENTION_LIST_ID = 'mention-suggestions'
export const mentionOptionId = (userId: string) => `mention-option-${userId}`

export function MentionSuggestions({ people, active, onPick }: { people: readonly ChatUser[]; active: number; onPick(user: ChatUser): void }) {
  const { t } = useTranslation()
  return (
    <ul id={MENTION_LIST_ID} className="mention-suggestions" role="listbox" aria-label={t('composer.mentionSuggestions')} data-testid="mention-suggestions">
      {people.map((user, index) => (
        <li
          key={user.id}
          id={mentionOptionId(user.id)}
          role="option"
          aria-selected={index === active}
          className={index === active ? 'mention-suggestions__option mention-suggestions__option--active' : 'mention-suggestions__option'}
          data-testid="mention-option"
          // Keep focus in the textarea.
          onMouseDown={(event) => event.preventDefault()}
          onClick={() => onPick(user)}
        >
          <span className="mention-suggestions__presence">
            <PresenceDot online={user.online} label={user.online ? t('presence.online') : t('presence.offline')} />
          </span>
          <bdi className="mention-suggestions__name" dir="auto">
            {user.displayName}
          </bdi>
          <span className="mention-suggestions__username">@{user.username}</span>
        </li>
      ))}
    </ul>
  )
}
