import { expect, test, uniqueName } from '../fixtures/test'
import { message, openConversation, register, send, startConversation } from '../fixtures/steps'

test('read receipts: delivered while bob is away or elsewhere, read within a second once he looks', async ({ launch }) => {
  const alice = await register(await launch('alice'), uniqueName('alice'), 'Alice')
  const bob = await register(await launch('bob'), uniqueName('bob'), 'Bob')
  const carol = await register(await launch('carol'), uniqueName('carol'), 'Carol')
  await startConversation(alice, [bob])
  await send(alice, 'first')
  await startConversation(carol, [bob])
  await send(carol, 'hi bob, carol here')

  // Bob's window is unfocused, his conversation with alice open.
  await bob.app.blur()
  await openConversation(bob, 'Alice')
  await send(alice, 'are you there?')
  const status = message(alice.app.page, 'are you there?').getByTestId('message-status')
  await expect(status).toHaveAttribute('data-receipt', 'delivered')
  await alice.app.page.waitForTimeout(1_500)
  await expect(status).toHaveAttribute('data-receipt', 'delivered')

  // Focused, but another conversation open: still not read.
  await openConversation(bob, 'Carol')
  await bob.app.focus()
  await send(alice, 'hello?')
  const second = message(alice.app.page, 'hello?').getByTestId('message-status')
  await expect(second).toHaveAttribute('data-receipt', 'delivered')
  await alice.app.page.waitForTimeout(1_500)
  await expect(second).toHaveAttribute('data-receipt', 'delivered')

  // Bob opens the conversation with the window focused: read.
  await openConversation(bob, 'Alice')
  await expect(second).toHaveAttribute('data-receipt', 'read')
  await expect(status).toHaveAttribute('data-receipt', 'read')

  // Away, then back with the conversation open: read within a second (median of three rounds).
  const times: number[] = []
  for (let round = 1; round <= 3; round++) {
    await bob.app.blur()
    await send(alice, `round ${round}`)
    const tick = message(alice.app.page, `round ${round}`).getByTestId('message-status')
    await expect(tick).toHaveAttribute('data-receipt', 'delivered')
    await alice.app.page.waitForTimeout(300)
    await expect(tick).toHaveAttribute('data-receipt', 'delivered')
    const focusedAt = Date.now()
    await bob.app.focus()
    // Polls every animation frame (expect() would back off to 1 s between checks).
    await alice.app.page.waitForFunction(
      (text) =>
        [...document.querySelectorAll('[data-testid=message]')]
          .find((row) => row.textContent?.includes(text))
          ?.querySelector('[data-testid=message-status]')
          ?.getAttribute('data-receipt') === 'read',
      `round ${round}`,
      { timeout: 10_000 },
    )
    times.push(Date.now() - focusedAt)
  }
  console.log(`focus → read ms: ${times.join(', ')}`)
  expect([...times].sort((a, b) => a - b)[1]).toBeLessThan(1_000)
})

test('groups of three: receipts show "read by N"', async ({ launch }) => {
  const alice = await register(await launch('alice'), uniqueName('alice'), 'Alice')
  const bob = await register(await launch('bob'), uniqueName('bob'), 'Bob')
  const carol = await register(await launch('carol'), uniqueName('carol'), 'Carol')
  await startConversation(alice, [bob, carol], 'Trio')
  await send(alice, 'hello both')
  const status = message(alice.app.page, 'hello both').getByTestId('message-status')
  await expect(status).toHaveAttribute('data-read-by', '0')

  await bob.app.focus()
  await openConversation(bob, 'Trio')
  await expect(status).toHaveAttribute('data-read-by', '1')
  await expect(status).toHaveAttribute('title', /read by 1/i)
  await carol.app.focus()
  await openConversation(carol, 'Trio')
  await expect(status).toHaveAttribute('data-read-by', '2')
  // Everyone has read it: plain "Read".
  await expect(status).toHaveAttribute('data-receipt', 'read')
})
