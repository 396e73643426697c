import type { AuthResponse, Conversation, User } from '../../src/shared/api'
import { callApi } from '../../test/helpers/messenger'
import { expect, test, uniqueName } from '../fixtures/test'
import { restPeer } from '../fixtures/rest-peer'
import { conversationItem, register } from '../fixtures/steps'

const TOTAL = 10_000
const MAX_ROWS = 300

test('a conversation of 10,000 messages opens and scrolls to the top without the DOM growing past a few hundred rows', async ({
  launch,
  server,
}) => {
  test.setTimeout(240_000)
  let alice = await register(await launch('alice'), uniqueName('alice'), 'Alice')
  const bob = await restPeer(server.url, alice, 'Bob Longtalk')

  // While alice's app is closed, bob writes 10,000 messages over REST, 16 at a time;
  // her app catches up with range fetches when it starts again.
  await alice.app.quit()
  await bob.bulk('bulk', TOTAL, (n) => `message number ${n}`)

  alice = { ...alice, app: await alice.app.relaunch() }
  const page = alice.app.page
  const rows = page.getByTestId('message')
  const seq = (n: number) => page.locator(`[data-testid=message][data-seq="${n}"]`)
  // The list paints the cache before the app connects (design §7.4): the user clicks once it shows the
  // conversation's unread messages, as the catch-up stores them. (A click before the app knows of any
  // opens at the latest message, all it knows of then.)
  await expect(conversationItem(page, 'Bob Longtalk').getByTestId('unread-badge')).toBeVisible({ timeout: 60_000 })
  await conversationItem(page, 'Bob Longtalk').click()
  // Nothing is read yet: it opens at the first unread message, the oldest.
  await expect(seq(1)).toBeVisible({ timeout: 60_000 })
  expect(await rows.count()).toBeLessThanOrEqual(MAX_ROWS)

  await page.getByTestId('jump-to-latest').click()
  await expect(seq(TOTAL)).toBeVisible({ timeout: 30_000 })
  expect(await rows.count()).toBeLessThanOrEqual(MAX_ROWS)

  const scroller = page.locator('.message-list__scroller')
  let most = 0
  for (let step = 0; step < 2_000; step++) {
    if (await seq(1).isVisible()) break
    await scroller.evaluate((element) => element.scrollBy(0, -4_000))
    await page.waitForTimeout(25)
    most = Math.max(most, await rows.count())
  }
  // And it stays there: nothing left over from "jump to latest" pulls the list back down
  // (a smooth scroll to the end used to re-aim at it every second).
  await page.waitForTimeout(1_500)
  await expect(seq(1)).toBeVisible({ timeout: 100 })
  await expect(seq(1)).toHaveCount(1)
  expect(most).toBeLessThanOrEqual(MAX_ROWS)
  expect(most).toBeGreaterThan(5)
})

test('a list of 150 conversations comes a page at a time after the first screen, and every one of them is there: the oldest is found and opened', async ({
  launch,
  server,
}) => {
  test.setTimeout(120_000)
  const COUNT = 150
  let alice = await register(await launch('alice'), uniqueName('alice'), 'Alice')
  const bob = (
    await callApi<AuthResponse>(server.url, 'POST', '/api/auth/register', {
      body: { username: uniqueName('bob'), password: 'correct-horse-1', displayName: 'Bob Manygroups' },
    })
  ).body
  const found = await callApi<User[]>(server.url, 'GET', `/api/users?q=${alice.username}`, { token: bob.token })
  const aliceId = found.body.find((user) => user.username === alice.username)?.id ?? ''
  // Oldest first: "Pile 000" ends up last in the list, far past the first page of 60.
  for (let i = 0; i < COUNT; i++) {
    const title = `Pile ${String(i).padStart(3, '0')}`
    const created = await callApi<Conversation>(server.url, 'POST', '/api/conversations', { token: bob.token, body: { memberIds: [aliceId], title } })
    await callApi(server.url, 'POST', `/api/conversations/${created.body.id}/messages`, { token: bob.token, body: { clientId: `pile-${i}`, body: `note ${i}` } })
  }
  const findOldest = async (page: typeof alice.app.page) => {
    const switcher = page.getByTestId('quick-switcher')
    await expect(async () => {
      if (await switcher.isVisible()) await page.keyboard.press('Escape')
      await expect(switcher).toBeHidden()
      await page.keyboard.press('Control+K')
      await switcher.getByTestId('switcher-input').fill('Pile 000')
      await expect(switcher.getByTestId('switcher-option').first()).toContainText('Pile 000', { timeout: 1_000 })
    }).toPass({ timeout: 30_000 })
  }
  // The running app took them in as they came (events): all 150 are cached.
  await findOldest(alice.app.page)
  // Started again with nothing new, no event brings them: the window has the list from its pages alone.
  alice = { ...alice, app: await alice.app.relaunch() }
  const page = alice.app.page
  await expect(conversationItem(page, 'Pile 149')).toBeVisible({ timeout: 30_000 })
  await findOldest(page)
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('conversation-header')).toContainText('Pile 000')
  await expect(page.getByTestId('message').filter({ hasText: 'note 0' })).toBeVisible()
  const listed = await page.evaluate(() => document.querySelectorAll('[data-testid=conversation-item]').length)
  expect(listed).toBeLessThan(COUNT) // the sidebar stays virtualized
})
