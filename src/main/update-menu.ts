/**
 * The application menu's "Check for Updates…" (docs/design.md §7.9): shows
 * the window, asks the core to check whatever the autoUpdate setting says,
 * and answers in a message box once the check has an outcome — up to date,
 * downloading, ready (with "Restart to update", the user's word), or why it
 * cannot. Automatic checks never open a box; the window's banner and
 * Settings show their outcome.
 */
import { app, dialog, type BrowserWindow, type MessageBoxOptions } from 'electron'
import type { UpdateStatus } from '../shared/ipc'
import type { ParleyCore } from './core/core-api'
import type { ShellLog } from './log'

/** How long the box waits for a check to end before giving up on answering (the status still arrives in the window). */
const CHECK_ANSWER_TIMEOUT_MS = 2 * 60 * 1000

const STRINGS = {
  en: {
    upToDate: 'Parley is up to date',
    upToDateDetail: (version: string) => `Version ${version} is the newest.`,
    downloading: (version: string) => `Parley ${version} is downloading`,
    downloadingDetail: 'Parley will offer to restart when it is ready.',
    ready: (version: string) => `Parley ${version} is ready`,
    readyDetail: 'Restart Parley to update now, or later: it is also installed when you quit Parley.',
    restart: 'Restart to update',
    later: 'Later',
    cannot: 'Cannot check for updates',
    ok: 'OK',
  },
  'zh-CN': {
    upToDate: 'Parley 已是最新版本',
    upToDateDetail: (version: string) => `${version} 是最新版本。`,
    downloading: (version: string) => `正在下载 Parley ${version}`,
    downloadingDetail: '下载完成后 Parley 会提示你重启。',
    ready: (version: string) => `Parley ${version} 已准备好`,
    readyDetail: '现在重启 Parley 即可更新；也可以稍后，退出 Parley 时也会安装。',
    restart: '重启以更新',
    later: '稍后',
    cannot: '无法检查更新',
    ok: '好',
  },
} as const

export interface UpdateMenuOptions {
  core: () => ParleyCore | null
  window: () => BrowserWindow | null
  reveal(): void
  /** 'en', 'zh-CN' or 'system' (the user's language setting). */
  language: () => string
  log: ShellLog
}

/** The menu item's click: check, then answer. */
export async function checkForUpdatesFromMenu(options: UpdateMenuOptions): Promise<void> {
  const core = options.core()
  options.reveal()
  if (core === null) return
  try {
    const started = await core.checkForUpdates(undefined)
    const outcome = started.state === 'checking' ? await outcomeOf(core) : started
    if (outcome !== null) await answer(core, outcome, options)
  } catch (err) {
    options.log.warn({ err: String(err) }, 'check for updates from the menu failed')
  }
}

/** The first status after `checking`, or null when none comes in time. */
function outcomeOf(core: ParleyCore): Promise<UpdateStatus | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      off()
      resolve(null)
    }, CHECK_ANSWER_TIMEOUT_MS)
    const off = core.on('update', (status) => {
      if (status.state === 'checking') return
      clearTimeout(timer)
      off()
      resolve(status)
    })
  })
}

async function answer(core: ParleyCore, status: UpdateStatus, options: UpdateMenuOptions): Promise<void> {
  const text = strings(options.language())
  const version = status.version ?? ''
  let box: MessageBoxOptions
  switch (status.state) {
    case 'up-to-date':
      box = { type: 'info', message: text.upToDate, detail: text.upToDateDetail(status.currentVersion), buttons: [text.ok] }
      break
    case 'downloading':
      box = { type: 'info', message: text.downloading(version), detail: text.downloadingDetail, buttons: [text.ok] }
      break
    case 'ready':
      box = { type: 'info', message: text.ready(version), detail: text.readyDetail, buttons: [text.restart, text.later], defaultId: 0, cancelId: 1 }
      break
    case 'error':
    case 'unsupported':
      box = { type: 'warning', message: text.cannot, detail: status.error ?? '', buttons: [text.ok] }
      break
    default:
      return
  }
  const window = options.window()
  const boxOptions = { ...box, title: 'Parley', noLink: true }
  const { response } = window !== null && !window.isDestroyed() ? await dialog.showMessageBox(window, boxOptions) : await dialog.showMessageBox(boxOptions)
  if (status.state === 'ready' && response === 0) await core.installUpdate(undefined)
}

function strings(language: string): (typeof STRINGS)[keyof typeof STRINGS] {
  const locale = language === 'system' ? app.getSystemLocale() : language
  return locale.toLowerCase().startsWith('zh') ? STRINGS['zh-CN'] : STRINGS.en
}
