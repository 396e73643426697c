import { describe, expect, test } from 'vitest'
import type { ChatMessage } from '../../../shared/ipc'
import { notificationFor, type NotifyContext } from './notification-policy'

const message = (overrides: Partial<ChatMessage> = {}): ChatMessage => ({
  key: 'bob:c1',
  id: 'm1',
  clientId: 'c1',
  conversationId: 'conv1',
  seq: 5,
  senderId: 'bob',
  body: 'hello there',
  createdAt: 2_000,
  state: 'sent',
  error: null,
  rev: 5,
  editedAt: null,
  deletedAt: null,
  replyTo: null,
  reactions: [],
  mentions: [],
  attachments: [],
  ...overrides,
})

const context = (overrides: Partial<NotifyContext> = {}): NotifyContext => ({
  me: 'alice',
  windowFocused: false,
  activeConversationId: null,
  appStartedAt: 1_000,
  settings: { notifications: true, showMessagePreview: true },
  conversation: { id: 'conv1', kind: 'direct', title: null, muted: false },
  senderName: 'Bob',
  ...overrides,
})

describe('notificationFor', () => {
  test('a new message from someone else while the window is unfocused notifies with sender and text', () => {
    expect(notificationFor(message(), context())).toEqual({ conversationId: 'conv1', title: 'Bob', body: 'hello there' })
  })

  test('focused window with another conversation open: notifies', () => {
    expect(notificationFor(message(), context({ windowFocused: true, activeConversationId: 'other' }))).not.toBeNull()
  })

  test('focused window with this conversation open: silent', () => {
    expect(notificationFor(message(), context({ windowFocused: true, activeConversationId: 'conv1' }))).toBeNull()
  })

  test('unfocused window with this conversation open: notifies (nobody is looking)', () => {
    expect(notificationFor(message(), context({ windowFocused: false, activeConversationId: 'conv1' }))).not.toBeNull()
  })

  test('own messages never notify', () => {
    expect(notificationFor(message({ senderId: 'alice' }), context())).toBeNull()
  })

  test('a mention of me notifies even in a muted conversation; a mention of someone else does not', () => {
    const muted = { conversation: { id: 'conv1', kind: 'direct' as const, title: null, muted: true } }
    expect(notificationFor(message({ mentions: ['alice'] }), context(muted))).toEqual({ conversationId: 'conv1', title: 'Bob', body: 'hello there' })
    expect(notificationFor(message({ mentions: ['carol'] }), context(muted))).toBeNull()
    // Mentions still follow the other rules: not while looking at it, not with notifications off.
    expect(notificationFor(message({ mentions: ['alice'] }), context({ ...muted, windowFocused: true, activeConversationId: 'conv1' }))).toBeNull()
    expect(
      notificationFor(message({ mentions: ['alice'] }), context({ ...muted, settings: { notifications: false, showMessagePreview: true } })),
    ).toBeNull()
  })

  test('a message that arrives already deleted (a tombstone fetched by sync) never notifies', () => {
    expect(notificationFor(message({ body: '', deletedAt: 2_500 }), context())).toBeNull()
  })

  test('muted conversations never notify', () => {
    expect(
      notificationFor(message(), context({ conversation: { id: 'conv1', kind: 'direct', title: null, muted: true } })),
    ).toBeNull()
  })

  test('history older than the app start does not notify', () => {
    expect(notificationFor(message({ createdAt: 999 }), context())).toBeNull()
    expect(notificationFor(message({ createdAt: 1_000 }), context())).not.toBeNull()
  })

  test('notifications off: silent', () => {
    expect(notificationFor(message(), context({ settings: { notifications: false, showMessagePreview: true } }))).toBeNull()
  })

  test('preview off: the text is hidden', () => {
    expect(notificationFor(message(), context({ settings: { notifications: true, showMessagePreview: false } }))?.body).toBe(
      'New message',
    )
  })

  test('groups: the title names sender and group', () => {
    const group = { id: 'conv1', kind: 'group' as const, title: 'Weekend plans', muted: false }
    expect(notificationFor(message(), context({ conversation: group }))?.title).toBe('Bob · Weekend plans')
  })

  test('unknown conversations do not notify', () => {
    expect(notificationFor(message(), context({ conversation: null }))).toBeNull()
  })

  test('long bodies are cut at 200 characters without splitting emoji', () => {
    const body = '😀'.repeat(300)
    const shown = notificationFor(message({ body }), context())?.body ?? ''
    expect([...shown]).toHaveLength(200)
    expect(shown.endsWith('…')).toBe(true)
    expect(shown.includes('\uFFFD')).toBe(false)
  })

  test('files without a caption say what they are; a caption wins; hidden previews hide both', () => {
    const attachment = (name: string, mime: string) => ({
      key: name,
      id: name,
      name,
      size: 10,
      mime,
      width: null,
      height: null,
      previewUrl: null,
      downloaded: false,
      fileUrl: null,
    })
    const photo = attachment('IMG_2.jpg', 'image/jpeg')
    const pdf = attachment('报告.pdf', 'application/pdf')
    expect(notificationFor(message({ body: '', attachments: [pdf] }), context())?.body).toBe('📎 报告.pdf')
    expect(notificationFor(message({ body: '', attachments: [photo] }), context())?.body).toBe('🖼 Photo')
    expect(notificationFor(message({ body: '', attachments: [photo, photo, photo] }), context())?.body).toBe('🖼 3 photos')
    expect(notificationFor(message({ body: '', attachments: [photo, pdf, pdf] }), context())?.body).toBe('📎 3 files')
    expect(notificationFor(message({ body: 'the plan', attachments: [pdf] }), context())?.body).toBe('the plan')
    const hidden = context({ settings: { notifications: true, showMessagePreview: false } })
    expect(notificationFor(message({ body: '', attachments: [pdf] }), hidden)?.body).toBe('New message')
  })
})
