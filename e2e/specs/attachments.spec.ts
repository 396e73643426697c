/**
 * Files and pictures (issue 18), through the UI of two apps: attach by the
 * picker, by pasting and by dropping; progress while a big file is read in
 * and uploaded; the other user (in Chinese) sees thumbnails in boxes reserved
 * before they load, opens the lightbox (arrows, zoom, Esc gives focus back)
 * and downloads a file, then opens and saves it.
 */
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Locator, Page } from '@playwright/test'
import sharp from 'sharp'
import { expect, test, uniqueName } from '../fixtures/test'
import { message, openConversation, register, startConversation } from '../fixtures/steps'

async function picture(path: string, width: number, height: number, format: 'png' | 'jpeg'): Promise<string> {
  const image = sharp({ create: { width, height, channels: 3, background: { r: 40, g: 120, b: 200 } } })
  await (format === 'png' ? image.png() : image.jpeg()).toFile(path)
  return path
}

/** Whether an element with this test id ever appeared, and the highest progress it showed (a MutationObserver, so a short upload is not missed). */
async function watchFor(page: Page, testId: string): Promise<() => Promise<{ seen: boolean; max: number }>> {
  await page.evaluate((id) => {
    const record = { seen: false, max: 0 }
    const look = () => {
      for (const element of document.querySelectorAll(`[data-testid="${id}"]`)) {
        record.seen = true
        record.max = Math.max(record.max, Number(element.getAttribute('aria-valuenow') ?? 0))
      }
    }
    new MutationObserver(look).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-valuenow'] })
    ;(window as unknown as Record<string, unknown>)[`__watch_${id}`] = record
  }, testId)
  return () => page.evaluate((id) => (window as unknown as Record<string, { seen: boolean; max: number }>)[`__watch_${id}`] as { seen: boolean; max: number }, testId)
}

/** A file made in the page (what a paste or a drop delivers). */
type FileSpec = { name: string; type: string; size?: number; png?: { width: number; height: number } }

async function dispatchFiles(target: Locator, kind: 'paste' | 'drop', files: FileSpec[], stages: ('dragenter' | 'dragover' | 'drop')[] = ['dragenter', 'dragover', 'drop']): Promise<void> {
  await target.evaluate(
    async (element, { kind, files, stages }) => {
      const data = new DataTransfer()
      for (const spec of files) {
        let blob: Blob
        if (spec.png) {
          const canvas = new OffscreenCanvas(spec.png.width, spec.png.height)
          const context = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D
          context.fillStyle = '#2a9d8f'
          context.fillRect(0, 0, spec.png.width, spec.png.height)
          blob = await canvas.convertToBlob({ type: 'image/png' })
        } else {
          const bytes = new Uint8Array(spec.size ?? 0)
          for (let i = 0; i < bytes.length; i += 65_536) crypto.getRandomValues(bytes.subarray(i, i + 65_536))
          blob = new Blob([bytes])
        }
        data.items.add(new File([blob], spec.name, { type: spec.type }))
      }
      if (kind === 'paste') {
        element.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }))
        return
      }
      for (const type of stages) element.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }))
    },
    { kind, files, stages },
  )
}

test('attach by picker, paste and drop; the other user sees pictures, the lightbox and downloads a file', async ({ launch }, testInfo) => {
  test.setTimeout(90_000)
  const dir = testInfo.outputPath('files')
  mkdirSync(dir, { recursive: true })
  const wide = await picture(join(dir, 'beach.png'), 640, 480, 'png')
  const tall = await picture(join(dir, 'tower.jpg'), 300, 600, 'jpeg')

  const alice = await register(await launch('alice'), uniqueName('alice'), 'Alice Martin')
  const bob = await register(await launch('bob', { locale: 'zh-CN' }), uniqueName('bob'), '陈波')
  await alice.app.focus()
  await startConversation(alice, [bob])
  const a = alice.app.page
  const b = bob.app.page
  const composer = a.getByTestId('composer')

  // Picker: two pictures, with a caption.
  await alice.app.pickFiles([wide, tall])
  await a.getByTestId('attach').click()
  await expect(a.getByTestId('staged-file')).toHaveCount(2)
  await expect(a.getByTestId('staged-file').first()).toHaveAttribute('data-status', 'staged')
  await composer.fill('Holiday pictures')
  await composer.press('Enter')
  await expect(a.getByTestId('staged-file')).toHaveCount(0)
  await expect(message(a, 'Holiday pictures')).toHaveAttribute('data-state', 'sent')
  await expect(message(a, 'Holiday pictures').getByTestId('attachment-image')).toHaveCount(2)

  // Paste: more than ten files are refused with a reason; files leave the strip by Delete or their × button.
  await dispatchFiles(
    composer,
    'paste',
    Array.from({ length: 11 }, (_, i) => ({ name: `f${i}.txt`, type: 'text/plain', size: 5 })),
  )
  await expect(a.getByTestId('composer-error')).toHaveText('You can send up to 10 files in one message. Send these first, then add more.')
  await expect(a.locator('[data-testid=staged-file][data-status=staged]')).toHaveCount(10)
  await a.getByTestId('staged-file').first().focus()
  await a.keyboard.press('Delete')
  await expect(a.getByTestId('staged-file')).toHaveCount(9)
  await expect(a.getByTestId('staged-file').first()).toBeFocused()
  for (let left = 9; left > 0; left--) await a.getByTestId('staged-remove').first().click()
  await expect(a.getByTestId('staged-file')).toHaveCount(0)

  // A pasted picture without a caption: the conversation list says "🖼 Photo".
  await dispatchFiles(composer, 'paste', [{ name: 'screenshot.png', type: 'image/png', png: { width: 400, height: 300 } }])
  await expect(a.locator('[data-testid=staged-file][data-status=staged]')).toHaveCount(1)
  await composer.focus()
  await composer.press('Enter')
  const pasted = a.locator('[data-testid=message][data-own=true]').filter({ has: a.locator('img[alt="screenshot.png"]') })
  await expect(pasted).toHaveAttribute('data-state', 'sent')
  await expect(a.getByTestId('conversation-item').first()).toContainText('You: 🖼 Photo')

  // Drop: a text file and a big one; the drop zone shows while dragging; the big one shows its progress.
  const conversation = a.getByTestId('message-list')
  await dispatchFiles(conversation, 'drop', [{ name: 'notes.txt', type: 'text/plain', size: 10 }], ['dragenter', 'dragover'])
  await expect(a.getByTestId('drop-zone')).toBeVisible()
  const staging = await watchFor(a, 'staging-progress')
  await dispatchFiles(conversation, 'drop', [
    { name: '会议记录 meeting notes for the whole quarterly planning.txt', type: 'text/plain', size: 2_000 },
    { name: 'video.mp4', type: 'video/mp4', size: 20 * 1024 * 1024 },
  ])
  await expect(a.getByTestId('drop-zone')).toHaveCount(0)
  await expect(a.getByTestId('staged-file')).toHaveCount(2)
  await expect(a.locator('[data-testid=staged-file][data-status=staged]')).toHaveCount(2, { timeout: 30_000 })
  expect((await staging()).seen).toBe(true)
  const upload = await watchFor(a, 'upload-progress')
  await composer.fill('Minutes and the recording')
  await composer.press('Enter')
  await expect(message(a, 'Minutes and the recording')).toHaveAttribute('data-state', 'sent', { timeout: 30_000 })
  expect((await upload()).seen).toBe(true)

  // Bob, in Chinese: thumbnails load in boxes reserved from the message's dimensions.
  await openConversation(bob, 'Alice Martin')
  const holiday = message(b, 'Holiday pictures')
  const images = holiday.getByTestId('attachment-image')
  await expect(images).toHaveCount(2)
  await expect(images.first()).toHaveAttribute('aria-label', '查看 beach.png')
  const single = b.getByTestId('message').filter({ has: b.locator('img[alt="screenshot.png"]') })
  const box = await single.getByTestId('attachment-image').boundingBox()
  expect(box).not.toBeNull()
  expect(Math.round(box?.width ?? 0)).toBe(320)
  expect(Math.round(box?.height ?? 0)).toBe(240)
  await expect.poll(() => single.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true)
  await expect.poll(() => images.first().locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0)

  // The lightbox: arrows move and stop at the last picture, zoom keys, Esc gives focus back.
  await images.first().click()
  const lightbox = b.getByTestId('lightbox')
  await expect(lightbox).toBeVisible()
  await expect(lightbox).toHaveAttribute('aria-modal', 'true')
  await expect(lightbox.getByTestId('lightbox-counter')).toHaveText('1 / 2')
  await expect(lightbox.getByTestId('lightbox-image')).toHaveAttribute('data-full', 'true', { timeout: 20_000 })
  await expect.poll(() => lightbox.getByTestId('lightbox-image').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(640)
  await b.keyboard.press('ArrowRight')
  await expect(lightbox.getByTestId('lightbox-counter')).toHaveText('2 / 2')
  await expect(lightbox.getByTestId('lightbox-image')).toHaveAttribute('alt', 'tower.jpg')
  await b.keyboard.press('ArrowRight')
  await expect(lightbox.getByTestId('lightbox-counter')).toHaveText('2 / 2')
  await b.keyboard.press('+')
  await expect(lightbox.getByTestId('lightbox-zoom')).toHaveText('缩放 125%')
  await b.keyboard.press('0')
  await expect(lightbox.getByTestId('lightbox-zoom')).toHaveText('缩放 100%')
  await lightbox.getByTestId('lightbox-stage').hover()
  await b.keyboard.down('Control')
  await b.mouse.wheel(0, 100)
  await b.keyboard.up('Control')
  await expect(lightbox.getByTestId('lightbox-zoom')).toHaveText('缩放 80%')
  await b.keyboard.press('0')
  await b.keyboard.press('ArrowLeft')
  await expect(lightbox.getByTestId('lightbox-counter')).toHaveText('1 / 2')
  await b.keyboard.press('Escape')
  await expect(lightbox).toHaveCount(0)
  await expect(images.first()).toBeFocused()

  // Files as cards: the name shortened in the middle, the size in Chinese; download, then open and save.
  const files = message(b, 'Minutes and the recording')
  const notes = files.getByTestId('file-card').first()
  await expect(notes).toContainText('会议记录')
  await expect(notes).toContainText('.txt')
  await expect(files.getByTestId('file-card').nth(1)).toContainText('20 MB')
  const downloading = await watchFor(b, 'download-progress')
  await files.getByTestId('file-card').nth(1).getByTestId('file-download').click()
  await expect(files.getByTestId('file-card').nth(1).getByTestId('file-open')).toBeVisible({ timeout: 30_000 })
  expect((await downloading()).seen).toBe(true)
  await notes.getByTestId('file-download').click()
  await expect(notes.getByTestId('file-open')).toHaveAttribute('aria-label', /^打开 /)
  await notes.getByTestId('file-open').click()
  await expect.poll(async () => (await bob.app.openedFiles()).length).toBe(1)
  const savedAt = join(dir, 'saved-notes.txt')
  await bob.app.chooseSavePath(savedAt)
  await notes.getByTestId('file-save').click()
  await expect.poll(() => existsSync(savedAt)).toBe(true)

  // A thumbnail that cannot be had is a placeholder with the file's name, in the box reserved for it.
  await b.route('**/media/thumbnail/**', (route) => route.fulfill({ status: 404, body: '' }))
  await alice.app.pickFiles([await picture(join(dir, 'lost.png'), 200, 100, 'png')])
  await composer.press('Control+u')
  await expect(a.locator('[data-testid=staged-file][data-status=staged]')).toHaveCount(1)
  await composer.fill('Where did it go')
  await composer.press('Enter')
  const lost = message(b, 'Where did it go').getByTestId('attachment-image')
  await expect(lost.getByTestId('image-placeholder')).toContainText('lost.png')
  expect(await lost.boundingBox()).toMatchObject({ width: 200, height: 100 })
  await expect(b.getByTestId('conversation-item').first()).toContainText('Where did it go')
  await expect(a.getByTestId('attach')).toHaveAttribute('aria-label', 'Attach files (Ctrl+U)')
  await expect(b.getByTestId('attach')).toHaveAttribute('aria-label', '添加文件 (Ctrl+U)')

  // Offline, a message of files waits with "Cancel sending": cancelled, it and its files are gone.
  await alice.app.cutNetwork()
  await alice.app.pickFiles([wide])
  await a.getByTestId('attach').click()
  await expect(a.locator('[data-testid=staged-file][data-status=staged]')).toHaveCount(1)
  await composer.fill('Never mind')
  await composer.press('Enter')
  const waiting = message(a, 'Never mind')
  await expect(waiting).toHaveAttribute('data-state', 'pending')
  await waiting.getByTestId('cancel-send').click()
  await expect(message(a, 'Never mind')).toHaveCount(0)
  await alice.app.restoreNetwork()
})
