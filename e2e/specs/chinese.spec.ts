import { expect, test, uniqueName } from '../fixtures/test'
import { message, openConversation, register, send, startConversation } from '../fixtures/steps'

test('zh-CN: the UI in Chinese, Chinese messages sent and found again by a two-character word', async ({ launch }) => {
  const alice = await register(await launch('alice', { locale: 'zh-CN' }), uniqueName('alice'), '王小明')
  const bob = await register(await launch('bob'), uniqueName('bob'), '李雷')
  const page = alice.app.page
  await expect(page.getByTestId('new-conversation')).toHaveAttribute('aria-label', '新建会话')
  await expect(page.getByRole('navigation', { name: '会话' })).toBeVisible()

  await startConversation(alice, [bob])
  await send(alice, '我们周末去爬山吧')
  await openConversation(bob, '王小明')
  await send(bob, '好啊，周六早上八点见')
  await expect(message(page, '好啊，周六早上八点见')).toBeVisible()

  await page.getByTestId('search-input').fill('周末')
  const hit = page.getByTestId('search-hit')
  await expect(hit).toHaveCount(1)
  await expect(hit.locator('mark')).toHaveText('周末')
  await page.getByTestId('search-input').fill('八点')
  await expect(page.getByTestId('search-hit')).toHaveCount(1)
  await page.getByTestId('search-hit').click()
  await expect(message(page, '好啊，周六早上八点见')).toBeVisible()
})
