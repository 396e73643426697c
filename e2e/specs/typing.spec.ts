import { expect, test, uniqueName } from '../fixtures/test'
import { openConversation, register, startConversation } from '../fixtures/steps'

test('the typing indicator shows while alice types and clears when she stops', async ({ launch }) => {
  const alice = await register(await launch('alice'), uniqueName('alice'), 'Alice')
  const bob = await register(await launch('bob'), uniqueName('bob'), 'Bob')
  await startConversation(alice, [bob])
  await openConversation(bob, 'Alice')
  const indicator = bob.app.page.getByTestId('typing')

  await alice.app.page.getByTestId('composer').pressSequentially('Let me think', { delay: 30 })
  await expect(indicator).toBeVisible()
  await expect(indicator).toContainText(/typing/i)
  await alice.app.page.getByTestId('composer').fill('')
  await expect(indicator).toBeHidden({ timeout: 8_000 })
})
