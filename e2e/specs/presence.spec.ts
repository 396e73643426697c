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
