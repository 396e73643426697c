import { expect, test, uniqueName } from '../fixtures/test'
import { message, messages, openConversation, register, send, startConversation } from '../fixtures/steps'

test('offline: the banner shows, sends wait as pending, and after the restore everything arrives once, in order', async ({ launch }) => {
  const alice = await register(await launch('alice'), uniqueName('alice'), 'Alice')
  const bob = await register(await launch('bob'), uniqueName('bob'), 'Bob')
  await startConversation(alice, [bob])
  await send(alice, 'before the cut')
  await openConversation(bob, 'Alice')

  await alice.app.cutNetwork()
  const banner = alice.app.page.getByTestId('connection-banner')
  await expect(banner).toBeVisible()
  await expect(banner).toContainText(/offline|connecting/i)

  for (const text of ['offline one', 'offline two', 'offline three']) await send(alice, text)
  for (const text of ['offline one', 'offline two', 'offline three']) {
    await expect(message(alice.app.page, text)).toHaveAttribute('data-state', 'pending')
  }
  await send(bob, 'bob in the gap 1')
  await send(bob, 'bob in the gap 2')

  await alice.app.restoreNetwork()
  await expect(banner).toBeHidden({ timeout: 20_000 })
  for (const page of [alice.app.page, bob.app.page]) {
    for (const text of ['offline one', 'offline two', 'offline three', 'bob in the gap 1', 'bob in the gap 2']) {
      await expect(message(page, text)).toHaveCount(1)
    }
  }
  for (const text of ['offline one', 'offline two', 'offline three']) {
    await expect(message(alice.app.page, text)).toHaveAttribute('data-state', 'sent')
  }
  const order = async (page: typeof alice.app.page) =>
    (await messages(page).allTextContents()).map((text) => /offline (one|two|three)/.exec(text)?.[0]).filter(Boolean)
  expect(await order(alice.app.page)).toEqual(['offline one', 'offline two', 'offline three'])
  expect(await order(bob.app.page)).toEqual(['offline one', 'offline two', 'offline three'])
})

test('offline history: with no server in reach, a restarted app reopens the last conversation and shows history and search from its cache', async ({ launch }) => {
  const alice = await register(await launch('alice'), uniqueName('alice'), 'Alice')
  const bob = await register(await launch('bob'), uniqueName('bob'), 'Bob')
  await startConversation(alice, [bob])
  await send(alice, 'Meet at the harbour at noon')
  await openConversation(bob, 'Alice')
  await send(bob, 'See you at the harbour')
  await expect(message(alice.app.page, 'See you at the harbour')).toBeVisible()

  await alice.app.cutNetwork()
  const again = await alice.app.relaunch()
  const page = again.page
  await expect(page.getByTestId('connection-banner')).toBeVisible()
  await expect(page.getByTestId('conversation-item').filter({ hasText: 'Bob' })).toBeVisible()
  // The conversation open when the app quit is open again, at its latest message, nothing clicked.
  await expect(page.getByTestId('conversation-item').filter({ hasText: 'Bob' })).toHaveAttribute('aria-selected', 'true')
  await expect(message(page, 'See you at the harbour')).toBeInViewport()
  await expect(message(page, 'Meet at the harbour at noon')).toBeVisible()
  await page.getByTestId('search-input').fill('harbour')
  await expect(page.getByTestId('search-hit')).toHaveCount(2)
})
