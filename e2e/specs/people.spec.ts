/**
 * People (issue 19): a profile — from a direct conversation or a group's
 * member list — shows who someone is and blocks them; blocking stops a direct
 * conversation; drafts survive switching and restarts; an invite link fills
 * in sign-up.
 */
import { expect, test, uniqueName } from '../fixtures/test'
import { conversationItem, message, openConversation, openInfo, register, send, startConversation } from '../fixtures/steps'

test('block stops a direct conversation: my composer says so, their sends fail with a reason; unblock restores it', async ({ launch }) => {
  const alice = await register(await launch('alice'), uniqueName('alice'), 'Alice')
  // A name no other spec gives: one like someone else's on the server shows with its @username (shared/look-alike.ts).
  const bob = await register(await launch('bob'), uniqueName('bob'), 'Bob Blockee')
  await startConversation(alice, [bob])
  await send(alice, 'hello Bob')
  await openConversation(bob, 'Alice')
  await expect(message(bob.app.page, 'hello Bob')).toBeVisible()

  const a = alice.app.page
  const profile = await openInfo(alice)
  await expect(profile.getByTestId('profile-name')).toHaveText('Bob Blockee')
  await expect(profile.getByTestId('profile-username')).toHaveText(`@${bob.username}`)
  await expect(profile.getByTestId('profile-presence')).toHaveText('online')
  await profile.getByTestId('block-user').click()
  await a.getByTestId('block-dialog').getByTestId('confirm').click()
  await expect(profile.getByTestId('profile-blocked')).toBeVisible()
  await a.keyboard.press('Escape')
  await expect(a.getByTestId('blocked-notice')).toContainText('You blocked Bob Blockee.')
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

test('a member’s profile from the group info panel: name, @username, online or last seen; blocked from there, Settings lists them', async ({ launch }) => {
  const alice = await register(await launch('alice'), uniqueName('alice'), 'Alice')
  // Names no other spec gives: a name like someone else's on the server shows with its @username (shared/look-alike.ts).
  const bob = await register(await launch('bob'), uniqueName('bob'), 'Bob Reader')
  const carol = await register(await launch('carol'), uniqueName('carol'), 'Carol Reader')
  await startConversation(alice, [bob, carol], 'Book club')
  await send(alice, 'first chapter tonight')
  await openConversation(carol, 'Book club')
  await expect(message(carol.app.page, 'first chapter tonight')).toBeVisible()
  // Carol goes away: her profile says when she was last seen.
  await carol.app.quit()
  const a = alice.app.page
  const panel = await openInfo(alice)
  const row = (name: string) => panel.getByTestId('member').filter({ hasText: name })
  await expect(row('Alice').getByTestId('view-profile')).toHaveCount(0)

  // Bob's, from the keyboard: his name, @username and that he is online; Esc goes back to the panel, on his button.
  const bobsButton = row('Bob').getByTestId('view-profile')
  await expect(bobsButton).toHaveAccessibleName('View profile of Bob Reader')
  await bobsButton.focus()
  await a.keyboard.press('Enter')
  const profile = a.getByTestId('profile-dialog')
  await expect(profile.getByTestId('profile-name')).toHaveText('Bob Reader')
  await expect(profile.getByTestId('profile-username')).toHaveText(`@${bob.username}`)
  await expect(profile.getByTestId('profile-presence')).toHaveText('online')
  await a.keyboard.press('Escape')
  await expect(profile).toBeHidden()
  await expect(panel).toBeVisible()
  await expect(bobsButton).toBeFocused()

  // Carol's: last seen; block her there.
  await row('Carol').getByTestId('view-profile').click()
  await expect(profile.getByTestId('profile-name')).toHaveText('Carol Reader')
  await expect(profile.getByTestId('profile-username')).toHaveText(`@${carol.username}`)
  await expect(profile.getByTestId('profile-presence')).toHaveText(/^last seen /)
  await profile.getByTestId('block-user').click()
  await a.getByTestId('block-dialog').getByTestId('confirm').click()
  await expect(profile.getByTestId('profile-blocked')).toBeVisible()
  await expect(profile.getByTestId('unblock-user')).toBeVisible()
  await a.keyboard.press('Escape')
  await expect(profile).toBeHidden()
  await a.keyboard.press('Escape')
  await expect(panel).toBeHidden()

  // Settings › Blocked lists Carol, and only her.
  await a.getByTestId('open-settings').click()
  await a.getByTestId('settings-tab-blocked').click()
  await expect(a.getByTestId('blocked-person')).toHaveCount(1)
  await expect(a.getByTestId('blocked-person')).toContainText('Carol Reader')
  await expect(a.getByTestId('blocked-person')).toContainText(`@${carol.username}`)
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
