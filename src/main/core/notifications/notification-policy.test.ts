import { describe, expect, test } from 'vitest'
import { chatMessage } from '../../../../test/support/chat-message'
import { MUTE_FOREVER } from '../../../shared/api'
import { defaultSettings } from '../../../shared/settings'
import { localMinuteOfDay, notificationFor, type NotifyContext } from './notification-policy'

const message = chatMessage

const settings = (overrides: Partial<NotifyContext['settings']> = {}): NotifyContext['settings'] => ({
  notifications: true,
  showMessagePreview: true,
  quietHours: defaultSettings.quietHours,
  ...overrides,
})

const context = (overrides: Partial<NotifyContext> = {}): NotifyContext => ({
  me: 'alice',
  windowFocused: false,
  activeConversationId: null,
  appStartedAt: 1_000,
  now: 5_000,
  minuteOfDay: 12 * 60,
  settings: settings(),
  conversation: { id: 'conv1', kind: 'direct', title: null, mutedUntil: null },
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
    const muted = { conversation: { id: 'conv1', kind: 'direct' as const, title: null, mutedUntil: MUTE_FOREVER } }
    expect(notificationFor(message({ mentions: ['alice'] }), context(muted))).toEqual({ conversationId: 'conv1', title: 'Bob', body: 'hello there' })
    expect(notificationFor(message({ mentions: ['carol'] }), context(muted))).toBeNull()
    // Mentions still follow the other rules: not while looking at it, not with notifications off.
    expect(notificationFor(message({ mentions: ['alice'] }), context({ ...muted, windowFocused: true, activeConversationId: 'conv1' }))).toBeNull()
    expect(
      notificationFor(message({ mentions: ['alice'] }), context({ ...muted, settings: settings({ notifications: false }) })),
    ).toBeNull()
  })

  test('a message that arrives already deleted (a tombstone fetched by sync) never notifies', () => {
    expect(notificationFor(message({ body: '', deletedAt: 2_500 }), context())).toBeNull()
  })

  test('muted conversations never notify while the mute lasts; an expired mute is no mute', () => {
    const mutedUntil = (at: number | null) => ({ conversation: { id: 'conv1', kind: 'direct' as const, title: null, mutedUntil: at } })
    expect(notificationFor(message(), context(mutedUntil(MUTE_FOREVER)))).toBeNull()
    expect(notificationFor(message(), context({ ...mutedUntil(5_001), now: 5_000 }))).toBeNull()
    expect(notificationFor(message(), context({ ...mutedUntil(5_000), now: 5_000 }))).not.toBeNull()
    expect(notificationFor(message(), context({ ...mutedUntil(4_000), now: 5_000 }))).not.toBeNull()
  })

  test('system messages (changes to a group) never notify, not even when they name me', () => {
    const system = { type: 'member_added' as const, actorId: 'bob', userIds: ['alice'] }
    expect(notificationFor(message({ kind: 'system', body: '', system }), context())).toBeNull()
    expect(notificationFor(message({ kind: 'system', body: '', system, mentions: ['alice'] }), context())).toBeNull()
  })

  test('a conversation I left never notifies', () => {
    expect(notificationFor(message(), context({ conversation: { id: 'conv1', kind: 'group', title: 'G', mutedUntil: null, leftAt: 4_000 } }))).toBeNull()
  })

  describe('quiet hours', () => {
    const quiet = (start: number, end: number, enabled = true) => settings({ quietHours: { enabled, start, end } })
    const at = (hours: number, minutes = 0) => hours * 60 + minutes

    test('within the same day: from start (inclusive) to end (exclusive)', () => {
      const day = quiet(at(13), at(14, 30))
      expect(notificationFor(message(), context({ settings: day, minuteOfDay: at(12, 59) }))).not.toBeNull()
      expect(notificationFor(message(), context({ settings: day, minuteOfDay: at(13) }))).toBeNull()
      expect(notificationFor(message(), context({ settings: day, minuteOfDay: at(14, 29) }))).toBeNull()
      expect(notificationFor(message(), context({ settings: day, minuteOfDay: at(14, 30) }))).not.toBeNull()
    })

    test('across midnight (start after end): late evening and early morning are quiet, the day is not', () => {
      const night = quiet(at(22), at(7))
      for (const minute of [at(22), at(23, 59), 0, at(3), at(6, 59)]) {
        expect(notificationFor(message(), context({ settings: night, minuteOfDay: minute })), `minute ${minute}`).toBeNull()
      }
      for (const minute of [at(7), at(12), at(21, 59)]) {
        expect(notificationFor(message(), context({ settings: night, minuteOfDay: minute })), `minute ${minute}`).not.toBeNull()
      }
    })

    test('off, or an empty span: never quiet', () => {
      expect(notificationFor(message(), context({ settings: quiet(at(22), at(7), false), minuteOfDay: at(23) }))).not.toBeNull()
      expect(notificationFor(message(), context({ settings: quiet(at(9), at(9)), minuteOfDay: at(9) }))).not.toBeNull()
    })

    test('a mention of me breaks through quiet hours, and through quiet hours in a muted conversation', () => {
      const night = { settings: quiet(at(22), at(7)), minuteOfDay: at(2) }
      expect(notificationFor(message({ mentions: ['alice'] }), context(night))).toEqual({ conversationId: 'conv1', title: 'Bob', body: 'hello there' })
      expect(notificationFor(message({ mentions: ['carol'] }), context(night))).toBeNull()
      const mutedAtNight = { ...night, conversation: { id: 'conv1', kind: 'direct' as const, title: null, mutedUntil: MUTE_FOREVER } }
      expect(notificationFor(message({ mentions: ['alice'] }), context(mutedAtNight))).not.toBeNull()
    })

    test('the minute of the day is local time', () => {
      const local = new Date(2026, 0, 15, 23, 45).getTime()
      expect(localMinuteOfDay(local)).toBe(at(23, 45))
      expect(localMinuteOfDay(new Date(2026, 0, 16, 0, 5).getTime())).toBe(5)
    })
  })

  test('history older than the app start does not notify', () => {
    expect(notificationFor(message({ createdAt: 999 }), context())).toBeNull()
    expect(notificationFor(message({ createdAt: 1_000 }), context())).not.toBeNull()
  })

  test('notifications off: silent', () => {
    expect(notificationFor(message(), context({ settings: settings({ notifications: false }) }))).toBeNull()
  })

  test('preview off: the text is hidden', () => {
    expect(notificationFor(message(), context({ settings: settings({ showMessagePreview: false }) }))?.body).toBe(
      'New message',
    )
  })

  test('groups: the title names sender and group', () => {
    const group = { id: 'conv1', kind: 'group' as const, title: 'Weekend plans', mutedUntil: null }
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
    const hidden = context({ settings: settings({ showMessagePreview: false }) })
    expect(notificationFor(message({ body: '', attachments: [pdf] }), hidden)?.body).toBe('New message')
  })
})
