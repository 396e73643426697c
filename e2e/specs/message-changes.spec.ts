/**
 * Messages people can change (issue 17), across two users through the UI
 * only: edit, delete for everyone, reactions, reply and jump to the original,
 * mentions — in English and in Chinese; edits made while the other user was
 * offline; a deleted message is gone from search.
 */
import type { Page } from '@playwright/test'
import { expect, test, uniqueName } from '../fixtures/test'
import { conversationItem, message, openConversation, register, send, startConversation, type Person } from '../fixtures/steps'

/** Hover a message and click one of its toolbar actions. */
async function act(page: Page, text: string, action: 'react' | 'reply' | 'edit' | 'delete' | 'copy'): Promise<void> {
  const row = message(page, text)
  await row.hover()
  await row.getByTestId(`action-${action}`).click()
}

async function editMessage(person: Person, text: string, next: string): Promise<void> {
  const { page } = person.app
  await act(page, text, 'edit')
  const editor = page.getByTestId('message-editor').locator('textarea')
  await editor.fill(next)
  await editor.press('Enter')
  await expect(page.getByTestId('message-editor')).toHaveCount(0)
}

test('edit, delete, react, reply and mention reach the other user', async ({ launch }) => {
  const alice = await register(await launch('alice'), uniqueName('alice'), 'Alice Martin')
  const bob = await register(await launch('bob'), uniqueName('bob'), 'Bob Chen')
  await alice.app.focus()
  await startConversation(alice, [bob])
  await send(alice, 'Lunch at noon?')
  await send(alice, 'I will book a tabel')
  await send(alice, 'Wrong chat, ignore this')
  await openConversation(bob, 'Alice Martin')
  const a = alice.app.page
  const b = bob.app.page
  await expect(message(b, 'Wrong chat')).toBeVisible()

  // Edit from the toolbar: Bob sees the new text and "(edited)".
  await editMessage(alice, 'I will book a tabel', 'I will book a **table**')
  await expect(message(a, 'I will book a table').getByTestId('message-edited')).toBeVisible()
  await expect(message(b, 'I will book a table').locator('strong')).toHaveText('table')
  await expect(message(b, 'I will book a table').getByTestId('message-edited')).toHaveText('(edited)')
  await expect(message(b, 'tabel')).toHaveCount(0)

  // Up-arrow in the empty composer edits the last message; Esc cancels.
  await a.getByTestId('composer').press('ArrowUp')
  await expect(a.getByTestId('message-editor').locator('textarea')).toHaveValue('Wrong chat, ignore this')
  await a.getByTestId('message-editor').locator('textarea').press('Escape')
  await expect(a.getByTestId('message-editor')).toHaveCount(0)

  // Delete for everyone, after a confirmation: a tombstone in place on both sides.
  await act(a, 'Wrong chat', 'delete')
  await a.getByTestId('delete-message-dialog').getByTestId('confirm-delete').click()
  for (const page of [a, b]) {
    await expect(page.getByTestId('message-deleted')).toHaveText('This message was deleted')
    await expect(message(page, 'Wrong chat')).toHaveCount(0)
  }
  await expect(b.locator('[data-testid=message][data-deleted=true]').getByTestId('message-toolbar')).toHaveCount(0)

  // React: Bob from the toolbar's picker (search), Alice joins from the chip; a second click takes it back.
  await act(b, 'Lunch at noon?', 'react')
  await b.getByTestId('emoji-search').fill('thumbs up')
  await b.getByTestId('emoji-picker').getByTestId('emoji-option').first().click()
  const chip = (page: Page) => message(page, 'Lunch at noon?').getByTestId('reaction').filter({ hasText: '👍' })
  await expect(chip(b)).toHaveAttribute('data-mine', 'true')
  await expect(chip(a)).toHaveAttribute('data-count', '1')
  await chip(a).click()
  await expect(chip(b)).toHaveAttribute('data-count', '2')
  await expect(chip(a)).toHaveAttribute('title', /Bob Chen/)
  await chip(b).click()
  await expect(chip(a)).toHaveAttribute('data-count', '1')
  await expect(chip(a)).toHaveAttribute('data-mine', 'true')

  // Reply with a mention: Bob's reply quotes Alice's message and mentions her.
  await act(b, 'Lunch at noon?', 'reply')
  await expect(b.getByTestId('reply-bar')).toContainText('Lunch at noon?')
  const composer = b.getByTestId('composer')
  await composer.pressSequentially('Yes @Ali')
  await expect(b.getByTestId('mention-option')).toHaveCount(1)
  await expect(b.getByTestId('mention-option')).toContainText('Alice Martin')
  await composer.press('Enter')
  await expect(composer).toHaveValue(`Yes @${alice.username} `)
  await composer.pressSequentially('see you')
  await composer.press('Enter')
  await expect(b.getByTestId('reply-bar')).toHaveCount(0)

  const reply = message(a, 'see you')
  await expect(reply.getByTestId('reply-snippet')).toContainText('Lunch at noon?')
  await expect(reply.getByTestId('mention')).toHaveText('@Alice Martin')
  await expect(reply).toHaveAttribute('data-mentions-me', 'true')
  await expect(message(b, 'see you').getByTestId('mention')).toHaveText('@Alice Martin')

  // Clicking the snippet scrolls to the original and highlights it.
  await reply.getByTestId('reply-snippet').click()
  const original = message(a, 'Lunch at noon?').filter({ hasNot: a.getByTestId('reply-snippet') })
  await expect(original).toHaveClass(/message--highlighted/)

  // An unread mention puts an @ badge on the conversation in the list; reading it takes the badge away.
  await alice.app.blur()
  await composer.fill(`@${alice.username} are you there?`)
  await composer.press('Enter')
  const item = a.getByTestId('conversation-item').filter({ hasText: 'Bob Chen' })
  await expect(item.getByTestId('mention-badge')).toBeVisible()
  await expect(item).toHaveAttribute('aria-label', /You were mentioned/)
  await alice.app.focus()
  await expect(item.getByTestId('mention-badge')).toHaveCount(0)
})

test('keyboard: the action menu from a focused row, the mention list and the quote bar', async ({ launch }) => {
  const alice = await register(await launch('alice'), uniqueName('alice'), 'Alice Martin')
  const bob = await register(await launch('bob'), uniqueName('bob'), 'Bob Chen')
  await alice.app.focus()
  await startConversation(alice, [bob])
  await send(alice, 'Keyboard first')
  const a = alice.app.page
  await expect(message(a, 'Keyboard first')).toHaveAttribute('data-state', 'sent')

  const row = message(a, 'Keyboard first')
  // The list keeps a row hidden while it measures it, and a hidden row cannot take focus.
  await expect(row).toBeVisible()
  await row.focus()
  await expect(row).toBeFocused()
  await row.press('Shift+F10')
  const menu = a.getByTestId('message-menu')
  await expect(menu).toBeVisible()
  await expect(menu.getByRole('menuitem', { name: 'Reply' })).toBeVisible()
  await a.keyboard.press('Escape')
  await expect(menu).toHaveCount(0)

  // R on the row replies; Esc in the composer cancels the reply.
  await row.focus()
  await expect(row).toBeFocused()
  await row.press('r')
  await expect(a.getByTestId('reply-bar')).toBeVisible()
  await expect(a.getByTestId('composer')).toBeFocused()
  await a.getByTestId('composer').press('Escape')
  await expect(a.getByTestId('reply-bar')).toHaveCount(0)

  // The mention list: ↓ and Tab pick, Esc closes.
  const composer = a.getByTestId('composer')
  await composer.pressSequentially('@')
  await expect(a.getByTestId('mention-suggestions')).toBeVisible()
  await expect(composer).toHaveAttribute('aria-expanded', 'true')
  await composer.press('Escape')
  await expect(a.getByTestId('mention-suggestions')).toHaveCount(0)
  await composer.pressSequentially('b')
  await composer.press('Tab')
  await expect(composer).toHaveValue(`@${bob.username} `)

  // Enter on the row opens the menu; its first items are the quick reactions.
  await row.focus()
  await expect(row).toBeFocused()
  await row.press('Enter')
  await a.getByTestId('menu-reaction').first().press('Enter')
  await expect(row.getByTestId('reaction')).toHaveAttribute('data-emoji', '👍')
})

test('in Chinese: edit, delete, reactions by Chinese search, mentions by Chinese name', async ({ launch }) => {
  const li = await register(await launch('li', { locale: 'zh-CN' }), uniqueName('li'), '李雷')
  const han = await register(await launch('han', { locale: 'zh-CN' }), uniqueName('han'), '韩梅梅')
  await li.app.focus()
  await startConversation(li, [han])
  await send(li, '周末去爬山吗？')
  await send(li, '我定了早上八点')
  await openConversation(han, '李雷')
  const l = li.app.page
  const h = han.app.page
  await expect(message(h, '早上八点')).toBeVisible()

  await editMessage(li, '早上八点', '我定了早上九点')
  await expect(message(h, '早上九点').getByTestId('message-edited')).toHaveText('（已编辑）')

  await act(h, '周末去爬山吗', 'react')
  await h.getByTestId('emoji-search').fill('拇指')
  await h.getByTestId('emoji-picker').getByTestId('emoji-option').first().click()
  await expect(message(l, '周末去爬山吗').getByTestId('reaction')).toHaveAttribute('title', '韩梅梅')

  const composer = h.getByTestId('composer')
  await composer.pressSequentially('好的 @李')
  await expect(h.getByTestId('mention-option')).toContainText('李雷')
  await composer.press('Enter')
  await composer.pressSequentially('一起去')
  await composer.press('Enter')
  await expect(message(l, '一起去').getByTestId('mention')).toHaveText('@李雷')
  await expect(conversationItem(l, '韩梅梅')).toBeVisible()

  await act(l, '周末去爬山吗', 'delete')
  await expect(l.getByTestId('delete-message-dialog')).toContainText('删除这条消息？')
  await l.getByTestId('confirm-delete').click()
  await expect(h.getByTestId('message-deleted')).toHaveText('此消息已被删除')
})

test('edits made while a user was offline show after reconnecting; a deleted message is gone from search', async ({ launch }) => {
  const alice = await register(await launch('alice'), uniqueName('alice'), 'Alice Martin')
  const bob = await register(await launch('bob'), uniqueName('bob'), 'Bob Chen')
  await alice.app.focus()
  await startConversation(alice, [bob])
  await send(alice, 'Meeting in room 4')
  await send(alice, 'secretcode-zebra-42')
  await openConversation(bob, 'Alice Martin')
  const b = bob.app.page
  await expect(message(b, 'secretcode-zebra-42')).toBeVisible()

  // Bob finds it by search before it is deleted.
  await b.getByTestId('search-input').fill('zebra')
  await expect(b.getByTestId('search-hit')).toHaveCount(1)
  await b.getByTestId('search-input').fill('')

  await bob.app.cutNetwork()
  await expect(b.getByTestId('connection-banner')).toBeVisible()
  await editMessage(alice, 'Meeting in room 4', 'Meeting in room 7')
  await act(alice.app.page, 'secretcode-zebra-42', 'delete')
  await alice.app.page.getByTestId('confirm-delete').click()
  await expect(alice.app.page.getByTestId('message-deleted')).toBeVisible()
  await bob.app.restoreNetwork()

  await expect(message(b, 'Meeting in room 7').getByTestId('message-edited')).toBeVisible({ timeout: 15_000 })
  await expect(message(b, 'room 4')).toHaveCount(0)
  await expect(b.getByTestId('message-deleted')).toBeVisible()
  await expect(message(b, 'secretcode-zebra-42')).toHaveCount(0)

  await b.getByTestId('search-input').fill('zebra')
  await expect(b.getByRole('region', { name: 'Search results' })).toContainText('No messages found.')
  await expect(b.getByTestId('search-hit')).toHaveCount(0)
})
