/**
 * Every keyboard shortcut of the app, in one table: the app-wide listener
 * (hooks/useAppShortcuts.ts), the message rows and the attach button match
 * key events against it, and the help dialog (Ctrl/Cmd+/) lists it, grouped,
 * with each key as the platform writes it — ⌘K on macOS, Ctrl+K elsewhere.
 * The other keys that belong to one widget (the composer's Enter, the
 * lightbox's arrows) are described here for the help dialog; their handlers
 * stay with the widget.
 */

export type KeyPlatform = 'mac' | 'other'

/** `AppInfo.platform` (Node's `process.platform` in main) → how keys are written and which modifier is "Mod". */
export function keyPlatform(platform: string | null | undefined): KeyPlatform {
  return platform === 'darwin' ? 'mac' : 'other'
}

export interface Chord {
  /** `KeyboardEvent.key` — a lower-case letter for letter keys. */
  key: string
  /** Cmd on macOS, Ctrl elsewhere. */
  mod?: true
  shift?: true
  alt?: true
  /** Shift may be held too: a key that needs it on some layouts (`+`, `/`), or a letter typed with Caps Lock. */
  anyShift?: true
}

export type ShortcutGroup = 'app' | 'conversation' | 'composer' | 'mentions' | 'message' | 'editor' | 'files' | 'lightbox' | 'switcher' | 'search'

export interface Shortcut {
  id: string
  group: ShortcutGroup
  /** Alternatives: any of them does it. */
  chords: readonly Chord[]
}

const key = (name: string, extra: Omit<Chord, 'key'> = {}): Chord => ({ key: name, ...extra })

export const SHORTCUTS = [
  { id: 'quickSwitcher', group: 'app', chords: [key('k', { mod: true })] },
  { id: 'searchMessages', group: 'app', chords: [key('f', { mod: true, shift: true })] },
  { id: 'newConversation', group: 'app', chords: [key('n', { mod: true })] },
  { id: 'previousConversation', group: 'app', chords: [key('ArrowUp', { alt: true })] },
  { id: 'nextConversation', group: 'app', chords: [key('ArrowDown', { alt: true })] },
  { id: 'previousUnread', group: 'app', chords: [key('ArrowUp', { alt: true, shift: true })] },
  { id: 'nextUnread', group: 'app', chords: [key('ArrowDown', { alt: true, shift: true })] },
  { id: 'shortcutsHelp', group: 'app', chords: [key('/', { mod: true, anyShift: true })] },

  { id: 'markRead', group: 'conversation', chords: [key('Escape')] },
  { id: 'attachFiles', group: 'conversation', chords: [key('u', { mod: true })] },

  { id: 'send', group: 'composer', chords: [key('Enter')] },
  { id: 'newLine', group: 'composer', chords: [key('Enter', { shift: true })] },
  { id: 'editLast', group: 'composer', chords: [key('ArrowUp')] },
  { id: 'cancelReply', group: 'composer', chords: [key('Escape')] },

  { id: 'mentionMove', group: 'mentions', chords: [key('ArrowUp'), key('ArrowDown')] },
  { id: 'mentionPick', group: 'mentions', chords: [key('Enter'), key('Tab')] },
  { id: 'mentionClose', group: 'mentions', chords: [key('Escape')] },

  { id: 'messageMenu', group: 'message', chords: [key('Enter'), key('F10', { shift: true }), key('ContextMenu')] },
  { id: 'reply', group: 'message', chords: [key('r', { anyShift: true })] },
  { id: 'edit', group: 'message', chords: [key('e', { anyShift: true })] },
  { id: 'delete', group: 'message', chords: [key('Delete')] },
  { id: 'react', group: 'message', chords: [key('+', { anyShift: true })] },
  { id: 'menuMove', group: 'message', chords: [key('ArrowUp'), key('ArrowDown')] },
  { id: 'menuClose', group: 'message', chords: [key('Escape')] },

  { id: 'editorSave', group: 'editor', chords: [key('Enter')] },
  { id: 'editorNewLine', group: 'editor', chords: [key('Enter', { shift: true })] },
  { id: 'editorCancel', group: 'editor', chords: [key('Escape')] },

  { id: 'fileRemove', group: 'files', chords: [key('Delete'), key('Backspace')] },
  { id: 'fileMove', group: 'files', chords: [key('ArrowLeft'), key('ArrowRight')] },
  { id: 'pictureOpen', group: 'files', chords: [key('Enter'), key(' ')] },

  { id: 'lightboxMove', group: 'lightbox', chords: [key('ArrowLeft'), key('ArrowRight')] },
  { id: 'lightboxZoom', group: 'lightbox', chords: [key('+', { anyShift: true }), key('-'), key('0')] },
  { id: 'lightboxClose', group: 'lightbox', chords: [key('Escape')] },

  { id: 'switcherMove', group: 'switcher', chords: [key('ArrowUp'), key('ArrowDown')] },
  { id: 'switcherOpen', group: 'switcher', chords: [key('Enter')] },
  { id: 'switcherClose', group: 'switcher', chords: [key('Escape')] },

  { id: 'searchToResults', group: 'search', chords: [key('ArrowDown')] },
  { id: 'searchMove', group: 'search', chords: [key('ArrowUp'), key('ArrowDown'), key('Home'), key('End')] },
  { id: 'searchOpen', group: 'search', chords: [key('Enter'), key(' ')] },
  { id: 'searchClear', group: 'search', chords: [key('Escape')] },
] as const satisfies readonly Shortcut[]

export type ShortcutId = (typeof SHORTCUTS)[number]['id']

export const SHORTCUT_GROUPS: readonly ShortcutGroup[] = ['app', 'conversation', 'composer', 'mentions', 'message', 'editor', 'files', 'lightbox', 'switcher', 'search']

const byId = new Map<string, Shortcut>(SHORTCUTS.map((shortcut) => [shortcut.id, shortcut]))

export function shortcutById(id: ShortcutId): Shortcut {
  return byId.get(id) as Shortcut
}

/** What a matcher needs of a KeyboardEvent (DOM or React). */
export interface KeyEventLike {
  key: string
  code?: string
  ctrlKey: boolean
  metaKey: boolean
  altKey: boolean
  shiftKey: boolean
}

/** The physical key of a letter or `/`, for layouts whose `key` is another script's letter (Cyrillic, Greek). */
const CODES: Record<string, string> = { '/': 'Slash' }
function codeOf(name: string): string | undefined {
  return /^[a-z]$/.test(name) ? `Key${name.toUpperCase()}` : CODES[name]
}

export function matchesChord(event: KeyEventLike, chord: Chord, platform: KeyPlatform): boolean {
  const wantsMod = chord.mod === true
  const mod = platform === 'mac' ? event.metaKey : event.ctrlKey
  const otherMod = platform === 'mac' ? event.ctrlKey : event.metaKey
  if (mod !== wantsMod || otherMod) return false
  if (event.altKey !== (chord.alt === true)) return false
  if (chord.anyShift !== true && event.shiftKey !== (chord.shift === true)) return false
  if (event.key === chord.key || event.key.toLowerCase() === chord.key) return true
  const code = codeOf(chord.key)
  // Only when the key typed is not an ASCII character: on a QWERTZ layout `/` is Shift+7, not the Slash key.
  return code !== undefined && event.code === code && !/^[\x20-\x7e]$/.test(event.key)
}

/** Whether the event is one of this shortcut's chords. */
export function matches(event: KeyEventLike, id: ShortcutId, platform: KeyPlatform): boolean {
  return shortcutById(id).chords.some((chord) => matchesChord(event, chord, platform))
}

/** The first of `ids` the event is, or null. */
export function matchShortcut<Id extends ShortcutId>(event: KeyEventLike, ids: readonly Id[], platform: KeyPlatform): Id | null {
  return ids.find((id) => matches(event, id, platform)) ?? null
}

const KEY_NAMES: Record<string, { mac: string; other: string }> = {
  ArrowUp: { mac: '↑', other: '↑' },
  ArrowDown: { mac: '↓', other: '↓' },
  ArrowLeft: { mac: '←', other: '←' },
  ArrowRight: { mac: '→', other: '→' },
  Escape: { mac: 'Esc', other: 'Esc' },
  Enter: { mac: '↩', other: 'Enter' },
  Backspace: { mac: '⌫', other: 'Backspace' },
  Delete: { mac: '⌦', other: 'Delete' },
  Tab: { mac: '⇥', other: 'Tab' },
  ' ': { mac: 'Space', other: 'Space' },
  ContextMenu: { mac: 'Menu', other: 'Menu' },
  '-': { mac: '−', other: '−' },
}

function keyName(name: string, platform: KeyPlatform): string {
  const known = KEY_NAMES[name]
  if (known !== undefined) return known[platform]
  return name.length === 1 ? name.toUpperCase() : name
}

/** A chord as the platform writes it: "⌥⇧↓" on macOS, "Alt+Shift+↓" elsewhere. */
export function chordLabel(chord: Chord, platform: KeyPlatform): string {
  const name = keyName(chord.key, platform)
  if (platform === 'mac') {
    return `${chord.alt ? '⌥' : ''}${chord.shift ? '⇧' : ''}${chord.mod ? '⌘' : ''}${name}`
  }
  return [chord.mod ? 'Ctrl' : null, chord.alt ? 'Alt' : null, chord.shift ? 'Shift' : null, name].filter((part) => part !== null).join('+')
}

/** Each chord of a shortcut, written for the platform. */
export function shortcutLabels(id: ShortcutId, platform: KeyPlatform): string[] {
  return shortcutById(id).chords.map((chord) => chordLabel(chord, platform))
}

/** The shortcut's first chord, for a tooltip or a placeholder: "Ctrl+Shift+F", "⇧⌘F". */
export function shortcutLabel(id: ShortcutId, platform: KeyPlatform): string {
  return shortcutLabels(id, platform)[0] as string
}

/** The shortcuts of a group, in table order. */
export function shortcutsIn(group: ShortcutGroup): Shortcut[] {
  return SHORTCUTS.filter((shortcut) => shortcut.group === group)
}
