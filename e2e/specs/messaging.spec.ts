import { expect, test, uniqueName } from '../fixtures/test'
import { message, openConversation, register, send, startConversation } from '../fixtures/steps'

test('register, start a direct conversation, exchange messages both ways — each arrives within a second', async ({ launch }) => {
  const alice = await register(await launch('alice'), uniqueName('alice'), 'Alice Martin')
  const bob = await register(await launch('bob'), uniqueName('bob'), 'Bob Chen')
  await alice.app.focus()

  await startConversation(alice, [bob])
  await send(alice, 'Hi Bob, lunch today?')
  await expect(message(alice.app.page, 'Hi Bob, lunch today?')).toHaveAttribute('data-state', 'sent')

  await openConversation(bob, 'Alice Martin')
  const sentAt = Date.now()
  await send(bob, 'Sure — 12:30?')
  await expect(message(alice.app.page, 'Sure — 12:30?')).toBeVisible({ timeout: 1_000 })
  expect(Date.now() - sentAt).toBeLessThan(1_000)
  await expect(message(bob.app.page, 'Hi Bob, lunch today?')).toBeVisible()

  const again = Date.now()
  await send(alice, 'Perfect 👍')
  await expect(message(bob.app.page, 'Perfect 👍')).toBeVisible({ timeout: 1_000 })
  expect(Date.now() - again).toBeLessThan(1_000)
})
