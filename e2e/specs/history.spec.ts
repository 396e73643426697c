/**
 * Lazy history (docs/design.md §7.1): a new device shows the latest messages
 * of a long conversation at once, the rest comes as the user scrolls back
 * (and in the background), and Settings › General says how much is kept for
 * reading offline.
 */
import type { AuthResponse, Conversation, User } from '../../src/shared/api'
import { callApi } from '../../test/helpers/messenger'
import { expect, test, uniqueName } from '../fixtures/test'
import { conversationItem, PASSWORD, signIn } from '../fixtures/steps'

const TOTAL = 250

/** Alice and Bob (shown as `bobName`), and `count` messages from Bob that Alice has read on another device. */
async function readHistory(serverUrl: string, bobName: string, count: number, line: string) {
  const register = async (name: string, displayName: string) =>
    (
      await callApi<AuthResponse>(serverUrl, 'POST', '/api/auth/register', {
        body: { username: uniqueName(name), password: PASSWORD, displayName },
      })
    ).body
  const alice = await register('alice', 'Alice')
  const bob = await register('bob', bobName)
  const found = await callApi<User[]>(serverUrl, 'GET', `/api/users?q=${alice.user.username}`, { token: bob.token })
  const aliceId = found.body.find((user) => user.username === alice.user.username)?.id ?? ''
  const conversation = (await callApi<Conversation>(serverUrl, 'POST', '/api/conversations', { token: bob.token, body: { memberIds: [aliceId] } })).body
  let next = 1
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let n = next++; n <= count; n = next++) {
        await callApi(serverUrl, 'POST', `/api/conversations/${conversation.id}/messages`, {
          token: bob.token,
          body: { clientId: `${line.replace(/\W/g, '-')}-${n}`, body: `${line} ${n}` },
        })
      }
    }),
  )
  await callApi(serverUrl, 'POST', `/api/conversations/${conversation.id}/read`, { token: alice.token, body: { seq: count } })
  return { alice, bob, conversation }
}

test('a new device opens a long, read conversation at its latest message and scrolls back to the first; the offline history setting sticks', async ({
  launch,
  server,
}) => {
  test.setTimeout(120_000)
  const { alice } = await readHistory(server.url, 'Bob Historian', TOTAL, 'history line')

  const app = await launch('alice')
  await signIn(app, alice.user.username)
  const { page } = app
  const seq = (n: number) => page.locator(`[data-testid=message][data-seq="${n}"]`)
  await conversationItem(page, 'Bob Historian').click()
  await expect(seq(TOTAL)).toBeVisible({ timeout: 30_000 })

  const scroller = page.locator('.message-list__scroller')
  for (let step = 0; step < 400; step++) {
    if (await seq(1).isVisible()) break
    await scroller.evaluate((element) => element.scrollBy(0, -4_000))
    await page.waitForTimeout(50)
  }
  await expect(seq(1)).toBeVisible({ timeout: 10_000 })
  await expect(seq(1)).toContainText('history line 1')

  // Settings › General › Offline history: 90 days unless chosen otherwise; a choice sticks.
  await page.getByTestId('open-settings').click()
  const dialog = page.getByTestId('settings-dialog')
  const budget = dialog.getByRole('combobox', { name: 'Keep on this computer' })
  await expect(budget).toHaveValue('days-90')
  await budget.selectOption({ label: 'All history' })
  await page.keyboard.press('Escape')
  await page.getByTestId('open-settings').click()
  await expect(page.getByTestId('settings-dialog').getByRole('combobox', { name: 'Keep on this computer' })).toHaveValue('all')
  // The cache's cap: 500,000 messages unless chosen otherwise; the choice reaches the core's settings.
  const cap = page.getByTestId('settings-dialog').getByRole('combobox', { name: 'Cache size' })
  await expect(cap).toHaveValue('500000')
  await expect(cap).toHaveAccessibleDescription(/older than what you keep are removed again/)
  await cap.selectOption({ label: 'At most 2,000,000 messages' })
  await expect.poll(() => page.evaluate(async () => (await window.parley.getSettings()).cacheMessageCap)).toBe(2_000_000)
  await cap.selectOption({ label: 'No limit' })
  await expect.poll(() => page.evaluate(async () => (await window.parley.getSettings()).cacheMessageCap)).toBeNull()
})

test('scrolling back offline past what is cached says so and offers to try again; back online, Try again (by keyboard) loads the older messages', async ({
  launch,
  server,
}) => {
  test.setTimeout(120_000)
  const count = 120
  const { alice } = await readHistory(server.url, 'Bob Offline', count, 'offline line')

  const app = await launch('alice')
  const { page } = app
  // Only the latest 50 are kept: the rest stays on the server until the user scrolls back.
  await page.getByTestId('sign-in-form').waitFor()
  await page.evaluate(() => window.parley.updateSettings({ historyBudget: { kind: 'messages', count: 50 } }))
  await signIn(app, alice.user.username)
  const seq = (n: number) => page.locator(`[data-testid=message][data-seq="${n}"]`)
  await conversationItem(page, 'Bob Offline').click()
  await expect(seq(count)).toBeVisible({ timeout: 30_000 })

  await app.cutNetwork()
  const scroller = page.locator('.message-list__scroller')
  const failed = page.getByTestId('older-failed')
  // With the wheel, as a user scrolls: the list no longer holds itself at the latest message.
  await scroller.hover()
  for (let step = 0; step < 100 && !(await failed.isVisible()); step++) {
    await page.mouse.wheel(0, -4_000)
    await page.waitForTimeout(50)
  }
  await expect(failed).toBeVisible({ timeout: 15_000 })
  await expect(failed).toHaveAttribute('role', 'status')
  await expect(failed).toContainText('Older messages could not be loaded. Check your connection, then try again.')
  // What is cached stays on screen: the lowest of the latest page.
  await expect(seq(count - 49)).toBeVisible()
  await expect(seq(count - 50)).toHaveCount(0)

  await app.restoreNetwork()
  const retry = failed.getByRole('button', { name: 'Try again' })
  await retry.focus()
  await page.keyboard.press('Enter')
  await expect(failed).toHaveCount(0, { timeout: 15_000 })
  await expect(seq(count - 50)).toBeAttached({ timeout: 15_000 })
  for (let step = 0; step < 100 && !(await seq(1).isVisible()); step++) {
    await scroller.evaluate((element) => element.scrollBy(0, -4_000))
    await page.waitForTimeout(50)
  }
  await expect(seq(1)).toContainText('offline line 1')
})
