import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { attachmentName, isActiveContentType, isExecutableName, ATTACHMENT_NAME_MAX } from './attachment-name'

describe('attachmentName', () => {
  test.each([
    ['report.pdf', 'report.pdf'],
    ['季度报告 2026.xlsx', '季度报告 2026.xlsx'],
    ['../../etc/passwd', 'passwd'],
    ['C:\\Users\\me\\Desktop\\photo.jpg', 'photo.jpg'],
    ['/home/me/.ssh/id_rsa', 'id_rsa'],
    ['dir/', 'file'],
    ['..', 'file'],
    ['', 'file'],
    ['.bashrc', 'bashrc'],
    ['name.  ', 'name'],
    ['invoice\u202Egpj.exe', 'invoicegpj.exe'],
    ['a\u0000b\u0007c.txt', 'abc.txt'],
    ['zero\u200Bwidth.png', 'zerowidth.png'],
    ['what?<is>this*.txt', 'what__is_this_.txt'],
    ['CON.txt', '_CON.txt'],
    ['lpt1', '_lpt1'],
    ['e\u0301te\u0301.txt', 'été.txt'],
    ['👩‍👩‍👧 family.heic', '👩‍👩‍👧 family.heic'],
  ])('%j → %j', (raw, expected) => {
    expect(attachmentName(raw)).toBe(expected)
  })

  test('a long name keeps its extension within 255 characters, counting emoji once', () => {
    const name = attachmentName(`${'长'.repeat(400)}.tar.gz`)
    expect([...name].length).toBe(ATTACHMENT_NAME_MAX)
    expect(name.endsWith('.gz')).toBe(true)
    expect([...attachmentName('😀'.repeat(300))].length).toBe(ATTACHMENT_NAME_MAX)
  })

  test('whatever comes in: no separator, no control or bidi character, never empty, at most 255, and stable', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 600 }), (raw) => {
        const name = attachmentName(raw)
        expect(name.length).toBeGreaterThan(0)
        expect([...name].length).toBeLessThanOrEqual(ATTACHMENT_NAME_MAX)
        // eslint-disable-next-line no-control-regex -- the property: no control characters
        expect(name).not.toMatch(/[/\\\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/)
        expect(name).not.toMatch(/^\./)
        expect(attachmentName(name)).toBe(name)
      }),
      { numRuns: 2_000 },
    )
  })
})

test('HTML, XHTML, SVG, XML and scripts are active content; images, PDFs and text are not', () => {
  for (const type of ['text/html', 'text/html; charset=utf-8', 'application/xhtml+xml', 'image/svg+xml', 'application/xml', 'text/xml', 'application/rss+xml', 'text/javascript', 'application/javascript', 'TEXT/HTML']) {
    expect(isActiveContentType(type), type).toBe(true)
  }
  for (const type of ['image/png', 'image/jpeg', 'application/pdf', 'text/plain', 'application/octet-stream', 'application/zip']) {
    expect(isActiveContentType(type), type).toBe(false)
  }
})

test('executables are recognised by extension, whatever the case', () => {
  for (const name of ['setup.exe', 'SETUP.EXE', 'install.msi', 'run.sh', 'app.AppImage', 'x.deb', 'macro.vbs', 'Parley.dmg', 'link.lnk']) {
    expect(isExecutableName(name), name).toBe(true)
  }
  for (const name of ['photo.jpg', 'report.pdf', 'notes.txt', 'exe', 'archive.zip', 'sheet.xlsx']) {
    expect(isExecutableName(name), name).toBe(false)
  }
})
