/** The native context menu per case — a misspelled word, a plain field, a link, selected text, nothing — with the mocked `electron` module. */
import { beforeEach, expect, test, vi } from 'vitest'
import { BrowserWindow, clipboard, emptyContextMenuParams, Menu, resetFakeElectron, session } from '../../test/shell/fake-electron'
import { contextMenuStrings, installContextMenu } from './context-menu'

vi.mock('electron', () => import('../../test/shell/fake-electron'))

interface Item {
  label?: string
  role?: string
  type?: string
  enabled?: boolean
  click?: () => void
}

let window: BrowserWindow
let opened: string[]
let language: string
let dispose: () => void

beforeEach(() => {
  resetFakeElectron()
  window = new BrowserWindow({})
  opened = []
  language = 'en'
  dispose = installContextMenu({
    window: window as never,
    openExternal: (url) => void opened.push(url),
    strings: () => contextMenuStrings(language, 'en-US'),
  })
})

/** The last menu shown: its items, written as "label" / "role:label" / "---", disabled ones in brackets. */
function shown(): { items: Item[]; text: string[]; options: unknown } {
  const popup = Menu.popups.at(-1)
  if (popup === undefined) throw new Error('no menu was shown')
  const items = popup.template as Item[]
  const text = items.map((item) => {
    if (item.type === 'separator') return '---'
    const name = item.role ? `${item.role}:${item.label}` : (item.label ?? '')
    return item.enabled === false ? `[${name}]` : name
  })
  return { items, text, options: popup.options }
}

const click = (items: Item[], label: string) => items.find((item) => item.label === label)?.click?.()

const editable = { canCut: true, canCopy: true, canPaste: true, canSelectAll: true, canUndo: false, canRedo: false, canDelete: true, canEditRichly: false }

test('a misspelled word in the composer: suggestions, add to dictionary, then the edit commands', () => {
  window.webContents.rightClick({ isEditable: true, misspelledWord: 'helo', dictionarySuggestions: ['hello', 'help', 'hole'], editFlags: { ...editable, canCut: false, canCopy: false } })
  const { items, text, options } = shown()
  expect(text).toEqual(['hello', 'help', 'hole', '---', 'Add to dictionary', '---', '[cut:Cut]', '[copy:Copy]', 'paste:Paste', '---', 'selectAll:Select all'])
  expect(options).toEqual({ window, x: 10, y: 20 })

  click(items, 'help')
  expect(window.webContents.replaceMisspelling).toHaveBeenCalledWith('help')
  click(items, 'Add to dictionary')
  expect(session.defaultSession.addWordToSpellCheckerDictionary).toHaveBeenCalledWith('helo')
})

test('a misspelled word with no suggestions says so; at most five suggestions', () => {
  window.webContents.rightClick({ isEditable: true, misspelledWord: 'qwzx', editFlags: editable })
  expect(shown().text.slice(0, 3)).toEqual(['[No suggestions]', '---', 'Add to dictionary'])

  window.webContents.rightClick({ isEditable: true, misspelledWord: 'teh', dictionarySuggestions: ['the', 'ten', 'tea', 'tech', 'tel', 'eh', 'tee'], editFlags: editable })
  expect(shown().text.slice(0, 6)).toEqual(['the', 'ten', 'tea', 'tech', 'tel', '---'])
})

test('a field with nothing misspelled: cut, copy, paste, select all — as the field allows', () => {
  window.webContents.rightClick({ isEditable: true, editFlags: { ...editable, canCut: false, canCopy: false } })
  expect(shown().text).toEqual(['[cut:Cut]', '[copy:Copy]', 'paste:Paste', '---', 'selectAll:Select all'])
})

test('an http(s) link: open (through openExternal) and copy its address', () => {
  window.webContents.rightClick({ linkURL: 'https://example.com/a?b=1' })
  const { items, text } = shown()
  expect(text).toEqual(['Open link', 'Copy link address'])
  click(items, 'Open link')
  expect(opened).toEqual(['https://example.com/a?b=1'])
  click(items, 'Copy link address')
  expect(clipboard.writeText).toHaveBeenCalledWith('https://example.com/a?b=1')
})

test('a link that is not http(s) can be copied, never opened', () => {
  window.webContents.rightClick({ linkURL: 'javascript:alert(1)' })
  expect(shown().text).toEqual(['Copy link address'])
  window.webContents.rightClick({ linkURL: 'file:///etc/passwd', selectionText: 'passwd', editFlags: { ...emptyContextMenuParams().editFlags, canCopy: true } })
  expect(shown().text).toEqual(['Copy link address', '---', 'copy:Copy'])
  expect(opened).toEqual([])
})

test('selected text in a message: copy', () => {
  window.webContents.rightClick({ selectionText: 'some words', editFlags: { ...emptyContextMenuParams().editFlags, canCopy: true } })
  expect(shown().text).toEqual(['copy:Copy'])
})

test('nothing to offer (a right-click on empty space): no menu', () => {
  window.webContents.rightClick({ selectionText: '   ' })
  expect(Menu.popups).toEqual([])
})

test('the words follow the language setting (system: the OS locale)', () => {
  language = 'zh-CN'
  window.webContents.rightClick({ isEditable: true, misspelledWord: 'helo', dictionarySuggestions: ['hello'], editFlags: editable })
  expect(shown().text).toEqual(['hello', '---', '添加到词典', '---', 'cut:剪切', 'copy:复制', 'paste:粘贴', '---', 'selectAll:全选'])
  expect(contextMenuStrings('system', 'zh-Hans-CN').copy).toBe('复制')
  expect(contextMenuStrings('system', 'de-DE').copy).toBe('Copy')
})

test('disposed: right-clicks show nothing', () => {
  dispose()
  window.webContents.rightClick({ selectionText: 'words' })
  expect(Menu.popups).toEqual([])
  expect(window.webContents.listenerCount('context-menu')).toBe(0)
})
