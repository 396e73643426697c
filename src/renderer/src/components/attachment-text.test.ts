import { describe, expect, it } from 'vitest'
import { messagePreviewText } from '../../../shared/message-preview'
import { i18n } from '../i18n'
import { attachmentsText } from './attachment-text'

const photo = (name: string) => ({ name, mime: 'image/jpeg', previewUrl: `/media/thumbnail/${name}` })
const file = (name: string) => ({ name, mime: 'application/pdf', previewUrl: null })

const cases = [[photo('a.jpg')], [photo('a.jpg'), photo('b.jpg'), photo('c.jpg')], [file('报告 Q3.pdf')], [photo('a.jpg'), file('b.pdf')], [file('a.pdf'), file('b.pdf')]]

describe('attachmentsText', () => {
  it('says in English what the core says in notifications', async () => {
    await i18n.changeLanguage('en')
    for (const attachments of cases) expect(attachmentsText(i18n.t, attachments)).toBe(messagePreviewText({ body: '', attachments }))
    expect(attachmentsText(i18n.t, [])).toBe('')
  })

  it('speaks Chinese', async () => {
    await i18n.changeLanguage('zh-CN')
    expect(cases.map((attachments) => attachmentsText(i18n.t, attachments))).toEqual(['🖼 照片', '🖼 3 张照片', '📎 报告 Q3.pdf', '📎 2 个文件', '📎 2 个文件'])
    await i18n.changeLanguage('en')
  })
})
