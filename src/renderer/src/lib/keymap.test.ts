import { describe, expect, test } from 'vitest'
import { chordLabel, keyPlatform, matches, matchShortcut, SHORTCUT_GROUPS, SHORTCUTS, shortcutLabel, shortcutLabels, shortcutsIn, type KeyEventLike } from './keymap'

const press = (key: string, modifiers: Partial<Omit<KeyEventLike, 'key'>> = {}): KeyEventLike => ({
  key,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...modifiers,
})

describe('platforms', () => {
  test('macOS is darwin; everything else (and unknown) is Ctrl', () => {
    expect(keyPlatform('darwin')).toBe('mac')
    expect(keyPlatform('linux')).toBe('other')
    expect(keyPlatform('win32')).toBe('other')
    expect(keyPlatform(undefined)).toBe('other')
  })

  test('labels: ⌘ and symbols on macOS, Ctrl+… elsewhere', () => {
    expect(shortcutLabel('quickSwitcher', 'mac')).toBe('⌘K')
    expect(shortcutLabel('quickSwitcher', 'other')).toBe('Ctrl+K')
    expect(shortcutLabel('searchMessages', 'mac')).toBe('⇧⌘F')
    expect(shortcutLabel('searchMessages', 'other')).toBe('Ctrl+Shift+F')
    expect(shortcutLabel('nextUnread', 'mac')).toBe('⌥⇧↓')
    expect(shortcutLabel('nextUnread', 'other')).toBe('Alt+Shift+↓')
    expect(shortcutLabel('shortcutsHelp', 'other')).toBe('Ctrl+/')
    expect(shortcutLabels('messageMenu', 'other')).toEqual(['Enter', 'Shift+F10', 'Menu'])
    expect(shortcutLabels('lightboxZoom', 'other')).toEqual(['+', '−', '0'])
    expect(chordLabel({ key: 'Enter', shift: true }, 'mac')).toBe('⇧↩')
  })
})

describe('matching', () => {
  test('Mod is Cmd on macOS and Ctrl elsewhere, never both', () => {
    expect(matches(press('k', { ctrlKey: true }), 'quickSwitcher', 'other')).toBe(true)
    expect(matches(press('k', { metaKey: true }), 'quickSwitcher', 'other')).toBe(false)
    expect(matches(press('k', { metaKey: true }), 'quickSwitcher', 'mac')).toBe(true)
    expect(matches(press('k', { ctrlKey: true }), 'quickSwitcher', 'mac')).toBe(false)
    expect(matches(press('k', { ctrlKey: true, metaKey: true }), 'quickSwitcher', 'other')).toBe(false)
  })

  test('Shift and Alt must be as written; letters match in either case', () => {
    expect(matches(press('F', { ctrlKey: true, shiftKey: true }), 'searchMessages', 'other')).toBe(true)
    expect(matches(press('f', { ctrlKey: true }), 'searchMessages', 'other')).toBe(false)
    expect(matches(press('K', { ctrlKey: true, shiftKey: true }), 'quickSwitcher', 'other')).toBe(false)
    expect(matchShortcut(press('ArrowDown', { altKey: true }), ['nextConversation', 'nextUnread'], 'other')).toBe('nextConversation')
    expect(matchShortcut(press('ArrowDown', { altKey: true, shiftKey: true }), ['nextConversation', 'nextUnread'], 'other')).toBe('nextUnread')
    expect(matchShortcut(press('ArrowDown'), ['nextConversation', 'nextUnread'], 'other')).toBeNull()
    expect(matches(press('R', { shiftKey: true }), 'reply', 'other')).toBe(true)
    expect(matches(press('r', { ctrlKey: true }), 'reply', 'other')).toBe(false)
  })

  test('a key that needs Shift on some layouts, and letters on non-Latin layouts', () => {
    expect(matches(press('/', { ctrlKey: true }), 'shortcutsHelp', 'other')).toBe(true)
    // German layout: / is Shift+7.
    expect(matches(press('/', { ctrlKey: true, shiftKey: true }), 'shortcutsHelp', 'other')).toBe(true)
    // Russian layout: the K key types "л".
    expect(matches(press('л', { ctrlKey: true, code: 'KeyK' }), 'quickSwitcher', 'other')).toBe(true)
    // …but an ASCII key on another layout means what it types: QWERTZ's Z key is "z", not Y.
    expect(matches(press('z', { ctrlKey: true, code: 'KeyK' }), 'quickSwitcher', 'other')).toBe(false)
    expect(matches(press('+', { shiftKey: true }), 'react', 'other')).toBe(true)
  })
})

describe('the table', () => {
  test('ids are unique, every group is listed and has shortcuts', () => {
    const ids = SHORTCUTS.map((shortcut) => shortcut.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(new Set(SHORTCUTS.map((shortcut) => shortcut.group))).toEqual(new Set(SHORTCUT_GROUPS))
    for (const group of SHORTCUT_GROUPS) expect(shortcutsIn(group).length).toBeGreaterThan(0)
  })

  test('no two app-wide shortcuts share a chord', () => {
    const app = [...shortcutsIn('app'), ...shortcutsIn('conversation')]
    const written = app.flatMap((shortcut) => shortcut.chords.map((chord) => chordLabel(chord, 'other')))
    expect(new Set(written).size).toBe(written.length)
  })
})
