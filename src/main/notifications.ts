/**
 * OS notifications, one per conversation (docs/design.md §7): a new one replaces
 * the previous instead of stacking, a click opens that conversation, and
 * marking it read closes it. The core decides when to notify; this only
 * shows. Shown notifications are kept in a map, which also keeps them from
 * being garbage-collected (and losing their click handler) while on screen.
 */
import { Notification, type BrowserWindow } from 'electron'
import type { NotificationRequest, ShellSignals } from './core/shell-port'
import { revealWindow } from './main-window'

export interface ConversationNotificationsOptions {
  /** The window a click brings to the front (null before it exists). */
  window(): BrowserWindow | null
  /** Told which conversation to open after a click. */
  signals: Pick<ShellSignals, 'notificationClicked'>
  iconPath?: string
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
    notification.on('close', forget)
    this.shown.set(request.conversationId, notification)
    notification.show()
  }

  close(conversationId: string): void {
    const notification = this.shown.get(conversationId)
    if (notification === undefined) return
    this.shown.delete(conversationId)
    notification.close()
  }

  /** Conversations with a notification on screen. */
  get openConversationIds(): string[] {
    return [...this.shown.keys()]
  }

  dispose(): void {
    for (const conversationId of this.openConversationIds) this.close(conversationId)
  }
}
