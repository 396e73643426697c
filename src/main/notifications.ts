/**
 * OS notifications, one per conversation (docs/design.md §7): a new one replaces
 * the previous instead of stacking, a click opens that conversation, and
 * marking it read closes it. The core decides when to notify; this only
 * shows. Shown notifications are kept in a map, which also keeps them from
 * being garbage-collected (and losing their click handler) while on screen.
 *
 * On Windows `close` also fires when a toast times out into the Action
 * Center, where it can still be clicked, and `close()` is what removes it
 * from there: a notification is forgotten on `close` only when the user
 * dismissed it; on Windows after a timeout (or with no reason given) it is
 * kept until clicked, replaced or read. `failed` (an unsigned macOS app,
 * Windows refusing the toast) is logged and the notification forgotten.
 */
import { Notification, type BrowserWindow, type NotificationCloseEventParams } from 'electron'
import type { NotificationRequest, ShellSignals } from './core/shell-port'
import { shellLog } from './log'
import { revealWindow } from './main-window'

const log = shellLog('notifications')

export interface ConversationNotificationsOptions {
  /** The window a click brings to the front (null before it exists). */
  window(): BrowserWindow | null
  /** Told which conversation to open after a click. */
  signals: Pick<ShellSignals, 'notificationClicked'>
  iconPath?: string
}

/** Whether a closed notification is gone for good, or still in the Windows Action Center. */
function stillInActionCenter(details: Partial<NotificationCloseEventParams> | undefined): boolean {
  return process.platform === 'win32' && details?.reason !== 'userCanceled' && details?.reason !== 'applicationHidden'
}

export class ConversationNotifications {
  private readonly shown = new Map<string, Notification>()

  constructor(private readonly options: ConversationNotificationsOptions) {}

  show(request: NotificationRequest): void {
    if (!Notification.isSupported()) return
    this.close(request.conversationId)
    const notification = new Notification({
      title: request.title,
      body: request.body,
      ...(this.options.iconPath && process.platform !== 'darwin' ? { icon: this.options.iconPath } : {}),
    })
    const forget = (): void => {
      if (this.shown.get(request.conversationId) === notification) this.shown.delete(request.conversationId)
    }
    notification.on('click', () => {
      forget()
      const window = this.options.window()
      if (window !== null) revealWindow(window)
      this.options.signals.notificationClicked(request.conversationId)
    })
    notification.on('close', (details) => {
      if (!stillInActionCenter(details)) forget()
    })
    notification.on('failed', (_event, error) => {
      log.warn({ error }, 'the OS did not show a notification')
      forget()
    })
    this.shown.set(request.conversationId, notification)
    notification.show()
  }

  close(conversationId: string): void {
    const notification = this.shown.get(conversationId)
    if (notification === undefined) return
    this.shown.delete(conversationId)
    notification.close()
  }

  /** Conversations with a notification on screen (or, on Windows, in the Action Center). */
  get openConversationIds(): string[] {
    return [...this.shown.keys()]
  }

  dispose(): void {
    for (const conversationId of this.openConversationIds) this.close(conversationId)
  }
}
