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
  // A later message in a conversation she is not looking at does notify: once it has, the other had its chance.
  await send(carol, 'meanwhile from carol')
  await expect.poll(async () => (await alice.app.notifications()).length).toBe(count + 1)
  expect((await alice.app.notifications()).slice(count)).toEqual([expect.objectContaining({ title: 'Carol', body: 'meanwhile from carol' })])
})

/** "HH:MM", `minutes` from now in this machine's time zone — the core's, which decides quiet hours. */
function localTime(minutesFromNow: number): string {
  const at = new Date(Date.now() + minutesFromNow * 60_000)
  return `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`
}

test('quiet hours: during them a plain message does not notify, a mention does; turned off, plain messages notify again', async ({ launch }) => {
  const alice = await register(await launch('alice'), uniqueName('alice'), 'Alice')
  const bob = await register(await launch('bob'), uniqueName('bob'), 'Bob')
  await startConversation(bob, [alice])
  await send(bob, 'warming up')
  const a = alice.app.page
  await expect(conversationItem(a, 'Bob')).toBeVisible()

  // Settings › General: quiet hours from an hour ago to an hour from now (across midnight too, when it falls in them).
  await a.getByTestId('open-settings').click()
  const quiet = a.getByTestId('settings-dialog').getByTestId('quiet-hours')
  await expect(quiet.getByTestId('quiet-from')).toBeDisabled()
  await quiet.getByTestId('quiet-hours-toggle').check()
  await quiet.getByTestId('quiet-from').fill(localTime(-60))
  await quiet.getByTestId('quiet-to').fill(localTime(60))
  await expect(quiet.getByTestId('quiet-from')).toHaveValue(localTime(-60))
  await expect(quiet.getByTestId('quiet-to')).toHaveValue(localTime(60))
  await a.keyboard.press('Escape')

  await alice.app.blur()
  const before = (await alice.app.notifications()).length
  await send(bob, 'a plain message in quiet hours')
  await send(bob, `@${alice.username} this one mentions you`)
  const item = conversationItem(a, 'Bob')
  await expect(item).toContainText('this one mentions you')
  await expect(item.getByTestId('mention-badge')).toBeVisible()
  // Both arrived: "warming up", the plain message and the mention are unread.
  await expect(item.getByTestId('unread-badge')).toHaveText('3')
  await expect.poll(async () => (await alice.app.notifications()).length).toBe(before + 1)
  // Only the mention notified; the plain message came first, so it had its chance before it.
  expect((await alice.app.notifications()).slice(before)).toEqual([expect.objectContaining({ title: 'Bob', body: expect.stringContaining('this one mentions you') })])

  // Quiet hours off: a plain message notifies again.
  await alice.app.focus()
  await a.getByTestId('open-settings').click()
  await a.getByTestId('settings-dialog').getByTestId('quiet-hours-toggle').uncheck()
  await expect(a.getByTestId('settings-dialog').getByTestId('quiet-from')).toBeDisabled()
  await a.keyboard.press('Escape')
  await alice.app.blur()
  await send(bob, 'quiet hours are over')
  await expect.poll(async () => (await alice.app.notifications()).length).toBe(before + 2)
  expect((await alice.app.notifications()).at(-1)).toMatchObject({ title: 'Bob', body: 'quiet hours are over' })
})
