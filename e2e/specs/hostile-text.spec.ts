import { expect, test, uniqueName } from '../fixtures/test'
import { message, openConversation, register, send, startConversation } from '../fixtures/steps'

const HOSTILE = [
  '<img src=x onerror="window.__pwned=1">',
  '<script>window.__pwned=2</script>',
  'javascript:window.__pwned=3',
  '[click me](javascript:window.__pwned=4)',
  'JaVaScRiPt:window.__pwned=5 and https://example.com/ok',
]

test('hostile text renders as text and runs nothing; only http(s) links become links', async ({ launch }) => {
  const alice = await register(await launch('alice'), uniqueName('alice'), 'Alice')
  const bob = await register(await launch('bob'), uniqueName('bob'), 'Bob')
  await startConversation(bob, [alice])
  for (const text of HOSTILE) await send(bob, text)
  await openConversation(alice, 'Bob')
  const page = alice.app.page
  for (const text of HOSTILE) await expect(message(page, text)).toHaveCount(1)

  expect(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined()
  await expect(page.getByTestId('message-list').locator('img, script, iframe')).toHaveCount(0)
  const hrefs = await page.getByTestId('message-list').locator('a[href]').evaluateAll((links) =>
    links.map((link) => link.getAttribute('href') ?? ''),
  )
  expect(hrefs.every((href) => /^https?:\/\//.test(href))).toBe(true)
  expect(hrefs).toContain('https://example.com/ok')
  // A click on a link asks the core to open it in the browser; the page never navigates.
  const url = page.url()
  await message(page, 'https://example.com/ok').getByRole('link', { name: 'https://example.com/ok' }).click()
  expect(page.url()).toBe(url)
})
