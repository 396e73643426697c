/**
 * The window's native context menu, built from what Chromium reports of the
 * right-click (`webContents` 'context-menu'):
 *
 * - in a text field: the spell-checker's suggestions for a misspelled word
 *   (replaceMisspelling), "Add to dictionary", then cut / copy / paste /
 *   select all as the field allows (editFlags);
 * - on a link: "Open link" — only http(s), through the one way links leave
 *   the app (external-links.ts) — and "Copy link address";
 * - on selected text: copy.
 *
 * A message's own menu (copy, copy link, reply…) is the renderer's: it
 * prevents the browser's menu, so this one never shows over it.
 */
import { clipboard, Menu, type BrowserWindow, type ContextMenuParams, type MenuItemConstructorOptions, type WebContents } from 'electron'
import { isHttpUrl } from './external-links'
import { shellStrings } from './shell-locale'

/** The shell's own words for the menu, in the app's languages. */
const STRINGS = {
  en: {
    noSuggestions: 'No suggestions',
    addToDictionary: 'Add to dictionary',
    cut: 'Cut',
    copy: 'Copy',
    paste: 'Paste',
    selectAll: 'Select all',
    openLink: 'Open link',
    copyLink: 'Copy link address',
  },
  'zh-CN': {
    noSuggestions: '没有建议',
    addToDictionary: '添加到词典',
    cut: '剪切',
    copy: '复制',
    paste: '粘贴',
    selectAll: '全选',
    openLink: '打开链接',
    copyLink: '复制链接地址',
  },
} as const

export type ContextMenuStrings = (typeof STRINGS)[keyof typeof STRINGS]

/** 'en', 'zh-CN' or 'system' (the language setting), with the OS locale for 'system'. */
export function contextMenuStrings(language: string, systemLocale: string): ContextMenuStrings {
  return shellStrings<ContextMenuStrings>(STRINGS, language, systemLocale)
}

export type ContextMenuFacts = Pick<ContextMenuParams, 'isEditable' | 'misspelledWord' | 'dictionarySuggestions' | 'linkURL' | 'selectionText' | 'editFlags'>

export interface ContextMenuActions {
  replaceMisspelling(suggestion: string): void
  addToDictionary(word: string): void
  openLink(url: string): void
  copyText(text: string): void
}

/** At most this many suggestions, as Chromium's own menu shows. */
const MAX_SUGGESTIONS = 5

/** The menu for one right-click; empty: nothing to offer (no menu at all). */
export function contextMenuTemplate(facts: ContextMenuFacts, actions: ContextMenuActions, text: ContextMenuStrings): MenuItemConstructorOptions[] {
  const sections: MenuItemConstructorOptions[][] = []
  const flags = facts.editFlags
  if (facts.isEditable) {
    const word = facts.misspelledWord.trim()
    if (word !== '') {
      const suggestions = facts.dictionarySuggestions.slice(0, MAX_SUGGESTIONS)
      sections.push(
        suggestions.length === 0
          ? [{ label: text.noSuggestions, enabled: false }]
          : suggestions.map((suggestion) => ({ label: suggestion, click: () => actions.replaceMisspelling(suggestion) })),
      )
      sections.push([{ label: text.addToDictionary, click: () => actions.addToDictionary(word) }])
    }
    sections.push([
      { role: 'cut', label: text.cut, enabled: flags.canCut },
      { role: 'copy', label: text.copy, enabled: flags.canCopy },
      { role: 'paste', label: text.paste, enabled: flags.canPaste },
    ])
    sections.push([{ role: 'selectAll', label: text.selectAll, enabled: flags.canSelectAll }])
    return joinSections(sections)
  }
  const link = facts.linkURL
  if (link !== '') {
    sections.push([
      ...(isHttpUrl(link) ? [{ label: text.openLink, click: () => actions.openLink(link) }] : []),
      { label: text.copyLink, click: () => actions.copyText(link) },
    ])
  }
  if (facts.selectionText.trim() !== '') sections.push([{ role: 'copy', label: text.copy, enabled: flags.canCopy }])
  return joinSections(sections)
}

function joinSections(sections: MenuItemConstructorOptions[][]): MenuItemConstructorOptions[] {
  return sections.filter((section) => section.length > 0).flatMap((section, index) => (index === 0 ? section : [{ type: 'separator' as const }, ...section]))
}

export interface ContextMenuOptions {
  window: BrowserWindow
  /** Opens an http(s) URL in the browser (the core's openExternal path). */
  openExternal(url: string): void
  strings(): ContextMenuStrings
}

/** Shows the menu on every right-click in the window's page; returns the unsubscriber. */
export function installContextMenu(options: ContextMenuOptions): () => void {
  const contents: WebContents = options.window.webContents
  const onContextMenu = (_event: unknown, params: ContextMenuParams) => {
    const template = contextMenuTemplate(
      params,
      {
        replaceMisspelling: (suggestion) => contents.replaceMisspelling(suggestion),
        addToDictionary: (word) => contents.session.addWordToSpellCheckerDictionary(word),
        openLink: (url) => options.openExternal(url),
        copyText: (text) => clipboard.writeText(text),
      },
      options.strings(),
    )
    if (template.length === 0) return
    Menu.buildFromTemplate(template).popup({ window: options.window, x: params.x, y: params.y })
  }
  contents.on('context-menu', onContextMenu)
  return () => {
    if (!contents.isDestroyed()) contents.off('context-menu', onContextMenu)
  }
}
