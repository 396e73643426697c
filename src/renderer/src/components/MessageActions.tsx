/**
 * A message's actions, three ways: the toolbar that shows on hover or when
 * the row has focus, and the menu that a right-click, the context-menu key,
 * Shift+F10 or Enter on a focused row opens (also the toolbar's "more"
 * button). Both list the same actions (message-actions.ts), each with its
 * accessible name.
 */
import { useEffect, useRef, type KeyboardEvent, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { ChatMessage } from '../../../shared/ipc'
import { canAddReaction, QUICK_REACTIONS } from '../lib/reactions'
import { useCompose, type OpenMenu } from '../store/compose'
import { CopyIcon, EditIcon, LinkIcon, MoreIcon, ReplyIcon, SmileIcon, TrashIcon } from './Icons'
import { actionsFor, askToDelete, canReactWith, copyLink, copyText, edit, react, reply } from './message-actions'
import { Popover } from './Popover'

interface ActionProps {
  message: ChatMessage
  me: string
  /** I own or administer the group: delete is offered on anyone's message. */
  moderator: boolean
  /** Open the emoji picker at this element. */
  onPickEmoji(anchor: HTMLElement): void
}

function ToolButton({ label, onClick, children, testId, disabled }: { label: string; onClick(element: HTMLElement): void; children: ReactNode; testId: string; disabled?: boolean }) {
  return (
    <button
      type="button"
      className="icon-button icon-button--small message-toolbar__button"
      aria-label={label}
      title={label}
      data-testid={testId}
      disabled={disabled}
      onClick={(event) => onClick(event.currentTarget)}
    >
      {children}
    </button>
  )
}

export function MessageToolbar({ message, me, moderator, onPickEmoji }: ActionProps) {
  const { t } = useTranslation()
  const can = actionsFor(message, me, moderator)
  const full = !canAddReaction(message.reactions)
  return (
    <div className="message-toolbar" role="toolbar" aria-label={t('message.actions')} data-testid="message-toolbar">
      {can.react && (
        <ToolButton label={t('message.react')} testId="action-react" onClick={onPickEmoji} disabled={full}>
          <SmileIcon size={16} />
        </ToolButton>
      )}
      {can.reply && (
        <ToolButton label={t('message.reply')} testId="action-reply" onClick={() => reply(message)}>
          <ReplyIcon size={16} />
        </ToolButton>
      )}
      {can.edit && (
        <ToolButton label={t('message.edit')} testId="action-edit" onClick={() => edit(message)}>
          <EditIcon size={16} />
        </ToolButton>
      )}
      {can.delete && (
        <ToolButton label={t('message.deleteForEveryone')} testId="action-delete" onClick={() => askToDelete(message)}>
          <TrashIcon size={16} />
        </ToolButton>
      )}
      {can.copy && (
        <ToolButton label={t('message.copyText')} testId="action-copy" onClick={() => copyText(message)}>
          <CopyIcon size={16} />
        </ToolButton>
      )}
      <ToolButton label={t('message.moreActions')} testId="action-more" onClick={(element) => useCompose.getState().openMenu({ messageKey: message.key, at: anchorPoint(element) })}>
        <MoreIcon size={16} />
      </ToolButton>
    </div>
  )
}

function anchorPoint(element: HTMLElement): { x: number; y: number } {
  const box = element.getBoundingClientRect()
  return { x: box.left, y: box.bottom }
}

export function MessageMenu({ message, me, moderator, menu, row, onPickEmoji }: ActionProps & { menu: OpenMenu; row: HTMLElement }) {
  const { t } = useTranslation()
  const ref = useRef<HTMLDivElement>(null)
  const can = actionsFor(message, me, moderator)
  const close = () => useCompose.getState().openMenu(null)
  const run = (action: () => void) => () => {
    close()
    action()
  }

  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('[role=menuitem]:not([aria-disabled=true])')?.focus()
  }, [])

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const items = [...(ref.current?.querySelectorAll<HTMLElement>('[role=menuitem]') ?? [])]
    const index = items.indexOf(document.activeElement as HTMLElement)
    let next: number | null = null
    if (event.key === 'ArrowDown' || event.key === 'ArrowRight') next = (index + 1) % items.length
    else if (event.key === 'ArrowUp' || event.key === 'ArrowLeft') next = (index - 1 + items.length) % items.length
    else if (event.key === 'Home') next = 0
    else if (event.key === 'End') next = items.length - 1
    else if (event.key === 'Tab') {
      event.preventDefault()
      close()
      return
    }
    if (next === null) return
    event.preventDefault()
    items[next]?.focus()
  }

  const item = (label: string, action: () => void, testId: string, icon: ReactNode, danger = false) => (
    <button
      type="button"
      role="menuitem"
      tabIndex={-1}
      className={danger ? 'menu__item menu__item--danger' : 'menu__item'}
      data-testid={testId}
      onClick={run(action)}
    >
      {icon}
      <span>{label}</span>
    </button>
  )

  return (
    <Popover anchor={menu.at ?? row} onClose={close} role="menu" label={t('message.actions')} className="menu" testId="message-menu">
      <div ref={ref} onKeyDown={onKeyDown}>
        {can.react && (
          <div className="menu__reactions" role="group" aria-label={t('message.react')}>
            {QUICK_REACTIONS.map((emoji) => (
              <button
                key={emoji}
                type="button"
                role="menuitem"
                tabIndex={-1}
                className="menu__emoji"
                aria-label={t('message.reactWith', { emoji })}
                aria-disabled={!canReactWith(message, emoji) || undefined}
                data-testid="menu-reaction"
                onClick={run(() => react(message, emoji))}
              >
                {emoji}
              </button>
            ))}
          </div>
        )}
        {can.react && item(t('message.react'), () => onPickEmoji(row), 'menu-react', <SmileIcon size={16} />)}
        {can.reply && item(t('message.reply'), () => reply(message), 'menu-reply', <ReplyIcon size={16} />)}
        {can.edit && item(t('message.edit'), () => edit(message), 'menu-edit', <EditIcon size={16} />)}
        {can.copy && item(t('message.copyText'), () => copyText(message), 'menu-copy', <CopyIcon size={16} />)}
        {can.link && item(t('spelling.copyLink'), () => copyLink(message), 'menu-copy-link', <LinkIcon size={16} />)}
        {can.delete && item(t('message.deleteForEveryone'), () => askToDelete(message), 'menu-delete', <TrashIcon size={16} />, true)}
      </div>
    </Popover>
  )
}
