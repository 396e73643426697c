/**
 * Groups (issue 19): a group is created, people are added, promoted, removed
 * and leave, it is renamed — each change is a centred line in everyone's
 * timeline; whoever is no longer in it keeps the history, read-only. And a
 * muted conversation notifies nobody.
 */
import { expect, test, uniqueName } from '../fixtures/test'
import { conversationItem, message, openConversation, openInfo, register, send, startConversation, systemLine } from '../fixtures/steps'

test('create a group, add, promote and remove people, rename it, leave it; removed and departed members read but cannot write', async ({ launch }) => {
  const alice = await register(await launch('alice'), uniqueName('alice'), 'Alice')
  const bob = await register(await launch('bob'), uniqueName('bob'), 'Bob')
  const carol = await register(await launch('carol'), uniqueName('carol'), 'Carol')
  const dan = await register(await launch('dan'), uniqueName('dan'), 'Dan')
  const a = alice.app.page

  await startConversation(alice, [bob, carol], 'Q3 planning')
  await send(alice, 'kick-off')
  await openConversation(bob, 'Q3 planning')
  await openConversation(carol, 'Q3 planning')
  await expect(message(carol.app.page, 'kick-off')).toBeVisible()

  // Add Dan from the info panel.
  let panel = await openInfo(alice)
  await expect(panel.getByTestId('member').filter({ hasText: 'Alice' }).getByTestId('member-role')).toHaveText('Owner')
  await panel.getByTestId('add-people').click()
  const adding = a.getByTestId('add-people-dialog')
  await adding.getByRole('searchbox').fill(dan.username)
  await adding.getByTestId('person').filter({ hasText: `@${dan.username}` }).locator('input[type=checkbox]').check()
  await adding.getByTestId('add-people-submit').click()
  await expect(adding).toBeHidden()
  await expect(panel.getByTestId('member')).toHaveCount(4)
  await expect(systemLine(a, 'You added Dan')).toBeVisible()
  await openConversation(dan, 'Q3 planning')
  await expect(systemLine(dan.app.page, 'Alice added you')).toBeVisible()
  // Members added see the history.
  await expect(message(dan.app.page, 'kick-off')).toBeVisible()

  // Make Bob an admin, with the keyboard: the member's actions button, then the menu.
  const bobRow = panel.getByTestId('member').filter({ hasText: 'Bob' })
  await bobRow.getByTestId('member-actions').focus()
  await a.keyboard.press('Enter')
  await expect(a.getByTestId('member-menu')).toBeVisible()
  await expect(a.getByTestId('menu-make-admin')).toBeFocused()
  await a.keyboard.press('Enter')
  await expect(bobRow.getByTestId('member-role')).toHaveText('Admin')
  await expect(systemLine(bob.app.page, 'Alice made you an admin')).toBeVisible()

  // An admin deletes someone else's message for everyone, from the keyboard (a plain member could not).
  await send(dan, 'posted in the wrong group')
  const wrong = message(bob.app.page, 'posted in the wrong group')
  await expect(wrong).toBeVisible()
  await expect(message(carol.app.page, 'posted in the wrong group')).toBeVisible()
  await message(carol.app.page, 'posted in the wrong group').focus()
  await carol.app.page.keyboard.press('Delete')
  await expect(carol.app.page.getByTestId('delete-message-dialog')).toHaveCount(0)
  await wrong.focus()
  await bob.app.page.keyboard.press('Delete')
  await bob.app.page.getByTestId('delete-message-dialog').getByTestId('confirm-delete').click()
  await expect(message(dan.app.page, 'posted in the wrong group')).toHaveCount(0)
  await expect(dan.app.page.getByTestId('message-deleted')).toBeVisible()

  // Rename inline.
  await panel.getByTestId('rename-group').click()
  await panel.getByTestId('rename-input').fill('Q3 final')
  await panel.getByTestId('rename-input').press('Enter')
  await expect(panel.getByTestId('group-title')).toHaveText('Q3 final')
  await expect(systemLine(bob.app.page, 'Alice renamed the group to “Q3 final”')).toBeVisible()
  await expect(conversationItem(bob.app.page, 'Q3 final')).toBeVisible()

  // Remove Carol (after a confirmation): her window keeps the history, read-only.
  await panel.getByTestId('member').filter({ hasText: 'Carol' }).getByTestId('member-actions').click()
  await a.getByTestId('menu-remove-member').click()
  await a.getByTestId('remove-member-dialog').getByTestId('confirm').click()
  await expect(panel.getByTestId('member')).toHaveCount(3)
  await expect(systemLine(a, 'You removed Carol')).toBeVisible()
  const c = carol.app.page
  await expect(c.getByTestId('left-notice')).toHaveText('You are no longer in this group')
  await expect(c.getByTestId('composer')).toHaveCount(0)
  await expect(message(c, 'kick-off')).toBeVisible()
  await expect(conversationItem(c, 'Q3').getByTestId('left-label')).toBeVisible()

  // Esc closes the panel and focus goes back to the button that opened it.
  await a.keyboard.press('Escape')
  await expect(panel).toBeHidden()
  await expect(a.getByTestId('info-button')).toBeFocused()

  // Bob leaves.
  panel = await openInfo(bob)
  await panel.getByTestId('leave-group').click()
  const bobLeaving = bob.app.page.getByTestId('leave-group-dialog')
  await bobLeaving.getByTestId('confirm').click()
  await expect(bob.app.page.getByTestId('left-notice')).toBeVisible()
  await expect(systemLine(a, 'Bob left')).toBeVisible()

  // The owner leaves: the confirmation says who takes over, and Dan is told.
  panel = await openInfo(alice)
  await panel.getByTestId('leave-group').click()
  const leaving = a.getByTestId('leave-group-dialog')
  await expect(leaving).toContainText('ownership passes to Dan')
  await leaving.getByTestId('confirm').click()
  await expect(a.getByTestId('left-notice')).toBeVisible()
  await expect(systemLine(dan.app.page, 'Alice left. Ownership passed to you')).toBeVisible()
  await expect(message(a, 'kick-off')).toBeVisible()
})

test('a muted conversation shows no notification; unmuting brings them back', async ({ launch }) => {
  const alice = await register(await launch('alice'), uniqueName('alice'), 'Alice')
  const bob = await register(await launch('bob'), uniqueName('bob'), 'Bob')
  const carol = await register(await launch('carol'), uniqueName('carol'), 'Carol')
  const a = alice.app.page
  // Carol's conversation first, settled in Alice's list before Bob's comes to its top.
  await startConversation(carol, [alice])
  await send(carol, 'hello from carol')
  await expect(conversationItem(a, 'Carol')).toContainText('hello from carol')
  await startConversation(bob, [alice])
  await send(bob, 'warming up')
  const item = conversationItem(a, 'Bob')
  await expect(item).toContainText('warming up')

  // Mute from the conversation list with the keyboard: Shift+F10 on the row.
  await item.click()
  await item.focus()
  await a.keyboard.press('Shift+F10')
  await expect(a.getByTestId('mute-menu')).toBeVisible()
  await a.keyboard.press('ArrowDown')
  await a.keyboard.press('ArrowDown')
  await expect(a.getByTestId('menu-mute-week')).toBeFocused()
  await a.keyboard.press('Enter')
  await expect(item.getByTestId('muted-icon')).toHaveAttribute('title', /^Muted until /)
  await expect(a.getByTestId('muted-indicator')).toBeVisible()
  await expect(a.getByTestId('mute-button')).toHaveAttribute('data-muted', 'true')

  await alice.app.blur()
  const before = (await alice.app.notifications()).length
  await send(bob, 'while you are muted')
  await expect(message(a, 'while you are muted')).toBeVisible()
  // A later message in a conversation that is not muted notifies: once it has, the muted one had its chance.
  await send(carol, 'not muted')
  await expect.poll(async () => (await alice.app.notifications()).length).toBe(before + 1)
  expect((await alice.app.notifications()).slice(before)).toEqual([expect.objectContaining({ title: 'Carol', body: 'not muted' })])

  // Unmute from the header's bell.
  await a.getByTestId('mute-button').click()
  await a.getByTestId('menu-unmute').click()
  await expect(a.getByTestId('mute-button')).toHaveAttribute('data-muted', 'false')
  await expect(item.getByTestId('muted-icon')).toHaveCount(0)
  await send(bob, 'now you hear me')
  await expect.poll(async () => (await alice.app.notifications()).length).toBe(before + 2)
  expect((await alice.app.notifications()).at(-1)).toMatchObject({ title: 'Bob', body: 'now you hear me' })
})
