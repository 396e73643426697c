import { describe, expect, test } from 'vitest'
import { formatSize, renderDownloadPage } from './download-page'
import type { ReleaseFolder } from './release-folder'
import { pageLanguage, visitorOs } from './visitor'

const sha512 = `${'A'.repeat(86)}==`

describe('renderDownloadPage', () => {
  test('escapes everything that comes from a feed, even what the feed schema would refuse', () => {
    const folder: ReleaseFolder = {
      feeds: [
        {
          feed: 'latest.yml',
          os: 'windows',
          version: '1.0.0"><script>alert(1)</script>',
          releaseDate: '<img src=x onerror=alert(1)>',
          files: [{ name: 'a<b>&"\'.exe', size: 1, sha512: '<i>', present: true }],
        },
      ],
      unreadable: [],
    }
    const { status, html } = renderDownloadPage(folder, { os: 'windows', lang: 'en' })
    expect(status).toBe(200)
    expect(html).not.toContain('<script>')
    expect(html).not.toContain('<img')
    expect(html).not.toContain('<i>')
    expect(html).toContain('1.0.0&#34;&#62;&#60;script&#62;')
    expect(html).toContain('href="updates/a%3Cb%3E%26%22\'.exe"'.replace("'", '&#39;'))
  })

  test('a file the feed names but the folder lacks is listed without a link, and not offered', () => {
    const folder: ReleaseFolder = {
      feeds: [{ feed: 'latest.yml', os: 'windows', version: '1.0.0', releaseDate: null, files: [{ name: 'P.exe', size: null, sha512, present: false }] }],
      unreadable: [],
    }
    const { html } = renderDownloadPage(folder, { os: 'windows', lang: 'zh-CN' })
    expect(html).toContain('P.exe <small>(服务器上缺少此文件)</small>')
    expect(html).not.toContain('href="updates/P.exe"')
    expect(html).toContain('请在下方选择适合你系统的文件。')
  })
})

test('sizes in the page’s language, 1000-based', () => {
  expect(formatSize(512, 'en')).toBe('512 bytes')
  expect(formatSize(512, 'zh-CN')).toBe('512字节')
  expect(formatSize(84_250_000, 'en')).toBe('84.3 MB')
  expect(formatSize(1_250_000_000, 'zh-CN')).toMatch(/^1\.3\s?GB$/)
})

test('the visitor’s desktop OS from the User-Agent; none for phones', () => {
  expect(visitorOs('Mozilla/5.0 (Windows NT 10.0; Win64; x64)')).toBe('windows')
  expect(visitorOs('Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5)')).toBe('mac')
  expect(visitorOs('Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:131.0)')).toBe('linux')
  expect(visitorOs('Mozilla/5.0 (Linux; Android 14; Pixel 8)')).toBeNull()
  expect(visitorOs('Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X)')).toBeNull()
  expect(visitorOs(undefined)).toBeNull()
})

test('the page’s language: ?lang= first, then Accept-Language by weight, then English', () => {
  expect(pageLanguage('zh-CN', 'en')).toBe('zh-CN')
  expect(pageLanguage('fr', 'zh-Hans-CN')).toBe('zh-CN')
  expect(pageLanguage(undefined, 'de;q=1, en;q=0.5, zh;q=0.8')).toBe('zh-CN')
  expect(pageLanguage(undefined, 'zh;q=0, en-GB')).toBe('en')
  expect(pageLanguage(['zh-CN', 'en'], undefined)).toBe('en')
  expect(pageLanguage(undefined, 'ja')).toBe('en')
})
