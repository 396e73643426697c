import { expect, test, uniqueName } from '../fixtures/test'
import { conversationItem, message, register, send, startConversation } from '../fixtures/steps'

test('notifications: one per message while alice is away, none while she looks; a click opens the conversation and marks it read', async ({ launch }) => {
  const alice = await register(await launch('alice'), uniqueName('alice'), 'Alice')
  const bob = await register(await launch('bob'), uniqueName('bob'), 'Bob')
  const carol = await register(await launch('carol'), uniqueName('carol'), 'Carol')
  await startConversation(bob, [alice])
  await startConversation(carol, [alice])
  await send(bob, 'warming up')
  await expect(conversationItem(alice.app.page, 'Bob')).toBeVisible()

  await alice.app.blur()
  const before = (await alice.app.notifications()).length
  await send(bob, 'ping from bob')
  await send(carol, 'ping from carol')
  await expect.poll(async () => (await alice.app.notifications()).length).toBe(before + 2)
  const [fromBob, fromCarol] = (await alice.app.notifications()).slice(before)
  expect(fromBob).toMatchObject({ title: 'Bob', body: 'ping from bob' })
  expect(fromCarol).toMatchObject({ title: 'Carol', body: 'ping from carol' })
  expect(fromBob?.conversationId).not.toBe(fromCarol?.conversationId)

  await alice.app.focus()
  await alice.app.clickNotification(fromBob?.conversationId ?? '')
  await expect(alice.app.page.getByTestId('conversation')).toHaveAttribute('data-conversation-id', fromBob?.conversationId ?? '')
  await expect(message(alice.app.page, 'ping from bob')).toBeVisible()
  await expect(conversationItem(alice.app.page, 'Bob').getByTestId('unread-badge')).toBeHidden()
  await expect(message(bob.app.page, 'ping from bob').getByTestId('message-status')).toHaveAttribute('data-receipt', 'read')

  // Looking at the conversation: no notification for new messages there.
  const count = (await alice.app.notifications()).length
  await send(bob, 'while you look')
  await expect(message(alice.app.page, 'while you look')).toBeVisible()
  await alice.app.page.waitForTimeout(500)
  expect((await alice.app.notifications()).length).toBe(count)
})
