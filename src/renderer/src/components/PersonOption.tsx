/** One person in a people picker (new conversation, add people): a checkbox, the avatar, the name and @username with a note. */
import type { ReactNode } from 'react'
import type { ChatUser } from '../../../shared/ipc'
import { Avatar } from './Avatar'

export function PersonOption({
  user,
  checked,
  onToggle,
  disabled = false,
  className = 'person',
  badge = null,
  note = null,
}: {
  user: ChatUser
  checked: boolean
  onToggle(): void
  disabled?: boolean
  className?: string
  /** Shown on the avatar (a presence dot). */
  badge?: ReactNode
  /** After the @username: presence, "already in the group". */
  note?: string | null
}) {
  return (
    <label className={className} data-testid="person">
      <input type="checkbox" checked={checked} disabled={disabled} onChange={onToggle} />
      <span className="person__avatar">
        <Avatar id={user.id} name={user.displayName} size={36} />
        {badge}
      </span>
      <span className="person__names">
        <bdi className="person__name" dir="auto">
          {user.displayName}
        </bdi>
        <span className="person__username">
          @{user.username}
          {note !== null && ` · ${note}`}
        </span>
      </span>
    </label>
  )
}
