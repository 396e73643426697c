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

test('a new device opens a long, read conversation at its latest message and scrolls back to the first; the offline history setting sticks', async ({
  launch,
  server,
}) => {
  test.setTimeout(120_000)
  const register = async (name: string, displayName: string) =>
    (
      await callApi<AuthResponse>(server.url, 'POST', '/api/auth/register', {
        body: { username: uniqueName(name), password: PASSWORD, displayName },
      })
    ).body
  const alice = await register('alice', 'Alice')
  const bob = await register('bob', 'Bob Historian')
  const found = await callApi<User[]>(server.url, 'GET', `/api/users?q=${alice.user.username}`, { token: bob.token })
  const aliceId = found.body.find((user) => user.username === alice.user.username)?.id ?? ''
  const conversation = (await callApi<Conversation>(server.url, 'POST', '/api/conversations', { token: bob.token, body: { memberIds: [aliceId] } })).body
  let next = 1
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let n = next++; n <= TOTAL; n = next++) {
        await callApi(server.url, 'POST', `/api/conversations/${conversation.id}/messages`, {
          token: bob.token,
          body: { clientId: `history-${n}`, body: `history line ${n}` },
        })
      }
    }),
  )
  // Alice read all of it on another device.
  await callApi(server.url, 'POST', `/api/conversations/${conversation.id}/read`, { token: alice.token, body: { seq: TOTAL } })

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
})
