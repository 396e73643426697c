/**
 * The app's keyboard (src/renderer/src/lib/keymap.ts): the quick switcher
 * (Ctrl+K) with Chinese and English names, moving through the list
 * (Alt+↑/↓, Alt+Shift+↑/↓ to unread ones), the shortcuts help (Ctrl+/),
 * message search (Ctrl+Shift+F), a new conversation (Ctrl+N), and Esc
 * marking the open conversation read — seen by the sender as a read receipt;
 * a message's menu (right-click), which leaves links and selected text to the
 * native menu.
 */
import type { Locator } from '@playwright/test'
import { expect, test, uniqueName } from '../fixtures/test'
import { conversationItem, message, openConversation, register, send, startConversation, type Person } from '../fixtures/steps'

const header = (person: Person) => person.app.page.getByTestId('conversation-header')
const openId = (person: Person) => person.app.page.getByTestId('conversation').getAttribute('data-conversation-id')
const itemId = (person: Person, name: string) => conversationItem(person.app.page, name).getAttribute('data-conversation-id')

/**
 * Right-click `target`: whether the page acted on it — prevented the browser's menu (which the shell's native menu is)
 * for one of its own, or took the right button's auxclick (which Chromium sends too) — read when the events have gone
 * through the page.
 */
async function rightClickTaken(target: Locator): Promise<boolean> {
  const page = target.page()
  await page.evaluate(() => {
    const seen: Event[] = []
    ;(window as unknown as { __rightClick?: Event[] }).__rightClick = seen
    for (const type of ['contextmenu', 'auxclick']) window.addEventListener(type, (event) => void seen.push(event), { capture: true, once: true })
  })
  await target.click({ button: 'right' })
  const seen = await page.evaluate(() => ((window as unknown as { __rightClick?: Event[] }).__rightClick ?? []).map((event) => ({ type: event.type, taken: event.defaultPrevented })))
  if (!seen.some(({ type }) => type === 'contextmenu')) throw new Error('the right-click reached no contextmenu listener')
  return seen.some(({ taken }) => taken)
}

async function quickSwitch(person: Person, text: string): Promise<void> {
  const { page } = person.app
  await page.keyboard.press('Control+K')
  const input = page.getByTestId('quick-switcher').getByTestId('switcher-input')
  await expect(input).toBeFocused()
  await input.pressSequentially(text)
}

test('quick switcher: part of a Chinese or an English name, or a @username; Enter opens it, Esc closes and gives focus back', async ({ launch }) => {
  const alice = await register(await launch('alice'), uniqueName('alice'), 'Alice')
  const zhang = await register(await launch('zhang'), uniqueName('zhangwei'), '张伟')
  const dana = await register(await launch('dana'), uniqueName('dana'), 'Dana Whitfield')
  await startConversation(alice, [zhang])
  await startConversation(alice, [dana])
  await startConversation(alice, [zhang, dana], '产品讨论组')
  const { page } = alice.app
  const switcher = page.getByTestId('quick-switcher')
  const options = switcher.getByTestId('switcher-option')

  // "伟" is inside "张伟"; the group's "讨论" likewise.
  await quickSwitch(alice, '伟')
  await expect(options.first()).toContainText('张伟')
  await page.keyboard.press('Enter')
  await expect(switcher).toBeHidden()
  await expect(header(alice)).toContainText('张伟')
  await expect(page.getByTestId('composer')).toBeFocused()

  // An English word start, typed in lower case.
  await quickSwitch(alice, 'whit')
  await expect(options.first()).toContainText('Dana Whitfield')
  await expect(options.first()).toHaveAttribute('aria-selected', 'true')
  await page.keyboard.press('Enter')
  await expect(header(alice)).toContainText('Dana Whitfield')

  await quickSwitch(alice, '讨论')
  await expect(options).toHaveCount(1)
  await page.keyboard.press('Enter')
  await expect(header(alice)).toContainText('产品讨论组')

  // The other member's username finds a direct conversation; ↓ moves, Enter opens the chosen one.
  await quickSwitch(alice, `@${zhang.username}`)
  await expect(options.first()).toContainText(`@${zhang.username}`)
  await page.keyboard.press('Enter')
  await expect(header(alice)).toContainText('张伟')

  // Esc: closed, focus back in the composer it came from.
  await page.getByTestId('composer').focus()
  await quickSwitch(alice, 'nothing like this')
  await expect(switcher.getByTestId('switcher-option')).toHaveCount(0)
  await page.keyboard.press('Escape')
  await expect(switcher).toBeHidden()
  await expect(page.getByTestId('composer')).toBeFocused()
  await expect(header(alice)).toContainText('张伟')

  // The second section hands the text to message search.
  await send(alice, 'the harbour at dawn')
  await quickSwitch(alice, 'harbour')
  await expect(switcher.getByTestId('switcher-search')).toContainText('harbour')
  await switcher.getByTestId('switcher-search').click()
  await expect(switcher).toBeHidden()
  await expect(page.getByTestId('search-input')).toHaveValue('harbour')
  await expect(page.getByTestId('search-input')).toBeFocused()
  await expect(page.getByTestId('search-hit').first()).toContainText('harbour')
})

test('Alt+↑/↓ move through the list; Alt+Shift+↓/↑ to the next and previous conversation with unread messages', async ({ launch }) => {
  const alice = await register(await launch('alice'), uniqueName('alice'), 'Alice')
  const bob = await register(await launch('bob'), uniqueName('bob'), 'Bob')
  const { page } = alice.app
  for (const title of ['Delta', 'Charlie', 'Bravo', 'Alpha']) await startConversation(alice, [bob], title)
  // Bob writes in Delta and in Bravo, then Alice writes in Charlie and Alpha: the list reads
  // Alpha, Charlie, Bravo (unread), Delta (unread).
  await openConversation(bob, 'Delta')
  await send(bob, 'news in delta')
  await expect(conversationItem(page, 'Delta')).toHaveAttribute('data-unread', '1')
  await openConversation(bob, 'Bravo')
  await send(bob, 'news in bravo')
  await expect(conversationItem(page, 'Bravo')).toHaveAttribute('data-unread', '1')
  await openConversation(alice, 'Charlie')
  await send(alice, 'charlie, hello')
  await openConversation(alice, 'Alpha')
  await send(alice, 'alpha, hello')
  const order = page.getByTestId('conversation-item')
  await expect(order).toHaveText([/Alpha/, /Charlie/, /Bravo/, /Delta/])
  const ids = Object.fromEntries(await Promise.all(['Alpha', 'Bravo', 'Charlie', 'Delta'].map(async (name) => [name, await itemId(alice, name)] as const)))

  await page.getByTestId('composer').focus()
  await page.keyboard.press('Alt+ArrowDown')
  await expect.poll(() => openId(alice)).toBe(ids.Charlie)
  await page.keyboard.press('Alt+ArrowUp')
  await expect.poll(() => openId(alice)).toBe(ids.Alpha)
  // At the top: stays.
  await page.keyboard.press('Alt+ArrowUp')
  await expect.poll(() => openId(alice)).toBe(ids.Alpha)

  // Unread only: past Charlie to Bravo, then to Delta; nothing unread above Bravo.
  await page.keyboard.press('Alt+Shift+ArrowDown')
  await expect.poll(() => openId(alice)).toBe(ids.Bravo)
  await page.keyboard.press('Alt+Shift+ArrowDown')
  await expect.poll(() => openId(alice)).toBe(ids.Delta)
  await page.keyboard.press('Alt+ArrowUp')
  await expect.poll(() => openId(alice)).toBe(ids.Bravo)
  await page.keyboard.press('Alt+ArrowUp')
  await expect.poll(() => openId(alice)).toBe(ids.Charlie)
  // The window was never focused, so Bravo and Delta are still unread: ↑ finds none above Charlie, ↓ finds Bravo.
  await page.keyboard.press('Alt+Shift+ArrowUp')
  await expect.poll(() => openId(alice)).toBe(ids.Charlie)
  await page.keyboard.press('Alt+Shift+ArrowDown')
  await expect.poll(() => openId(alice)).toBe(ids.Bravo)
})

test('Ctrl+/ lists the shortcuts (Esc gives focus back); Ctrl+Shift+F focuses message search; a message’s menu copies its link — a link or selected text in it keeps the native menu; Ctrl+N starts a conversation', async ({ launch }) => {
  const alice = await register(await launch('alice'), uniqueName('alice'), 'Alice')
  const bob = await register(await launch('bob'), uniqueName('bob'), 'Bob')
  await startConversation(alice, [bob])
  const { page } = alice.app
  const composer = page.getByTestId('composer')
  await composer.focus()

  await page.keyboard.press('Control+/')
  const help = page.getByTestId('shortcuts-dialog')
  await expect(help).toBeVisible()
  const row = (id: string) => help.locator(`[data-testid=shortcut][data-shortcut-id=${id}]`)
  await expect(row('quickSwitcher')).toContainText('Ctrl+K')
  await expect(row('searchMessages')).toContainText('Ctrl+Shift+F')
  await expect(row('nextUnread')).toContainText('Alt+Shift+↓')
  await expect(row('markRead')).toContainText('Esc')
  await expect(row('newConversation')).toContainText('Ctrl+N')
  await expect(row('shortcutsHelp')).toContainText('Ctrl+/')
  // The message shortcuts are there too.
  await expect(row('reply')).toContainText('R')
  await expect(row('attachFiles')).toContainText('Ctrl+U')
  expect(await help.getByTestId('shortcut').count()).toBeGreaterThan(25)
  await page.keyboard.press('Escape')
  await expect(help).toBeHidden()
  await expect(composer).toBeFocused()

  await expect(page.getByTestId('search-input')).toHaveAttribute('placeholder', /Ctrl\+Shift\+F/)
  await page.keyboard.press('Control+Shift+F')
  await expect(page.getByTestId('search-input')).toBeFocused()

  // A sent message's menu copies its parley:// link.
  await send(alice, 'link to me')
  const sent = message(page, 'link to me')
  await expect(sent).toHaveAttribute('data-state', 'sent')
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'])
  await sent.locator('.message__bubble').click({ button: 'right' })
  await page.getByTestId('message-menu').getByTestId('menu-copy-link').click()
  const conversationId = await page.getByTestId('conversation').getAttribute('data-conversation-id')
  const seq = await sent.getAttribute('data-seq')
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(`parley://message/${conversationId}/${seq}`)

  // A link in a message, and selected text, keep the native menu (main's context-menu.ts: open or copy the link, copy the
  // text): the page leaves the right-click alone — the message's menu stays shut, the link is not opened (a click opens
  // it). The rest of the bubble still opens the message's menu.
  await send(alice, 'see https://example.com/guide first')
  const withLink = message(page, 'see https://example.com/guide first')
  await expect(withLink).toHaveAttribute('data-state', 'sent')
  const menu = page.getByTestId('message-menu')
  const link = withLink.getByRole('link', { name: 'https://example.com/guide' })
  await expect(menu).toHaveCount(0)
  expect(await rightClickTaken(link)).toBe(false)
  await expect(menu).toHaveCount(0)
  await link.click()
  await expect.poll(() => alice.app.openedLinks()).toEqual(['https://example.com/guide'])
  await withLink.getByText('first').selectText()
  expect(await page.evaluate(() => window.getSelection()?.toString())).toBe(' first')
  expect(await rightClickTaken(withLink.getByText('first'))).toBe(false)
  await expect(menu).toHaveCount(0)
  await page.evaluate(() => window.getSelection()?.removeAllRanges())
  expect(await rightClickTaken(withLink.getByText('first'))).toBe(true)
  await expect(menu).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(menu).toHaveCount(0)

  await composer.focus()
  await page.keyboard.press('Control+N')
  await expect(page.getByTestId('new-conversation-dialog')).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('new-conversation-dialog')).toBeHidden()
  await expect(composer).toBeFocused()
})

test('Esc marks the open conversation read up to the latest message — only in a focused window; the sender sees it read', async ({ launch }) => {
  const alice = await register(await launch('alice'), uniqueName('alice'), 'Alice')
  const bob = await register(await launch('bob'), uniqueName('bob'), 'Bob')
  await startConversation(bob, [alice])
  const count = 40
  for (let n = 1; n <= count; n++) await send(bob, `backlog ${String(n).padStart(2, '0')}`)
  const latest = message(bob.app.page, `backlog ${count}`).getByTestId('message-status')
  await expect(latest).toHaveAttribute('data-receipt', 'delivered')

  // Alice opens it focused: it opens at the first unread message, so the latest is off screen and stays unread.
  await alice.app.focus()
  await openConversation(alice, 'Bob')
  const { page } = alice.app
  await expect(page.getByTestId('unread-divider')).toBeVisible()
  await expect(message(page, `backlog ${count}`)).toHaveCount(0)
  await bob.app.page.waitForTimeout(1_000)
  await expect(latest).toHaveAttribute('data-receipt', 'delivered')

  // Not focused: Esc does nothing.
  await alice.app.blur()
  await page.keyboard.press('Escape')
  await bob.app.page.waitForTimeout(1_000)
  await expect(latest).toHaveAttribute('data-receipt', 'delivered')
  await expect(message(page, `backlog ${count}`)).toHaveCount(0)

  // Focused: Esc scrolls to the latest, which the read rule then reports.
  await alice.app.focus()
  await page.keyboard.press('Escape')
  await expect(message(page, `backlog ${count}`)).toBeInViewport()
  await expect(latest).toHaveAttribute('data-receipt', 'read')
  await expect(conversationItem(page, 'Bob')).toHaveAttribute('data-unread', '0')
})
