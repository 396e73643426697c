/**
 * Keyboard only (docs/accessibility.md, "Keyboard and focus"): from the
 * sign-in screen through creating an account, a new conversation, sending,
 * searching and opening a hit, settings and the new-conversation dialog —
 * with nothing but key presses on the app under test (the other person is
 * set up with the usual helpers). After every step the spec checks which
 * element has focus and that it shows a ring (:focus-visible with an outline
 * or a box-shadow); that Tab and Shift+Tab wrap inside each dialog and never
 * reach the page's body; and that each way of closing a dialog (×, Esc,
 * Cancel, its action done) gives focus back to the element that opened it.
 * A second test uses the mouse where the keyboard has no equivalent (a
 * click on a dialog's backdrop) and checks the delete-message dialog.
 */
import type { Locator, Page } from '@playwright/test'
import { expect, test, uniqueName } from '../fixtures/test'
import { message, register, send, startConversation } from '../fixtures/steps'

/** Focus shows: the element matches :focus-visible and draws an outline or a box-shadow. */
function ringShown(element: Element): boolean {
  const style = getComputedStyle(element)
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
  return element.matches(':focus-visible') && (outline || style.boxShadow !== 'none')
}

/** `target` has focus, and shows it. */
async function expectFocus(target: Locator): Promise<void> {
  await expect(target).toBeFocused()
  expect(await target.evaluate(ringShown), 'the focused element shows a focus ring').toBe(true)
}

/** Whether focus is on the page's body (lost), or inside `within` when given. */
function focusPlace(page: Page, within?: Locator): Promise<'body' | 'inside' | 'outside'> {
  const check = (root: Element | null) => {
    const focused = document.activeElement
    if (focused === null || focused === document.body) return 'body' as const
    return root === null || root.contains(focused) ? ('inside' as const) : ('outside' as const)
  }
  return within === undefined ? page.evaluate(check, null) : within.evaluate(check)
}

/** Press `key` until `target` has focus (at most `max` times), focus never falling to the body on the way. */
async function pressUntil(page: Page, key: string, target: Locator, max: number): Promise<void> {
  for (let presses = 0; presses < max; presses++) {
    if (await target.evaluate((element) => element === document.activeElement)) return
    await page.keyboard.press(key)
    expect(await focusPlace(page), `focus after ${key} #${presses + 1}`).not.toBe('body')
  }
  await expect(target).toBeFocused()
}

/**
 * From `first` (focused), Tab all the way round: every stop is inside the dialog and shows its ring, and focus
 * comes back to `first`; then Shift+Tab from it reaches `last`, and Tab from `last` returns to `first`.
 */
async function expectTrapped(page: Page, dialog: Locator, first: Locator, last: Locator): Promise<void> {
  await expectFocus(first)
  let stops = 0
  do {
    await page.keyboard.press('Tab')
    expect(await focusPlace(page, dialog), `Tab #${++stops} stays in the dialog`).toBe('inside')
    expect(await page.locator(':focus').evaluate(ringShown), `Tab #${stops} shows a focus ring`).toBe(true)
    expect(stops, 'Tab comes back round to where it started').toBeLessThan(40)
  } while (!(await first.evaluate((element) => element === document.activeElement)))
  await page.keyboard.press('Shift+Tab')
  await expectFocus(last)
  await page.keyboard.press('Tab')
  await expectFocus(first)
}

test('keyboard only: sign-up, a new conversation, a message, search, settings and dialogs — focus always placed and visible', async ({ launch }) => {
  const bob = await register(await launch('bob'), uniqueName('bob'), 'Bob Keys')
  const app = await launch('alice')
  const page = app.page
  const keys = page.keyboard
  const username = uniqueName('alice')

  // Sign-in: the username field has focus. An empty submit marks both fields and points them at the error.
  const signIn = page.getByTestId('sign-in-form')
  await expectFocus(signIn.locator('input[name=username]'))
  await keys.press('Enter')
  await expect(page.getByTestId('auth-error')).toBeVisible()
  for (const name of ['username', 'password']) {
    await expect(signIn.locator(`input[name=${name}]`)).toHaveAttribute('aria-invalid', 'true')
    await expect(signIn.locator(`input[name=${name}]`)).toHaveAttribute('aria-describedby', /\bauth-error\b/)
  }
  await expect(signIn.locator('input[name=serverUrl]')).not.toHaveAttribute('aria-invalid', 'true')
  await expectFocus(signIn.locator('input[name=username]'))

  // To "create an account": username → password → submit → the switch.
  await keys.press('Tab')
  await expectFocus(signIn.locator('input[name=password]'))
  await keys.press('Tab')
  await expectFocus(signIn.getByRole('button', { name: 'Sign in' }))
  await keys.press('Tab')
  await keys.press('Enter')
  const form = page.getByTestId('register-form')
  await expectFocus(form.getByRole('button', { name: /Already have an account/ }))

  // An empty submit again: focus goes to the first field it names.
  await keys.press('Shift+Tab')
  await expectFocus(form.getByRole('button', { name: 'Create account' }))
  await keys.press('Enter')
  await expectFocus(form.locator('input[name=username]'))
  await expect(form.locator('input[name=username]')).toHaveAttribute('aria-describedby', 'username-hint auth-error')
  await keys.type(username)
  await keys.press('Tab')
  await keys.type('short')
  await keys.press('Enter')
  // Too short a password: that field only, and focus on it.
  await expect(page.getByTestId('auth-error')).toContainText('8 characters')
  await expectFocus(form.locator('input[name=password]'))
  await expect(form.locator('input[name=password]')).toHaveAttribute('aria-invalid', 'true')
  await expect(form.locator('input[name=password]')).toHaveAttribute('aria-describedby', 'password-hint auth-error')
  await expect(form.locator('input[name=username]')).not.toHaveAttribute('aria-invalid', 'true')
  await keys.press('Control+A')
  await keys.type('correct-horse-1')
  await keys.press('Tab')
  await expectFocus(form.locator('input[name=displayName]'))
  await keys.type('Alice Keys')
  await keys.press('Enter')

  // Signed in: focus starts in the search box.
  const search = page.getByTestId('search-input')
  await expect(page.getByTestId('new-conversation')).toBeVisible()
  await expectFocus(search)

  // Ctrl+N: focus in "Find people", so typing goes there at once.
  await keys.press('Control+N')
  const newConversation = page.getByTestId('new-conversation-dialog')
  const find = newConversation.getByRole('searchbox')
  await expectFocus(find)
  await keys.type(bob.username)
  const person = newConversation.getByTestId('person')
  await expect(person).toHaveCount(1)
  await expect(person).toContainText(`@${bob.username}`)
  await keys.press('Tab')
  await expectFocus(person.getByRole('checkbox'))
  await keys.press('Space')
  await expect(person.getByRole('checkbox')).toBeChecked()
  const start = newConversation.getByRole('button', { name: 'Start conversation' })
  await pressUntil(page, 'Tab', start, 4)
  await expectFocus(start)
  // The last control: Tab wraps to the first (the close button), Shift+Tab back.
  await keys.press('Tab')
  await expectFocus(newConversation.getByRole('button', { name: 'Close' }))
  await keys.press('Shift+Tab')
  await expectFocus(start)
  await keys.press('Enter')
  await expect(newConversation).toBeHidden()
  await expect(page.getByTestId('conversation-header')).toContainText('Bob Keys')

  // Its action done, the dialog hands focus to the new conversation's composer.
  const composer = page.getByTestId('composer')
  await expectFocus(composer)
  await keys.type('the harbour at dawn')
  await keys.press('Enter')
  await keys.type('the harbour at dusk')
  await keys.press('Enter')
  const rows = page.getByTestId('message')
  await expect(rows).toHaveCount(2)
  await expect(rows.last()).toHaveAttribute('data-state', 'sent')
  await expectFocus(composer)

  // Back from the composer: the rows, then the message list itself — each with its ring.
  await pressUntil(page, 'Shift+Tab', rows.last(), 3)
  await expectFocus(rows.last())
  const scroller = page.getByTestId('message-list').locator('[data-virtuoso-scroller]')
  await pressUntil(page, 'Shift+Tab', scroller, 6)
  await expectFocus(scroller)

  // Search: ↓ from the box to the hits, ↓/↑ among them, ↑ from the first back to the box, Esc clears.
  await keys.press('Control+Shift+F')
  await expectFocus(search)
  await keys.type('harbour')
  const hits = page.getByTestId('search-hit')
  await expect(hits).toHaveCount(2)
  await keys.press('ArrowDown')
  await expectFocus(hits.first())
  await keys.press('ArrowDown')
  await expectFocus(hits.last())
  await keys.press('ArrowDown')
  await expectFocus(hits.last())
  await keys.press('ArrowUp')
  await expectFocus(hits.first())
  await keys.press('ArrowUp')
  await expectFocus(search)
  await keys.press('ArrowDown')
  await keys.press('Escape')
  await expectFocus(search)
  await expect(search).toHaveValue('')
  await expect(hits).toHaveCount(0)

  // Enter on a hit: the results close and focus moves to that message's row, highlighted.
  await keys.type('dawn')
  await expect(hits).toHaveCount(1)
  const key = await hits.first().getAttribute('data-message-key')
  await keys.press('ArrowDown')
  await expectFocus(hits.first())
  await keys.press('Enter')
  await expect(hits).toHaveCount(0)
  await expect(search).toHaveValue('')
  const opened = page.locator(`[data-testid=message][data-key="${key}"]`)
  await expectFocus(opened)
  await expect(opened).toContainText('the harbour at dawn')

  // From the search box, Tab reaches the open conversation's row in the list.
  await keys.press('Control+Shift+F')
  await keys.press('Tab')
  await expectFocus(page.getByTestId('conversation-item').filter({ hasText: 'Bob Keys' }))

  // Settings (Shift+Tab from the search box): focus on the first section's tab; ↓ walks the sections.
  await keys.press('Control+Shift+F')
  await keys.press('Shift+Tab')
  const openSettings = page.getByTestId('open-settings')
  await expectFocus(openSettings)
  await keys.press('Enter')
  const settings = page.getByTestId('settings-dialog')
  const tabs = settings.getByRole('tab')
  const panel = settings.getByRole('tabpanel')
  await expectFocus(tabs.first())
  const count = await tabs.count()
  expect(count).toBeGreaterThanOrEqual(6)
  for (let index = 1; index < count; index++) {
    await keys.press('ArrowDown')
    await expectFocus(tabs.nth(index))
    await expect(tabs.nth(index)).toHaveAttribute('aria-selected', 'true')
    await expect(panel).toHaveAttribute('aria-labelledby', (await tabs.nth(index).getAttribute('id')) ?? '')
    // Into the section and back.
    await keys.press('Tab')
    await expectFocus(panel)
    await keys.press('Shift+Tab')
    await expectFocus(tabs.nth(index))
  }
  await keys.press('Home')
  await expectFocus(tabs.first())

  // The General section: Tab goes all the way round inside, Shift+Tab from the first control to the last.
  const close = settings.getByRole('button', { name: 'Close' })
  await keys.press('Shift+Tab')
  await expectTrapped(page, settings, close, settings.getByTestId('sign-out'))

  // Esc, and ×: focus back on "Settings".
  await keys.press('Escape')
  await expect(settings).toBeHidden()
  await expectFocus(openSettings)
  await keys.press('Enter')
  await expectFocus(tabs.first())
  await keys.press('Shift+Tab')
  await expectFocus(close)
  await keys.press('Enter')
  await expect(settings).toBeHidden()
  await expectFocus(openSettings)

  // "New conversation": Cancel, Esc and × each give focus back to the button; Tab wraps inside.
  const newButton = page.getByTestId('new-conversation')
  await keys.press('Shift+Tab')
  await expectFocus(newButton)
  const cancel = newConversation.getByRole('button', { name: 'Cancel' })
  const closeNew = newConversation.getByRole('button', { name: 'Close' })
  await keys.press('Enter')
  await expectFocus(find)
  // Narrowed to one person, so that a round of Tab does not pass everyone in the directory.
  await keys.type(bob.username)
  await expect(person).toHaveCount(1)
  await keys.press('Shift+Tab')
  await expectTrapped(page, newConversation, closeNew, cancel)
  await keys.press('Shift+Tab')
  await expectFocus(cancel)
  await keys.press('Enter')
  await expect(newConversation).toBeHidden()
  await expectFocus(newButton)

  await keys.press('Enter')
  await expectFocus(find)
  await keys.press('Escape')
  await expect(newConversation).toBeHidden()
  await expectFocus(newButton)

  await keys.press('Enter')
  await expectFocus(find)
  await keys.press('Shift+Tab')
  await expectFocus(closeNew)
  await keys.press('Enter')
  await expect(newConversation).toBeHidden()
  await expectFocus(newButton)

  // Ctrl+N from the composer, Cancel: back in the composer.
  await keys.press('Control+Shift+F')
  await keys.press('Escape')
  await pressUntil(page, 'Tab', composer, 40)
  await keys.press('Control+N')
  await expectFocus(find)
  await keys.press('Shift+Tab')
  await keys.press('Shift+Tab')
  await expectFocus(cancel)
  await keys.press('Enter')
  await expectFocus(composer)

  // The shortcuts help (Ctrl+/): its scrolling body has focus, Tab wraps, Esc gives focus back.
  await keys.press('Control+/')
  const help = page.getByTestId('shortcuts-dialog')
  const helpBody = help.locator('.shortcuts-help')
  await expectFocus(helpBody)
  await keys.press('Shift+Tab')
  await expectTrapped(page, help, help.getByRole('button', { name: 'Close' }), helpBody)
  await keys.press('Escape')
  await expect(help).toBeHidden()
  await expectFocus(composer)
})

test('a click on the backdrop gives focus back too; deleting a message gives it back to its row', async ({ launch }) => {
  const alice = await register(await launch('alice'), uniqueName('alice'), 'Alice')
  const bob = await register(await launch('bob'), uniqueName('bob'), 'Bob')
  await startConversation(alice, [bob])
  const page = alice.app.page

  // Opened from the keyboard, closed by a click beside it: back on the opener (no ring after a click).
  await page.getByTestId('open-settings').focus()
  await page.keyboard.press('Enter')
  const settings = page.getByTestId('settings-dialog')
  await expect(settings.getByRole('tab').first()).toBeFocused()
  await page.mouse.click(4, 4)
  await expect(settings).toBeHidden()
  await expect(page.getByTestId('open-settings')).toBeFocused()

  // Delete on a row, confirmed with Enter: the row, now a tombstone, has focus again.
  await send(alice, 'soon gone')
  const row = message(page, 'soon gone')
  await expect(row).toHaveAttribute('data-state', 'sent')
  await row.focus()
  await page.keyboard.press('Delete')
  await expectFocus(page.getByTestId('delete-message-dialog').getByTestId('confirm-delete'))
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('delete-message-dialog')).toBeHidden()
  const tombstone = page.getByTestId('message').filter({ has: page.getByTestId('message-deleted') })
  await expectFocus(tombstone)
})
