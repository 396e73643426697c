import { describe, expect, test } from 'vitest'
import { serverMessage, tempCache } from '../../../../../test/support/cache/temp-cache'
import type { Attachment } from '../../../../shared/api'
import type { AttachmentNews } from '../types'

const photo = (id: string, overrides: Partial<Attachment> = {}): Attachment => ({
  id,
  name: `${id}.jpg`,
  size: 1_000,
  mime: 'image/jpeg',
  width: 400,
  height: 300,
  hasThumbnail: true,
  ...overrides,
})
const pdf = (id: string): Attachment => ({ id, name: `报告 ${id}.pdf`, size: 2_000, mime: 'application/pdf', width: null, height: null, hasThumbnail: false })

describe('attachments of stored messages', () => {
  test('are stored with the message, in order, and every view carries them', () => {
    const { cache } = tempCache()
    const news: AttachmentNews[] = []
    cache.watchAttachments((n) => news.push(n))
    cache.storeMessages([serverMessage('c1', 1), serverMessage('c1', 2, { body: '', attachments: [photo('a1'), pdf('a2')] })])
    const [plain, withFiles] = cache.messages('c1', { limit: 10 })
    expect(plain?.attachments).toEqual([])
    expect(withFiles?.attachments).toEqual([
      {
        key: 'a1',
        id: 'a1',
        name: 'a1.jpg',
        size: 1_000,
        mime: 'image/jpeg',
        width: 400,
        height: 300,
        previewUrl: '/media/thumbnail/a1',
        downloaded: false,
        fileUrl: null,
      },
      { key: 'a2', id: 'a2', name: '报告 a2.pdf', size: 2_000, mime: 'application/pdf', width: null, height: null, previewUrl: null, downloaded: false, fileUrl: null },
    ])
    expect(cache.messageBySeq('c1', 2)?.attachments).toHaveLength(2)
    expect(cache.lastMessage('c1')?.attachments).toHaveLength(2)
    expect(news).toEqual([{ added: [photo('a1'), pdf('a2')], forgotten: [] }])
    expect(cache.attachment('a2')).toMatchObject({ id: 'a2', conversationId: 'c1', messageKey: 'bob:c1-c2', downloaded: false })
    expect(cache.attachment('nope')).toBeNull()
  })

  test('storing the same message again changes nothing and reports nothing', () => {
    const { cache } = tempCache()
    const message = serverMessage('c1', 1, { attachments: [photo('a1')] })
    cache.storeMessages([message])
    const news: AttachmentNews[] = []
    cache.watchAttachments((n) => news.push(n))
    cache.storeMessages([message])
    cache.storeMessages([{ ...message, rev: 2, reactions: [{ emoji: '👍', userIds: ['me'] }] }])
    expect(cache.messages('c1', { limit: 10 })[0]?.attachments.map((a) => a.id)).toEqual(['a1'])
    expect(news).toEqual([])
  })

  test('a downloaded file is marked; an inline image gets its file URL, anything else does not', () => {
    const { cache } = tempCache()
    cache.storeMessages([serverMessage('c1', 1, { attachments: [photo('a1'), pdf('a2')] })])
    cache.recordCachedFile('a1', '/x/a1', 1_000, 5)
    cache.recordCachedFile('a2', '/x/a2', 2_000, 6)
    const [image, document] = cache.messages('c1', { limit: 10 })[0]?.attachments ?? []
    expect(image).toMatchObject({ downloaded: true, fileUrl: '/media/file/a1' })
    expect(document).toMatchObject({ downloaded: true, fileUrl: null })
    expect(cache.cachedFileBytes()).toBe(3_000)
    expect(cache.cachedFiles().map((f) => f.attachmentId)).toEqual(['a1', 'a2'])
    cache.touchCachedFile('a1', 7)
    expect(cache.cachedFiles().map((f) => f.attachmentId)).toEqual(['a2', 'a1'])
  })

  test('a tombstone takes them away, with their download rows: deleted means gone', () => {
    const { cache } = tempCache()
    cache.storeMessages([serverMessage('c1', 1, { attachments: [photo('a1'), pdf('a2')] })])
    cache.recordCachedFile('a1', '/x/a1', 1_000, 5)
    const news: AttachmentNews[] = []
    cache.watchAttachments((n) => news.push(n))
    cache.storeMessages([serverMessage('c1', 1, { rev: 2, body: '', deletedAt: 9, attachments: [] })])
    expect(cache.messages('c1', { limit: 10 })[0]?.attachments).toEqual([])
    expect(news).toEqual([{ added: [], forgotten: ['a1', 'a2'] }])
    expect(cache.cachedFile('a1')).toBeNull()
    expect(cache.attachment('a1')).toBeNull()
  })
})

describe('files of my unsent messages', () => {
  const files = [
    { stagedId: 'staged-photo-1', path: '/outbox/staged-photo-1', name: 'cat.png', size: 10, mime: 'image/png', width: 2, height: 1 },
    { stagedId: 'staged-doc-2', path: '/outbox/staged-doc-2', name: 'notes.txt', size: 20, mime: 'application/octet-stream', width: null, height: null },
  ]

  test('are written with the pending message and shown from their copies', () => {
    const { cache } = tempCache()
    const pending = cache.addPending({ conversationId: 'c1', senderId: 'me', clientId: 'k1', body: '', createdAt: 5_000, attachments: files })
    expect(pending.attachments).toEqual([
      {
        key: 'staged-photo-1',
        id: null,
        name: 'cat.png',
        size: 10,
        mime: 'image/png',
        width: 2,
        height: 1,
        previewUrl: '/media/staged/staged-photo-1',
        downloaded: true,
        fileUrl: '/media/staged/staged-photo-1',
      },
      { key: 'staged-doc-2', id: null, name: 'notes.txt', size: 20, mime: 'application/octet-stream', width: null, height: null, previewUrl: null, downloaded: true, fileUrl: null },
    ])
    expect(cache.outboxFiles('c1', 'k1').map((f) => [f.stagedId, f.attachmentId])).toEqual([
      ['staged-photo-1', null],
      ['staged-doc-2', null],
    ])
    expect(cache.outboxFilePaths()).toEqual(new Set(['/outbox/staged-photo-1', '/outbox/staged-doc-2']))
  })

  test('remember their uploads across a restart, and go with the message when the server copy arrives', () => {
    const temp = tempCache()
    temp.cache.addPending({ conversationId: 'c1', senderId: 'me', clientId: 'k1', body: '', createdAt: 5_000, attachments: files })
    temp.cache.markUploaded('staged-photo-1', 'a1')
    const cache = temp.reopen()
    expect(cache.outboxFiles('c1', 'k1').map((f) => f.attachmentId)).toEqual(['a1', null])
    expect(cache.outboxFile('staged-photo-1')?.attachmentId).toBe('a1')
    cache.storeMessages([serverMessage('c1', 1, { senderId: 'me', clientId: 'k1', body: '', attachments: [photo('a1'), pdf('a2')] })])
    expect(cache.ownMessage('c1', 'k1')?.attachments.map((a) => a.key)).toEqual(['a1', 'a2'])
    expect(cache.outboxFilePaths()).toEqual(new Set())
    expect(cache.outboxFile('staged-photo-1')).toBeNull()
  })

  test('a failed message tried again uploads its files again (an upload may have expired on the server)', () => {
    const { cache } = tempCache()
    cache.addPending({ conversationId: 'c1', senderId: 'me', clientId: 'k1', body: '', createdAt: 5_000, attachments: files })
    cache.markUploaded('staged-photo-1', 'a1')
    cache.markFailed('c1', 'k1', 'refused')
    expect(cache.outboxFiles('c1', 'k1').map((f) => f.attachmentId)).toEqual(['a1', null])
    cache.retryFailed('c1', 'k1')
    expect(cache.outboxFiles('c1', 'k1').map((f) => f.attachmentId)).toEqual([null, null])
  })

  test('go when the unsent message is deleted', () => {
    const { cache } = tempCache()
    cache.addPending({ conversationId: 'c1', senderId: 'me', clientId: 'k1', body: '', createdAt: 5_000, attachments: files })
    expect(cache.deleteUnsent('c1', 'k1')).toBe(true)
    expect(cache.outboxFilePaths()).toEqual(new Set())
  })
})

describe('search by file name', () => {
  test('finds the message by a file name (case and accents folded), with the name as its snippet', async () => {
    const { cache } = tempCache()
    cache.storeMessages([
      serverMessage('c1', 1, { body: 'nothing here' }),
      serverMessage('c1', 2, { body: '', attachments: [pdf('a1'), photo('a2', { name: 'Résumé Final.JPG' })] }),
      serverMessage('c1', 3, { body: 'the resume is attached', attachments: [photo('a3', { name: 'other.png' })] }),
    ])
    cache.addPending({
      conversationId: 'c1',
      senderId: 'me',
      clientId: 'k1',
      body: '',
      createdAt: 50_000,
      attachments: [{ stagedId: 'staged-x-1', path: '/p', name: 'resume draft.docx', size: 1, mime: 'application/zip', width: null, height: null }],
    })
    const hits = await cache.search('resume', 10)
    expect(hits.map((hit) => hit.messageKey)).toEqual(['me:k1', 'bob:c1-c3', 'bob:c1-c2'])
    expect(hits[2]?.snippet.map((part) => part.text).join('')).toBe('Résumé Final.JPG')
    expect((await cache.search('报告', 10)).map((hit) => hit.seq)).toEqual([2])
    expect((await cache.search('final resume', 10)).map((hit) => hit.seq)).toEqual([2])
    expect(await cache.search('final other', 10)).toEqual([])
  })

  test('a deleted message is not found by its old file names', async () => {
    const { cache } = tempCache()
    cache.storeMessages([serverMessage('c1', 1, { body: '', attachments: [pdf('a1')] })])
    cache.storeMessages([serverMessage('c1', 1, { rev: 2, body: '', deletedAt: 3, attachments: [] })])
    expect(await cache.search('报告', 10)).toEqual([])
  })
})
