/**
 * The shell's side of attachments (docs/design.md §7.7): the native open and
 * save dialogs, opening a file with the OS's app for it — asking first when
 * the file would run or install something — and showing it in the file
 * manager. The paths chosen here go to the core, never to the renderer.
 */
import { basename } from 'node:path'
import { app, dialog, shell, type BrowserWindow } from 'electron'
import type { ShellServices } from './core/shell-port'
import { shellLog } from './log'

const log = shellLog('files')

type FileServices = Pick<ShellServices, 'pickFiles' | 'chooseSavePath' | 'openPath' | 'showInFolder'>

/** The few words the shell itself shows, in the app's languages (the renderer has the rest). */
const STRINGS = {
  en: {
    attach: 'Attach files',
    save: 'Save file',
    open: 'Open',
    cancel: 'Cancel',
    runTitle: 'Open a program?',
    runMessage: (name: string) => `“${name}” can run programs on this computer.`,
    runDetail: 'Open it only if you trust the person who sent it and expected this file.',
  },
  'zh-CN': {
    attach: '添加文件',
    save: '保存文件',
    open: '打开',
    cancel: '取消',
    runTitle: '要打开程序吗？',
    runMessage: (name: string) => `“${name}”可以在这台电脑上运行程序。`,
    runDetail: '只有在信任发送者并且确实在等这个文件时才打开它。',
  },
} as const

export interface FileServicesOptions {
  window: () => BrowserWindow | null
  /** 'en', 'zh-CN' or 'system' (the user's language setting). */
  language: () => string
}

export function createFileServices(options: FileServicesOptions): FileServices {
  const strings = (): (typeof STRINGS)[keyof typeof STRINGS] => {
    const language = options.language()
    const locale = language === 'system' ? app.getSystemLocale() : language
    return locale.toLowerCase().startsWith('zh') ? STRINGS['zh-CN'] : STRINGS.en
  }
  const parent = (): BrowserWindow | undefined => {
    const window = options.window()
    return window !== null && !window.isDestroyed() ? window : undefined
  }
  return {
    async pickFiles() {
      const dialogOptions = { title: strings().attach, properties: ['openFile' as const, 'multiSelections' as const] }
      const window = parent()
      const result = window ? await dialog.showOpenDialog(window, dialogOptions) : await dialog.showOpenDialog(dialogOptions)
      return result.canceled ? [] : result.filePaths
    },
    async chooseSavePath(suggestedName) {
      const dialogOptions = { title: strings().save, defaultPath: `${app.getPath('downloads')}/${basename(suggestedName)}` }
      const window = parent()
      const result = window ? await dialog.showSaveDialog(window, dialogOptions) : await dialog.showSaveDialog(dialogOptions)
      return result.canceled || result.filePath === undefined || result.filePath === '' ? null : result.filePath
    },
    async openPath(path, { executable }) {
      if (executable) {
        const text = strings()
        const boxOptions = {
          type: 'warning' as const,
          title: text.runTitle,
          message: text.runMessage(basename(path)),
          detail: text.runDetail,
          buttons: [text.cancel, text.open],
          defaultId: 0,
          cancelId: 0,
          noLink: true,
        }
        const window = parent()
        const answer = window ? await dialog.showMessageBox(window, boxOptions) : await dialog.showMessageBox(boxOptions)
        if (answer.response !== 1) return false
      }
      const problem = await shell.openPath(path)
      if (problem !== '') {
        log.warn({ problem }, 'the OS could not open a file')
        throw new Error(problem)
      }
      return true
    },
    showInFolder(path) {
      shell.showItemInFolder(path)
    },
  }
}
