import { expect, test } from 'vitest'
import { messageSchema, sendMessageRequestSchema } from './api'

const send = (body: unknown) => sendMessageRequestSchema.safeParse(body)

test('a message needs text or files: an empty caption is fine with attachments only', () => {
  expect(send({ clientId: 'c1', body: '  ', attachmentIds: ['a1'] })).toMatchObject({ success: true, data: { body: '' } })
  expect(send({ clientId: 'c1', body: 'look', attachmentIds: ['a1', 'a2'] }).success).toBe(true)
  expect(send({ clientId: 'c1', body: 'just text' }).success).toBe(true)
  for (const bad of [
    { clientId: 'c1', body: '   ' },
    { clientId: 'c1', body: '', attachmentIds: [] },
    { clientId: 'c1', body: 'x', attachmentIds: ['a1', 'a1'] },
    { clientId: 'c1', body: 'x', attachmentIds: Array.from({ length: 11 }, (_, i) => `a${i}`) },
    { clientId: 'c1', body: 'x', attachmentIds: ['../a'] },
    { clientId: 'c1', body: 'x', attachmentIds: 'a1' },
    { clientId: 'c1', body: 'a\u0000', attachmentIds: ['a1'] },
  ]) {
    expect(send(bad).success, JSON.stringify(bad)).toBe(false)
  }
})

test('a message from a server without attachments reads as having none', () => {
  const message = {
    id: 'm1',
    conversationId: 'c1',
    seq: 1,
    rev: 1,
    senderId: 'u1',
    clientId: 'k1',
    body: 'hi',
    createdAt: 1,
    editedAt: null,
    deletedAt: null,
    replyTo: null,
    reactions: [],
    mentions: [],
  }
  expect(messageSchema.parse(message).attachments).toEqual([])
  const withFile = { ...message, attachments: [{ id: 'a1', name: '图.png', size: 10, mime: 'image/png', width: 4, height: 3, hasThumbnail: true }] }
  expect(messageSchema.parse(withFile).attachments[0]?.name).toBe('图.png')
})
