import { expect, test, uniqueName } from '../fixtures/test'
import { message, openConversation, register, send, startConversation } from '../fixtures/steps'

// Issue 14: "Аlice" (Cyrillic А) joins a group with Alice. Nobody can tell them apart by name, so the
// timeline shows each one's @username beside it; Bob, whose name looks like nobody's, stays plain.
test('look-alike names: a group with "Alice" and "\u0410lice" shows both @usernames in the timeline', async ({ launch }) => {
  const alice = await register(await launch('alice'), uniqueName('alice'), 'Alice')
  const mallory = await register(await launch('mallory'), uniqueName('mallory'), '\u0410lice')
  const bob = await register(await launch('bob'), uniqueName('bob'), 'Bob')
  await startConversation(bob, [alice, mallory], 'Trio')
  await send(bob, 'hello both')
  await openConversation(alice, 'Trio')
  await send(alice, 'from the first one')
  await openConversation(mallory, 'Trio')
  await send(mallory, 'from the second one')

  const page = bob.app.page
  const realSender = message(page, 'from the first one').getByTestId('message-sender')
  const otherSender = message(page, 'from the second one').getByTestId('message-sender')
  await expect(realSender).toHaveText(`\u2068Alice\u2069 \u2066@${alice.username}\u2069`)
  await expect(otherSender).toHaveText(`\u2068\u0410lice\u2069 \u2066@${mallory.username}\u2069`)
  // What a screen reader reads for the row carries the username too.
  await expect(message(page, 'from the second one')).toContainText(`@${mallory.username}`)

  await expect(message(alice.app.page, 'hello both').getByTestId('message-sender')).toHaveText('Bob')
  await expect(message(alice.app.page, 'from the second one').getByTestId('message-sender')).toHaveText(`\u2068\u0410lice\u2069 \u2066@${mallory.username}\u2069`)
})
