/**
 * Search on the server (docs/design.md §8, "Search"): a new device that holds
 * only the latest messages of a long conversation finds an old message by
 * search anyway — the server's hits join the cache's, each message once,
 * newest first — and opens it. Offline, the results are this device's with a
 * note saying older messages were not searched; back online, the server's
 * hits join by themselves. The server failing: a note and Try again.
 */
import type { AuthResponse, Conversation, User } from '../../src/shared/api'
import { callApi } from '../../test/helpers/messenger'
import { expect, test, uniqueName } from '../fixtures/test'
import { PASSWORD, signIn } from '../fixtures/steps'

const TOTAL = 250
/** Far below the 50 latest messages the new device holds, and inside them. */
const OLD = { lighthouse: 3, beacon: 4 }
const RECENT = { lighthouse: 240, beacon: 245 }

const body = (n: number): string => {
  if (n === OLD.lighthouse || n === RECENT.lighthouse) return `the lighthouse log, entry ${n}`
  if (n === OLD.beacon || n === RECENT.beacon) return `a beacon on the hill, entry ${n}`
  return `harbour note ${n}`
}

test('a new device finds a message it has not cached through the server and opens it; offline or with the server failing, this device’s results with a note (and Try again)', async ({ launch, server }) => {
  test.setTimeout(120_000)
  const register = async (name: string, displayName: string) =>
    (await callApi<AuthResponse>(server.url, 'POST', '/api/auth/register', { body: { username: uniqueName(name), password: PASSWORD, displayName } })).body
  const alice = await register('alice', 'Alice')
  const bob = await register('bob', 'Bob Keeper')
  const found = await callApi<User[]>(server.url, 'GET', `/api/users?q=${alice.user.username}`, { token: bob.token })
  const aliceId = found.body.find((user) => user.username === alice.user.username)?.id ?? ''
  const conversation = (await callApi<Conversation>(server.url, 'POST', '/api/conversations', { token: bob.token, body: { memberIds: [aliceId] } })).body
  // One at a time: message n has seq n.
  for (let n = 1; n <= TOTAL; n++) {
    await callApi(server.url, 'POST', `/api/conversations/${conversation.id}/messages`, { token: bob.token, body: { clientId: `ss-${n}`, body: body(n) } })
  }
  await callApi(server.url, 'POST', `/api/conversations/${conversation.id}/read`, { token: alice.token, body: { seq: TOTAL } })

  const app = await launch('alice')
  const { page } = app
  // Keep only the latest 50 for offline reading: older history stays on the server.
  await page.getByTestId('sign-in-form').waitFor()
  await page.evaluate(() => window.parley.updateSettings({ historyBudget: { kind: 'messages', count: 50 } }))
  await signIn(app, alice.user.username)
  await expect(page.getByTestId('conversation-item').filter({ hasText: 'Bob Keeper' })).toBeVisible()

  const input = page.getByTestId('search-input')
  const hits = page.getByTestId('search-hit')
  const note = page.getByTestId('search-server-note')
  const key = (n: number) => `${bob.user.id}:ss-${n}`
  const keys = () => hits.evaluateAll((buttons) => buttons.map((button) => button.getAttribute('data-message-key')))

  // The list shows before the latest pages are cached: wait until this device's cache holds the
  // recent beacon (a local search), so the silent network below cannot cut its first page off.
  await expect
    .poll(() => page.evaluate(async () => (await window.parley.search({ query: 'beacon', limit: 50 })).length), { timeout: 30_000 })
    .toBe(1)

  // The network goes silent: the cached hit at once, marked while the server is being asked.
  await app.blackholeNetwork()
  await input.fill('beacon')
  await expect(note).toHaveAttribute('role', 'status')
  await expect(note).toHaveText('Searching older messages on the server…')
  await expect(hits).toHaveCount(1)
  await expect(hits.first()).toHaveAttribute('data-message-key', key(RECENT.beacon))
  // No answer: offline, the cached hit only, and the note says why older messages are missing.
  await expect(note).toContainText('Older messages weren’t searched — you’re offline', { timeout: 30_000 })
  await expect(hits).toHaveCount(1)
  // Back online: the server is searched by itself, its hit joins below (older), the note goes.
  await app.restoreNetwork()
  await expect.poll(keys, { timeout: 30_000 }).toEqual([key(RECENT.beacon), key(OLD.beacon)])
  await expect(note).toBeEmpty()

  // Online: one list, each message once, newest first.
  await input.fill('lighthouse')
  await expect.poll(keys).toEqual([key(RECENT.lighthouse), key(OLD.lighthouse)])
  await expect(note).toBeEmpty()
  await expect(hits.nth(1)).toContainText(`entry ${OLD.lighthouse}`)

  // The server failing (its REST requests reset, the realtime link up): this device's hits, a note that
  // says so, and Try again — by keyboard — once it answers again.
  await app.failHttp()
  await input.fill('beacon on the hill')
  await expect(note).toContainText('couldn’t reach the server', { timeout: 30_000 })
  await expect.poll(keys).toEqual([key(RECENT.beacon)])
  await app.restoreNetwork()
  await page.getByTestId('search-server-retry').focus()
  await page.keyboard.press('Enter')
  await expect.poll(keys, { timeout: 30_000 }).toEqual([key(RECENT.beacon), key(OLD.beacon)])
  await expect(note).toBeEmpty()
  await input.fill('lighthouse')
  await expect.poll(keys).toEqual([key(RECENT.lighthouse), key(OLD.lighthouse)])

  // Opening the old hit brings its message, which the cache did not hold.
  await hits.nth(1).click()
  const target = page.locator(`[data-testid=message][data-seq="${OLD.lighthouse}"]`)
  await expect(target).toBeVisible({ timeout: 30_000 })
  await expect(target).toContainText(body(OLD.lighthouse))
})
