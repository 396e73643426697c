import { expect, test } from 'vitest'
import { messagePreviewText, summarizeAttachments } from './message-preview'

const file = (name: string, mime = 'application/pdf') => ({ name, mime })
const photo = (name = 'IMG_1.jpg') => ({ name, mime: 'image/jpeg' })

test('a caption is the preview, files or not', () => {
  expect(messagePreviewText({ body: 'look at this', attachments: [photo(), file('a.pdf')] })).toBe('look at this')
  expect(messagePreviewText({ body: 'plain text', attachments: [] })).toBe('plain text')
})

test('one file says its name; one image says Photo', () => {
  expect(messagePreviewText({ body: '', attachments: [file('报告.pdf')] })).toBe('📎 报告.pdf')
  expect(messagePreviewText({ body: '  ', attachments: [photo()] })).toBe('🖼 Photo')
})

test('several: photos when all are inline images, else files (SVG is no photo)', () => {
  expect(messagePreviewText({ body: '', attachments: [photo(), photo('b.png')] })).toBe('🖼 2 photos')
  expect(messagePreviewText({ body: '', attachments: [photo(), file('a.zip'), file('b.zip')] })).toBe('📎 3 files')
  expect(messagePreviewText({ body: '', attachments: [file('x.svg', 'image/svg+xml')] })).toBe('📎 x.svg')
})

test('a tombstone (no body, no files) stays empty', () => {
  expect(messagePreviewText({ body: '', attachments: [] })).toBe('')
})

test('summarizeAttachments says photo(s), one file by name, or a count of files', () => {
  const image = (name = 'a.jpg') => ({ name, mime: 'image/jpeg', previewUrl: '/media/thumbnail/x' })
  const document = (name = 'report.pdf') => ({ name, mime: 'application/pdf', previewUrl: null })
  expect(summarizeAttachments([])).toBeNull()
  expect(summarizeAttachments([image()])).toEqual({ kind: 'photo', count: 1, name: null })
  expect(summarizeAttachments([image(), image()])).toEqual({ kind: 'photo', count: 2, name: null })
  expect(summarizeAttachments([document()])).toEqual({ kind: 'file', count: 1, name: 'report.pdf' })
  expect(summarizeAttachments([image(), document()])).toEqual({ kind: 'file', count: 2, name: null })
})
