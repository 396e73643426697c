/** People (issue 19): blocking stops a direct conversation; drafts survive switching and restarts; an invite link fills in sign-up. */
import { expect, test, uniqueName } from '../fixtures/test'
import { conversationItem, message, openConversation, openInfo, register, send, startConversation } from '../fixtures/steps'

test('block stops a direct conversation: my composer says so, their sends fail with a reason; unblock restores it', async ({ launch }) => {
  const alice = await register(await launch('alice'), uniqueName('alice'), 'Alice')
  const bob = await register(await launch('bob'), uniqueName('bob'), 'Bob')
  await startConversation(alice, [bob])
  await send(alice, 'hello Bob')
  await openConversation(bob, 'Alice')
  await expect(message(bob.app.page, 'hello Bob')).toBeVisible()

  const a = alice.app.page
  const profile = await openInfo(alice)
  await expect(profile.getByTestId('profile-name')).toHaveText('Bob')
  await profile.getByTestId('block-user').click()
  await a.getByTestId('block-dialog').getByTestId('confirm').click()
  await expect(profile.getByTestId('profile-blocked')).toBeVisible()
  await a.keyboard.press('Escape')
  await expect(a.getByTestId('blocked-notice')).toContainText('You blocked Bob.')
  await expect(a.getByTestId('composer')).toHaveCount(0)

  await send(bob, 'are you there?')
  const refused = message(bob.app.page, 'are you there?')
  await expect(refused).toHaveAttribute('data-state', 'failed')
  await expect(refused.getByTestId('failed-reason')).toHaveAttribute('data-blocked', 'true')
  await expect(message(a, 'are you there?')).toHaveCount(0)

  // Settings lists Bob as blocked.
  await a.getByTestId('open-settings').click()
  await a.getByTestId('settings-tab-blocked').click()
  await expect(a.getByTestId('blocked-person').filter({ hasText: 'Bob' })).toBeVisible()
  await a.keyboard.press('Escape')

  await a.getByTestId('unblock-from-composer').click()
  await a.getByTestId('unblock-dialog').getByTestId('confirm').click()
  await expect(a.getByTestId('composer')).toBeVisible()
  await send(bob, 'and now?')
  await expect(message(a, 'and now?')).toBeVisible()
})

test('a draft survives switching conversations and a restart; sending clears it', async ({ launch }) => {
  const alice = await register(await launch('alice'), uniqueName('alice'), 'Alice')
  const bob = await register(await launch('bob'), uniqueName('bob'), 'Bob')
  const carol = await register(await launch('carol'), uniqueName('carol'), 'Carol')
  await startConversation(alice, [bob])
  await startConversation(alice, [carol])
  let a = alice.app.page

  await openConversation(alice, 'Bob')
  await a.getByTestId('composer').fill('half a thought')
  await openConversation(alice, 'Carol')
  await expect(a.getByTestId('composer')).toHaveValue('')
  await expect(conversationItem(a, 'Bob')).toContainText('Draft: half a thought')
  await openConversation(alice, 'Bob')
  await expect(a.getByTestId('composer')).toHaveValue('half a thought')

  // Typed, then the app quits within the debounce: the text is still there next time.
  await a.getByTestId('composer').fill('half a thought, finished')
  await openConversation(alice, 'Carol')
  const app = await alice.app.relaunch()
  a = app.page
  await expect(a.getByTestId('new-conversation')).toBeVisible()
  await conversationItem(a, 'Bob').click()
  await expect(a.getByTestId('composer')).toHaveValue('half a thought, finished')

  await a.getByTestId('composer').press('Enter')
  await expect(message(a, 'half a thought, finished')).toHaveAttribute('data-state', 'sent')
  await expect(a.getByTestId('composer')).toHaveValue('')
  const again = await app.relaunch()
  await conversationItem(again.page, 'Bob').click()
  await expect(message(again.page, 'half a thought, finished')).toBeVisible()
  await expect(again.page.getByTestId('composer')).toHaveValue('')
})

test('settings: a new display name shows everywhere; devices list this one; sign-up takes a pasted invite link', async ({ launch }) => {
  const alice = await register(await launch('alice'), uniqueName('alice'), 'Alice')
  const a = alice.app.page
  await a.getByTestId('open-settings').click()
  const settings = a.getByTestId('settings-dialog')
  await settings.getByTestId('settings-tab-profile').click()
  await settings.getByTestId('profile-form').locator('input[name=displayName]').fill('Alice Liddell')
  await settings.getByTestId('profile-form').locator('button[type=submit]').click()
  await expect(settings.getByTestId('profile-status')).toHaveText('Saved.')
  await settings.getByTestId('settings-tab-profile').press('ArrowDown')
  await expect(settings.getByTestId('settings-tab-devices')).toBeFocused()
  await expect(settings.getByTestId('device').filter({ hasText: 'This device' })).toHaveCount(1)
  await a.keyboard.press('Escape')
  await expect(a.locator('.sidebar__me-name')).toHaveText('Alice Liddell')
  await expect(a.getByTestId('open-settings')).toBeFocused()

  const fresh = await launch('newcomer')
  const page = fresh.page
  await page.getByTestId('sign-in-form').waitFor()
  await page.locator('input[name=serverUrl]').fill('parley://invite?server=http%3A%2F%2F127.0.0.1%3A9&code=abcdefgh12345678')
  const form = page.getByTestId('register-form')
  await expect(form.locator('input[name=serverUrl]')).toHaveValue('http://127.0.0.1:9')
  await expect(form.locator('input[name=invite]')).toHaveValue('abcdefgh12345678')
  await expect(form.getByTestId('invite-hint')).toContainText('filled in from the invite link')
})
