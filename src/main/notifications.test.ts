import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { BrowserWindow, Notification, resetFakeElectron } from '../../test/shell/fake-electron'
import { ConversationNotifications } from './notifications'

vi.mock('electron', () => import('../../test/shell/fake-electron'))

let window: BrowserWindow
let clicked: string[]
let notifications: ConversationNotifications

beforeEach(() => {
  resetFakeElectron()
  window = new BrowserWindow({})
  clicked = []
  notifications = new ConversationNotifications({
    window: () => window as unknown as Electron.BrowserWindow,
    signals: { notificationClicked: (conversationId) => clicked.push(conversationId) },
  })
})

function shown(): Notification[] {
  return Notification.instances.filter((notification) => notification.shown && !notification.closed)
}

test('one notification per conversation: a new one replaces the previous', () => {
  notifications.show({ conversationId: 'c1', title: 'Bob', body: 'hi' })
  notifications.show({ conversationId: 'c2', title: 'Carol', body: 'hey' })
  notifications.show({ conversationId: 'c1', title: 'Bob', body: 'are you there?' })

  const [first, second, third] = Notification.instances
  expect(first?.closed).toBe(true)
  expect(second?.closed).toBe(false)
  expect(third?.options).toMatchObject({ title: 'Bob', body: 'are you there?' })
  expect(shown()).toEqual([second, third])
  expect(notifications.openConversationIds.sort()).toEqual(['c1', 'c2'])
})

test('a click brings the window back (restored, shown, focused) and opens the conversation', () => {
  window.minimized = true
  notifications.show({ conversationId: 'c1', title: 'Bob', body: 'hi' })
  Notification.instances[0]?.emit('click')

  expect(window.restore).toHaveBeenCalledOnce()
  expect(window.show).toHaveBeenCalled()
  expect(window.focus).toHaveBeenCalledOnce()
  expect(clicked).toEqual(['c1'])
  expect(notifications.openConversationIds).toEqual([])
})

test('a click on a replaced notification still opens its conversation but does not forget the newer one', () => {
  notifications.show({ conversationId: 'c1', title: 'Bob', body: 'one' })
  notifications.show({ conversationId: 'c1', title: 'Bob', body: 'two' })
  Notification.instances[0]?.emit('click')
  expect(clicked).toEqual(['c1'])
  expect(notifications.openConversationIds).toEqual(['c1'])
})

test('closeNotification closes only that conversation; unknown ids are ignored', () => {
  notifications.show({ conversationId: 'c1', title: 'Bob', body: 'hi' })
  notifications.show({ conversationId: 'c2', title: 'Carol', body: 'hey' })
  notifications.close('c1')
  notifications.close('nope')
  expect(Notification.instances.map((notification) => notification.closed)).toEqual([true, false])
  expect(notifications.openConversationIds).toEqual(['c2'])
})

test('a notification the user dismissed is forgotten; dispose closes the rest', () => {
  notifications.show({ conversationId: 'c1', title: 'Bob', body: 'hi' })
  notifications.show({ conversationId: 'c2', title: 'Carol', body: 'hey' })
  Notification.instances[0]?.emit('close')
  expect(notifications.openConversationIds).toEqual(['c2'])
  notifications.dispose()
  expect(Notification.instances[1]?.closed).toBe(true)
  expect(notifications.openConversationIds).toEqual([])
})

test('where the OS has no notifications nothing is shown', () => {
  Notification.isSupported.mockImplementation(() => false)
  notifications.show({ conversationId: 'c1', title: 'Bob', body: 'hi' })
  expect(Notification.instances).toEqual([])
})

describe('on Windows, where a toast that times out stays in the Action Center', () => {
  const platform = Object.getOwnPropertyDescriptor(process, 'platform')
  beforeEach(() => Object.defineProperty(process, 'platform', { value: 'win32' }))
  afterEach(() => {
    if (platform) Object.defineProperty(process, 'platform', platform)
  })

  test('a timed-out toast is kept: a later click still opens its conversation, reading it removes it', () => {
    notifications.show({ conversationId: 'c1', title: 'Bob', body: 'hi' })
    const [toast] = Notification.instances
    toast?.emit('close', { reason: 'timedOut' })
    expect(notifications.openConversationIds).toEqual(['c1'])
    toast?.emit('click')
    expect(clicked).toEqual(['c1'])

    notifications.show({ conversationId: 'c2', title: 'Carol', body: 'hey' })
    Notification.instances[1]?.emit('close', {})
    notifications.close('c2')
    expect(Notification.instances[1]?.closed).toBe(true)
  })

  test('a newer message replaces the one in the Action Center', () => {
    notifications.show({ conversationId: 'c1', title: 'Bob', body: 'one' })
    Notification.instances[0]?.emit('close', { reason: 'timedOut' })
    notifications.show({ conversationId: 'c1', title: 'Bob', body: 'two' })
    expect(Notification.instances[0]?.closed).toBe(true)
    expect(notifications.openConversationIds).toEqual(['c1'])
  })

  test('one the user dismissed is forgotten', () => {
    notifications.show({ conversationId: 'c1', title: 'Bob', body: 'hi' })
    Notification.instances[0]?.emit('close', { reason: 'userCanceled' })
    expect(notifications.openConversationIds).toEqual([])
  })
})

test('a notification the OS failed to show is forgotten', () => {
  notifications.show({ conversationId: 'c1', title: 'Bob', body: 'hi' })
  Notification.instances[0]?.emit('failed', {}, 'the app is not signed')
  expect(notifications.openConversationIds).toEqual([])
})
