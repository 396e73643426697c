/**
 * Choosing a reaction: the quick row of common emoji, then every emoji by
 * group with a search (labels and tags in the UI language — Chinese or
 * English — and English too), from data bundled into the app (lib/emoji.ts).
 * Keyboard: the search box has focus; ↓ moves into the emoji, arrows move
 * between them, Enter or Space picks, Esc closes.
 */
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { useIntlLocale } from '../hooks/useLocale'
import { EMOJI_GROUPS, loadEmoji, searchEmoji, type PickerEmoji } from '../lib/emoji'
import { QUICK_REACTIONS } from '../lib/reactions'
import { Popover, type Anchor } from './Popover'

const COLUMNS = 8

interface EmojiPickerProps {
  anchor: Anchor
  onPick(emoji: string): void
  onClose(): void
  /** Emoji that cannot be added (the message has 20 already): only those shown may be picked. */
  allowed?: (emoji: string) => boolean
}

export function EmojiPicker({ anchor, onPick, onClose, allowed = () => true }: EmojiPickerProps) {
  const { t } = useTranslation()
  const locale = useIntlLocale()
  const [all, setAll] = useState<PickerEmoji[] | null>(null)
  const [query, setQuery] = useState('')
  const grid = useRef<HTMLDivElement>(null)

  useEffect(() => {
    let live = true
    loadEmoji(locale).then(
      (emoji) => live && setAll(emoji),
      () => live && setAll([]),
    )
    return () => {
      live = false
    }
  }, [locale])

  const found = useMemo(() => (all === null || query.trim() === '' ? null : searchEmoji(all, query)), [all, query])
  const groups = useMemo(
    () => (all === null ? [] : EMOJI_GROUPS.map((group) => ({ group, emoji: all.filter((entry) => entry.group === group) }))),
    [all],
  )

  const pick = (emoji: string) => {
    if (!allowed(emoji)) return
    onPick(emoji)
  }

  const buttons = () => [...(grid.current?.querySelectorAll<HTMLButtonElement>('button[data-emoji]') ?? [])]

  const onGridKey = (event: KeyboardEvent<HTMLDivElement>) => {
    const list = buttons()
    const index = list.indexOf(document.activeElement as HTMLButtonElement)
    if (index === -1) return
    const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: COLUMNS, ArrowUp: -COLUMNS, Home: -index, End: list.length - 1 - index }[event.key]
    if (step === undefined) return
    event.preventDefault()
    const next = index + step
    if (next < 0) {
      grid.current?.closest('.emoji-picker')?.querySelector<HTMLInputElement>('input')?.focus()
      return
    }
    list[Math.min(next, list.length - 1)]?.focus()
  }

  const cell = (entry: { emoji: string; label: string }) => {
    const disabled = !allowed(entry.emoji)
    return (
      <button
        key={entry.emoji}
        type="button"
        className="emoji-picker__emoji"
        data-emoji={entry.emoji}
        data-testid="emoji-option"
        aria-label={entry.label}
        title={entry.label}
        aria-disabled={disabled || undefined}
        tabIndex={-1}
        onClick={() => pick(entry.emoji)}
      >
        {entry.emoji}
      </button>
    )
  }

  return (
    <Popover anchor={anchor} onClose={onClose} label={t('emoji.picker')} className="emoji-picker" testId="emoji-picker">
      <div className="emoji-picker__quick" role="group" aria-label={t('message.react')}>
        {QUICK_REACTIONS.map((emoji) => (
          <button
            key={emoji}
            type="button"
            className="emoji-picker__emoji"
            data-testid="quick-reaction"
            aria-label={t('message.reactWith', { emoji })}
            aria-disabled={!allowed(emoji) || undefined}
            onClick={() => pick(emoji)}
          >
            {emoji}
          </button>
        ))}
      </div>
      <input
        className="emoji-picker__search"
        type="search"
        aria-label={t('emoji.search')}
        placeholder={t('emoji.search')}
        value={query}
        autoFocus
        data-testid="emoji-search"
        onChange={(event) => setQuery(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown') {
            event.preventDefault()
            buttons()[0]?.focus()
          } else if (event.key === 'Enter') {
            event.preventDefault()
            const first = buttons()[0]?.dataset.emoji
            if (first !== undefined) pick(first)
          }
        }}
      />
      <div ref={grid} className="emoji-picker__grid" role="group" aria-label={t('emoji.results')} onKeyDown={onGridKey}>
        {all === null && <p className="emoji-picker__note">{t('emoji.loading')}</p>}
        {found !== null && found.length === 0 && <p className="emoji-picker__note">{t('emoji.none')}</p>}
        {found !== null && found.length > 0 && <div className="emoji-picker__cells">{found.map(cell)}</div>}
        {found === null &&
          groups.map(({ group, emoji }) => (
            <section key={group} aria-label={t(`emoji.groups.g${group}`)}>
              <h3 className="emoji-picker__group">{t(`emoji.groups.g${group}`)}</h3>
              <div className="emoji-picker__cells">{emoji.map(cell)}</div>
            </section>
          ))}
      </div>
    </Popover>
  )
}
