import { expect, test, uniqueName } from '../fixtures/test'
import { conversationItem, register, startConversation } from '../fixtures/steps'

test('presence: bob turns green when his app connects, grey with "last seen" after he quits and after his network dies', async ({ launch }) => {
  const alice = await register(await launch('alice'), uniqueName('alice'), 'Alice')
  let bob = await register(await launch('bob'), uniqueName('bob'), 'Bob')
  await startConversation(alice, [bob])
  const dot = conversationItem(alice.app.page, 'Bob').getByTestId('presence')
  await expect(dot).toHaveAttribute('data-online', 'true')
  await expect(alice.app.page.getByTestId('conversation-presence')).toHaveText(/online/i)

  await bob.app.quit()
  await expect(dot).toHaveAttribute('data-online', 'false')
  await expect(dot).toHaveAttribute('aria-label', /last seen/i)

  bob = { ...bob, app: await bob.app.relaunch() }
  await expect(dot).toHaveAttribute('data-online', 'true')

  // A half-open link (no FIN, no RST): the server's heartbeat (2 s + 1 s here) takes him out.
  await bob.app.blackholeNetwork()
  await expect(dot).toHaveAttribute('data-online', 'false', { timeout: 10_000 })
  await bob.app.restoreNetwork()
  await expect(dot).toHaveAttribute('data-online', 'true', { timeout: 15_000 })
})

test('the directory shows a stranger’s name only; someone I share a conversation with, with presence', async ({ launch }) => {
  const alice = await register(await launch('alice'), uniqueName('alice'), 'Alice')
  const bob = await register(await launch('bob'), uniqueName('bob'), 'Bob')
  const carol = await register(await launch('carol'), uniqueName('carol'), 'Carol')
  await startConversation(alice, [bob])

  const { page } = alice.app
  await page.getByTestId('new-conversation').click()
  const dialog = page.getByTestId('new-conversation-dialog')
  const row = (person: { username: string }) => dialog.getByTestId('person').filter({ hasText: `@${person.username}` })
  await dialog.getByRole('searchbox').fill(bob.username)
  await expect(row(bob).getByTestId('presence')).toHaveAttribute('data-online', 'true')
  await expect(row(bob)).toContainText(/online/i)

  await dialog.getByRole('searchbox').fill(carol.username)
  await expect(row(carol)).toBeVisible()
  await expect(row(carol).getByTestId('presence')).toHaveCount(0)
  await expect(row(carol).locator('.person__username')).toHaveText(`@${carol.username}`)
})
