/**
 * A server that registers by invitation (issue 19): its first account
 * administers it and makes invites in Settings; a newcomer registers with the
 * shown link, once. This file's server is its own (REGISTRATION=invite), so
 * the first account registered here is the first on it.
 */
import { expect, test, uniqueName } from '../fixtures/test'
import { PASSWORD, register } from '../fixtures/steps'
import type { AppHandle } from '../fixtures/app'

test.use({ serverEnv: { REGISTRATION: 'invite' } })

/** Fill in the create-account form (already showing) and send it. */
async function submitSignUp(app: AppHandle, username: string, displayName: string): Promise<void> {
  const form = app.page.getByTestId('register-form')
  await form.locator('input[name=username]').fill(username)
  await form.locator('input[name=password]').fill(PASSWORD)
  await form.locator('input[name=displayName]').fill(displayName)
  await form.locator('button[type=submit]').click()
}

/** A fresh app's sign-in screen, switched to sign-up by the invite link typed into the server field. */
async function signUpWithLink(app: AppHandle, link: string): Promise<void> {
  await app.page.getByTestId('sign-in-form').waitFor()
  await app.page.locator('input[name=serverUrl]').fill(link)
  await expect(app.page.getByTestId('register-form').getByTestId('invite-hint')).toContainText('filled in from the invite link')
}

test('the first account administers the server: its invite registers a newcomer once; the same code again is refused', async ({ launch }) => {
  // The first account may register without an invite, and becomes the server's admin.
  const ada = await register(await launch('ada'), uniqueName('ada'), 'Ada')
  const a = ada.app.page

  // Without an invite, nobody else may.
  const uninvited = await launch('uninvited')
  await uninvited.page.getByTestId('sign-in-form').waitFor()
  await uninvited.page.getByRole('button', { name: /create an account/i }).click()
  await submitSignUp(uninvited, uniqueName('mallory'), 'Mallory')
  await expect(uninvited.page.getByTestId('auth-error')).toHaveText(
    'This server registers by invitation only. Ask its administrator for an invite link and paste it into “Invite code”.',
  )

  // Settings › Invites (the last tab, reached with End): one invite, its link shown.
  await a.getByTestId('open-settings').click()
  const settings = a.getByTestId('settings-dialog')
  await settings.getByTestId('settings-tab-general').focus()
  await a.keyboard.press('End')
  await expect(settings.getByTestId('settings-tab-invites')).toBeFocused()
  await settings.getByTestId('invite-expiry').selectOption('1')
  await settings.getByTestId('create-invite').click()
  const linkField = settings.getByTestId('invite-link')
  await expect(linkField).toHaveValue(/^parley:\/\/invite\?server=.+&code=.+/)
  const link = await linkField.inputValue()
  const code = new URL(link).searchParams.get('code') ?? ''
  await expect(settings.getByTestId('invite')).toContainText('Expires')

  // A newcomer registers with it, and is no admin: no Invites tab.
  const bea = await launch('bea')
  await signUpWithLink(bea, link)
  await expect(bea.page.getByTestId('register-form').locator('input[name=invite]')).toHaveValue(code)
  await submitSignUp(bea, uniqueName('bea'), 'Bea')
  await expect(bea.page.getByTestId('new-conversation')).toBeVisible()
  await bea.page.getByTestId('open-settings').click()
  await expect(bea.page.getByTestId('settings-tab-updates')).toBeVisible()
  await expect(bea.page.getByTestId('settings-tab-invites')).toHaveCount(0)

  // The same code a second time: refused, in words, on the invite field.
  const cyd = await launch('cyd')
  await signUpWithLink(cyd, link)
  await submitSignUp(cyd, uniqueName('cyd'), 'Cyd')
  await expect(cyd.page.getByTestId('auth-error')).toHaveText(
    'That invite code is not valid: it may have expired or been used already. Ask the administrator for a new invite link.',
  )
  const inviteField = cyd.page.getByTestId('register-form').locator('input[name=invite]')
  await expect(inviteField).toHaveAttribute('aria-invalid', 'true')
  await expect(inviteField).toBeFocused()
  await expect(cyd.page.getByTestId('new-conversation')).toHaveCount(0)

  // A new invite lets that person in.
  await settings.getByTestId('create-invite').click()
  await expect(linkField).not.toHaveValue(link)
  await inviteField.fill(new URL(await linkField.inputValue()).searchParams.get('code') ?? '')
  await cyd.page.getByTestId('register-form').locator('button[type=submit]').click()
  await expect(cyd.page.getByTestId('new-conversation')).toBeVisible()
})
