/** Screenshots of the main screens, light and dark, written under e2e/artifacts/screenshots on every run. */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { ARTIFACTS } from '../fixtures/paths'
import { expect, test, uniqueName } from '../fixtures/test'
import { message, openConversation, openInfo, register, send, startConversation } from '../fixtures/steps'

/** A landscape picture (sky, two ridges, a sun), drawn as SVG and written as a JPEG with sharp. */
async function landscape(path: string, width: number, height: number, sky: [string, string], ridge: string): Promise<string> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="s" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${sky[0]}"/><stop offset="1" stop-color="${sky[1]}"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#s)"/>
    <circle cx="${width * 0.72}" cy="${height * 0.3}" r="${height * 0.09}" fill="#fff4c2"/>
    <polygon points="0,${height} 0,${height * 0.62} ${width * 0.3},${height * 0.38} ${width * 0.55},${height * 0.6} ${width * 0.8},${height * 0.42} ${width},${height * 0.58} ${width},${height}" fill="${ridge}" opacity="0.75"/>
    <polygon points="0,${height} 0,${height * 0.8} ${width * 0.4},${height * 0.62} ${width * 0.7},${height * 0.78} ${width},${height * 0.7} ${width},${height}" fill="${ridge}"/>
  </svg>`
  await sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toFile(path)
  return path
}

for (const scheme of ['light', 'dark'] as const) {
  test(`screenshots (${scheme})`, async ({ launch }, testInfo) => {
    const shot = (name: string) => join(ARTIFACTS, 'screenshots', `${scheme}-${name}.png`)
    const alice = await launch('alice', { colorScheme: scheme })
    await alice.page.getByTestId('sign-in-form').waitFor()
    await alice.page.screenshot({ path: shot('sign-in') })

    const me = await register(alice, uniqueName('alice'), 'Alice Martin')
    const bob = await register(await launch('bob', { colorScheme: scheme }), uniqueName('bob'), 'Bob Chen')
    const carol = await register(await launch('carol', { colorScheme: scheme }), uniqueName('carol'), 'Carol Díaz')
    await me.app.focus()
    await startConversation(me, [bob, carol], 'Weekend plans')
    await send(me, 'Hiking on Saturday? ⛰️')
    await openConversation(bob, 'Weekend plans')
    await send(bob, "I'm in! Trail map: https://example.com/trail")
    await openConversation(carol, 'Weekend plans')
    await send(carol, '周六见 — see you Saturday')
    await startConversation(me, [bob])
    await send(me, 'Did you get the slides?')
    await openConversation(me, 'Weekend plans')
    await expect(message(me.app.page, '周六见')).toBeVisible()
    await me.app.page.screenshot({ path: shot('conversation') })

    // Issue 19: the group info panel (members, roles, presence).
    const info = await openInfo(me)
    await expect(info.getByTestId('member')).toHaveCount(3)
    await me.app.page.screenshot({ path: shot('group-info') })
    await me.app.page.keyboard.press('Escape')
    await expect(info).toBeHidden()

    // Issue 17: formatting, a mention, a reply, reactions, an edited and a deleted message.
    await send(bob, `**Packing list** for @${me.username}:\n- water\n- _sunscreen_\n- \`map.gpx\``)
    await send(carol, 'Bring snacks too')
    await send(carol, 'Posted in the wrong chat, sorry')
    const b = bob.app.page
    const c = carol.app.page
    await message(b, 'Hiking on Saturday?').hover()
    await message(b, 'Hiking on Saturday?').getByTestId('action-reply').click()
    await send(bob, 'Count me in ~~maybe~~ for sure')
    await message(c, 'Bring snacks too').hover()
    await message(c, 'Bring snacks too').getByTestId('action-edit').click()
    await c.getByTestId('message-editor').locator('textarea').fill('Bring snacks and tea too')
    await c.getByTestId('message-editor').locator('textarea').press('Enter')
    await message(c, 'wrong chat').hover()
    await message(c, 'wrong chat').getByTestId('action-delete').click()
    await c.getByTestId('confirm-delete').click()
    for (const [page, emoji] of [[b, '👍'], [c, '👍'], [c, '🎉']] as const) {
      await message(page, 'Hiking on Saturday?').first().hover()
      await message(page, 'Hiking on Saturday?').first().getByTestId('action-react').click()
      await page.getByTestId('emoji-picker').getByTestId('quick-reaction').filter({ hasText: emoji }).click()
    }
    const mine = me.app.page
    await expect(message(mine, 'Hiking on Saturday?').first().getByTestId('reaction')).toHaveCount(2)
    await expect(message(mine, 'tea too').getByTestId('message-edited')).toBeVisible()
    await expect(mine.getByTestId('message-deleted')).toBeVisible()
    await mine.mouse.move(0, 0)
    await mine.screenshot({ path: shot('message-changes') })

    // Issue 18: pictures in a grid and a file card.
    const files = testInfo.outputPath('files')
    mkdirSync(files, { recursive: true })
    await carol.app.pickFiles([
      await landscape(join(files, 'ridge.jpg'), 1200, 800, ['#7fb3e8', '#f6d6a8'], '#3d5a6c'),
      await landscape(join(files, 'lake.jpg'), 1200, 900, ['#f4a261', '#fde2c4'], '#2a4d69'),
    ])
    await c.getByTestId('attach').click()
    await expect(c.locator('[data-testid=staged-file][data-status=staged]')).toHaveCount(2)
    await c.getByTestId('composer').fill('Photos from the recce 📷')
    await c.getByTestId('composer').press('Enter')
    await expect(message(c, 'from the recce')).toHaveAttribute('data-state', 'sent')
    const map = join(files, 'Trail map — 路线图.pdf')
    writeFileSync(map, `%PDF-1.4\n% trail map\n${'0'.repeat(180_000)}\n%%EOF\n`)
    await bob.app.pickFiles([map])
    await b.getByTestId('attach').click()
    await expect(b.locator('[data-testid=staged-file][data-status=staged]')).toHaveCount(1)
    await b.getByTestId('composer').press('Enter')
    const photos = message(mine, 'from the recce').getByTestId('attachment-image').locator('img')
    await expect(photos).toHaveCount(2)
    for (const photo of await photos.all()) await expect.poll(() => photo.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0)
    await expect(mine.getByTestId('file-card').last()).toBeVisible()
    await mine.mouse.move(0, 0)
    await mine.screenshot({ path: shot('attachments') })

    await me.app.page.getByTestId('search-input').fill('Saturday')
    await expect(me.app.page.getByTestId('search-hit').first()).toBeVisible()
    await me.app.page.screenshot({ path: shot('search') })
    await me.app.page.getByTestId('search-input').fill('')

    await me.app.page.getByTestId('open-settings').click()
    await expect(me.app.page.getByTestId('settings-dialog')).toBeVisible()
    await me.app.page.screenshot({ path: shot('settings') })
  })
}
