/**
 * A menu in a Popover (role=menu): the first item takes focus, ↑/↓/Home/End
 * move, Enter/Space pick, Esc or Tab close and focus goes back to the opener.
 * Items are plain data, so every menu behaves the same.
 */
import { useEffect, useRef, type KeyboardEvent, type ReactNode } from 'react'
import { Popover, type Anchor } from './Popover'

export interface MenuItem {
  id: string
  label: string
  onSelect(): void
  icon?: ReactNode
  danger?: boolean
  /** A menuitemradio that is checked (the current mute). */
  checked?: boolean
}

export function Menu({ anchor, label, items, onClose, testId }: { anchor: Anchor; label: string; items: readonly MenuItem[]; onClose(): void; testId?: string }) {
  const ref = useRef<HTMLDivElement>(null)

  useEffect(() => {
    // After the popover has been placed: while hidden for measuring, it cannot take focus.
    const frame = requestAnimationFrame(() => ref.current?.querySelector<HTMLElement>('[role^=menuitem]')?.focus())
    return () => cancelAnimationFrame(frame)
  }, [])

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    // React events bubble through the portal to whatever rendered the menu (a listbox that moves on ↑/↓).
    event.stopPropagation()
    const elements = [...(ref.current?.querySelectorAll<HTMLElement>('[role^=menuitem]') ?? [])]
    const index = elements.indexOf(document.activeElement as HTMLElement)
    let next: number | null = null
    if (event.key === 'ArrowDown') next = (index + 1) % elements.length
    else if (event.key === 'ArrowUp') next = (index - 1 + elements.length) % elements.length
    else if (event.key === 'Home') next = 0
    else if (event.key === 'End') next = elements.length - 1
    else if (event.key === 'Tab') {
      event.preventDefault()
      onClose()
      return
    }
    if (next === null) return
    event.preventDefault()
    elements[next]?.focus()
  }

  const radio = items.some((item) => item.checked !== undefined)
  return (
    <Popover anchor={anchor} onClose={onClose} role="menu" label={label} className="menu" testId={testId}>
      <div ref={ref} onKeyDown={onKeyDown}>
        {items.map((item) => (
          <button
            key={item.id}
            type="button"
            role={radio && item.checked !== undefined ? 'menuitemradio' : 'menuitem'}
            aria-checked={radio && item.checked !== undefined ? item.checked : undefined}
            tabIndex={-1}
            className={item.danger ? 'menu__item menu__item--danger' : 'menu__item'}
            data-testid={`menu-${item.id}`}
            onClick={() => {
              onClose()
              item.onSelect()
            }}
          >
            {item.icon}
            <span>{item.label}</span>
            {item.checked && <span className="menu__check" aria-hidden="true">✓</span>}
          </button>
        ))}
      </div>
    </Popover>
  )
}
