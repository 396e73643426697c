/**
 * My account on several devices (issue 19): changing the password in Settings
 * signs my other devices out and keeps this one; the Devices tab signs one
 * other device out.
 */
import { expect, test, uniqueName } from '../fixtures/test'
import { PASSWORD, register, signIn, type Person } from '../fixtures/steps'
import type { AppHandle } from '../fixtures/app'

const NEW_PASSWORD = 'battery-staple-2'

/** Alice registered on one app and signed in on a second, which shows her conversations. */
async function onTwoDevices(launch: (name: string) => Promise<AppHandle>): Promise<{ alice: Person; other: AppHandle }> {
  const alice = await register(await launch('alice'), uniqueName('alice'), 'Alice')
  const other = await launch('alice-other')
  await other.page.getByTestId('sign-in-form').waitFor()
  await signIn(other, alice.username)
  return { alice, other }
}

async function openSettingsTab(person: Person, tab: string) {
  const { page } = person.app
  await page.getByTestId('open-settings').click()
  const settings = page.getByTestId('settings-dialog')
  await settings.getByTestId(`settings-tab-${tab}`).click()
  return settings
}

test('changing the password signs my other device out, keeps this one, and the new password signs in', async ({ launch }) => {
  const { alice, other } = await onTwoDevices(launch)
  const a = alice.app.page
  const settings = await openSettingsTab(alice, 'profile')
  const form = settings.getByTestId('password-form')

  // A wrong current password is refused, and signs nobody out (the server answers 403, not 401).
  await form.locator('input[name=current]').fill('not-my-password')
  await form.locator('input[name=next]').fill(NEW_PASSWORD)
  await form.locator('input[name=confirm]').fill(NEW_PASSWORD)
  await form.locator('button[type=submit]').click()
  await expect(settings.getByTestId('password-status')).toHaveText('The current password is wrong.')
  await expect(a.getByTestId('new-conversation')).toBeVisible()

  await form.locator('input[name=current]').fill(PASSWORD)
  await form.locator('button[type=submit]').click()
  await expect(settings.getByTestId('password-status')).toHaveText('Password changed. Your other devices have been signed out.')
  await expect(form.locator('input[name=current]')).toHaveValue('')

  // The other device is back at the sign-in screen.
  await expect(other.page.getByTestId('sign-in-form')).toBeVisible()
  await expect(other.page.getByTestId('new-conversation')).toHaveCount(0)

  // This one is still signed in: the server still answers it, and lists it as the only device.
  await settings.getByTestId('settings-tab-devices').click()
  await expect(settings.getByTestId('device')).toHaveCount(1)
  await expect(settings.getByTestId('device')).toHaveAttribute('data-current', 'true')
  await a.keyboard.press('Escape')
  await expect(a.getByTestId('new-conversation')).toBeVisible()

  // The old password no longer signs in; the new one does.
  const signInForm = other.page.getByTestId('sign-in-form')
  await signInForm.locator('input[name=username]').fill(alice.username)
  await signInForm.locator('input[name=password]').fill(PASSWORD)
  await signInForm.locator('button[type=submit]').click()
  await expect(other.page.getByTestId('auth-error')).toHaveText('Wrong username or password.')
  await signIn(other, alice.username, NEW_PASSWORD)
  await expect(other.page.locator('.sidebar__me-name')).toHaveText('Alice')
})

test('Devices: signing out my other device sends it back to sign-in; this one stays', async ({ launch }) => {
  const { alice, other } = await onTwoDevices(launch)
  const a = alice.app.page
  const settings = await openSettingsTab(alice, 'devices')
  const devices = settings.getByTestId('device')
  await expect(devices).toHaveCount(2)
  // This device is listed first and cannot sign itself out here; the other one can be, from the keyboard.
  await expect(devices.first()).toHaveAttribute('data-current', 'true')
  await expect(devices.first().getByTestId('revoke-device')).toHaveCount(0)
  const revoke = devices.nth(1).getByTestId('revoke-device')
  await expect(revoke).toHaveAccessibleName(/^Sign out /)
  await revoke.focus()
  await a.keyboard.press('Enter')

  await expect(other.page.getByTestId('sign-in-form')).toBeVisible()
  await expect(devices).toHaveCount(1)
  await expect(devices).toHaveAttribute('data-current', 'true')
  // The list went on answering this device after the other was signed out: it is still signed in.
  await settings.getByTestId('settings-tab-blocked').click()
  await expect(settings.getByText('You have not blocked anyone.')).toBeVisible()
  await a.keyboard.press('Escape')
  await expect(a.getByTestId('new-conversation')).toBeVisible()
})
