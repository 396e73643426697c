import { expect, test, uniqueName } from '../fixtures/test'
import { message, openConversation, register, send, startConversation, type Person } from '../fixtures/steps'

/** Milliseconds from pressing Enter at `from` until the message shows at `to`. */
async function deliveryTime(from: Person, to: Person, text: string): Promise<number> {
  const start = Date.now()
  await send(from, text)
  // waitFor polls every animation frame; expect() backs off to 1 s between checks.
  await message(to.app.page, text).waitFor({ state: 'visible', timeout: 10_000 })
  return Date.now() - start
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN

test('register, start a direct conversation, exchange messages both ways — they appear in under a second', async ({ launch }) => {
  const alice = await register(await launch('alice'), uniqueName('alice'), 'Alice Martin')
  const bob = await register(await launch('bob'), uniqueName('bob'), 'Bob Chen')
  await alice.app.focus()

  await startConversation(alice, [bob])
  await send(alice, 'Hi Bob, lunch today?')
  await expect(message(alice.app.page, 'Hi Bob, lunch today?')).toHaveAttribute('data-state', 'sent')
  await openConversation(bob, 'Alice Martin')
  await expect(message(bob.app.page, 'Hi Bob, lunch today?')).toBeVisible()

  // Several each way: the median must be under a second (one slow sample on a busy machine is not a failure).
  const toAlice: number[] = []
  const toBob: number[] = []
  for (let i = 1; i <= 5; i++) {
    toAlice.push(await deliveryTime(bob, alice, `Sure — 12:3${i}?`))
    toBob.push(await deliveryTime(alice, bob, `Perfect ${i} 👍`))
  }
  console.log(`delivery ms — bob→alice ${toAlice.join(', ')}; alice→bob ${toBob.join(', ')}`)
  expect(median(toAlice)).toBeLessThan(1_000)
  expect(median(toBob)).toBeLessThan(1_000)
  for (const page of [alice.app.page, bob.app.page]) {
    await expect(message(page, 'Perfect 5 👍')).toHaveAttribute('data-state', 'sent')
    await expect(page.getByTestId('message')).toHaveCount(11)
  }
})
