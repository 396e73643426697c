/** Screenshots of the main screens, light and dark, written under e2e/artifacts/screenshots on every run. */
import { join } from 'node:path'
import { ARTIFACTS } from '../fixtures/paths'
import { expect, test, uniqueName } from '../fixtures/test'
import { message, openConversation, register, send, startConversation } from '../fixtures/steps'

for (const scheme of ['light', 'dark'] as const) {
  test(`screenshots (${scheme})`, async ({ launch }) => {
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

    await me.app.page.getByTestId('search-input').fill('Saturday')
    await expect(me.app.page.getByTestId('search-hit').first()).toBeVisible()
    await me.app.page.screenshot({ path: shot('search') })
    await me.app.page.getByTestId('search-input').fill('')

    await me.app.page.getByTestId('open-settings').click()
    await expect(me.app.page.getByTestId('settings-dialog')).toBeVisible()
    await me.app.page.screenshot({ path: shot('settings') })
  })
}
