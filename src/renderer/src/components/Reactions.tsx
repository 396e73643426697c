/**
 * The chips under a message: one per emoji with its count, pressed when I
 * reacted with it, the reactors' names in the tooltip; a click toggles my
 * reaction. The last chip adds another (greyed out once 20 different emoji
 * are there: the server refuses a 21st).
 */
import { memo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useShallow } from 'zustand/react/shallow'
import type { ChatMessage } from '../../../shared/ipc'
import { REACTIONS_PER_MESSAGE_MAX } from '../../../shared/message-content'
import { canAddReaction, reactionChips } from '../lib/reactions'
import { selectPersonName, useUsers } from '../store/users'
import { SmileIcon } from './Icons'
import { EmojiPicker } from './EmojiPicker'
import { canReactWith, react } from './message-actions'

/** The full emoji picker for a reaction to `message`: emoji it cannot take greyed out; a pick reacts and closes. */
export function ReactionPicker({ message, anchor, onClose }: { message: ChatMessage; anchor: HTMLElement; onClose(): void }) {
  return (
    <EmojiPicker
      anchor={anchor}
      allowed={(emoji) => canReactWith(message, emoji)}
      onClose={onClose}
      onPick={(emoji) => {
        onClose()
        react(message, emoji)
      }}
    />
  )
}

function ReactionChip({ message, emoji, count, mine, userIds }: { message: ChatMessage; emoji: string; count: number; mine: boolean; userIds: readonly string[] }) {
  const { t } = useTranslation()
  const names = useUsers(useShallow((state) => userIds.map((id) => selectPersonName(id, t('common.unknownUser'))(state)))).join(', ')
  const label = t('message.reaction', { emoji, count, names })
  return (
    <button
      type="button"
      className={mine ? 'reaction reaction--mine' : 'reaction'}
      aria-pressed={mine}
      aria-label={mine ? `${label} ${t('message.reactionMine')}` : label}
      title={names}
      data-testid="reaction"
      data-emoji={emoji}
      data-count={count}
      data-mine={mine}
      onClick={() => react(message, emoji)}
    >
      <span className="reaction__emoji">{emoji}</span>
      <span className="reaction__count">{count}</span>
    </button>
  )
}

export const Reactions = memo(function Reactions({ message, me }: { message: ChatMessage; me: string }) {
  const { t } = useTranslation()
  const [picker, setPicker] = useState<HTMLElement | null>(null)
  const chips = reactionChips(message.reactions, me)
  if (chips.length === 0) return null
  const full = !canAddReaction(message.reactions)
  return (
    <div className="reactions" role="group" aria-label={t('message.reactionsLabel')}>
      {chips.map((chip) => (
        <ReactionChip key={chip.emoji} message={message} {...chip} />
      ))}
      <button
        type="button"
        className="reaction reaction--add"
        aria-label={full ? t('message.tooManyReactions', { max: REACTIONS_PER_MESSAGE_MAX }) : t('message.react')}
        title={full ? t('message.tooManyReactions', { max: REACTIONS_PER_MESSAGE_MAX }) : t('message.react')}
        disabled={full}
        data-testid="add-reaction"
        onClick={(event) => setPicker(event.currentTarget)}
      >
        <SmileIcon size={16} />
      </button>
      {picker !== null && <ReactionPicker message={message} anchor={picker} onClose={() => setPicker(null)} />}
    </div>
  )
})
