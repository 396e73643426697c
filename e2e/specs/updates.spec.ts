/**
 * The app's updates in the window (docs/design.md §7.9). The harness has no
 * electron-updater: without an updater the core says updates are unsupported
 * and why; with a fake one (test/helpers/fake-updater.ts) the spec plays
 * electron-updater's events and watches Settings › Updates and the "Restart
 * to update" banner — and that only the user's click installs.
 */
import { FakeUpdater } from '../../test/helpers/fake-updater'
import type { AppHandle } from '../fixtures/app'
import { register } from '../fixtures/steps'
import { expect, test, uniqueName } from '../fixtures/test'

/** The harness gives the core its updater; the Electron app has electron-updater (a development run: unsupported). */
function harnessOnly(): void {
  test.skip(test.info().project.name === 'electron', 'the harness drives the updater')
}

async function openUpdates(app: AppHandle) {
  await app.page.getByTestId('open-settings').click()
  const dialog = app.page.getByTestId('settings-dialog')
  await dialog.getByTestId('settings-tab-updates').click()
  return dialog
}

test('without an updater, Settings › Updates says why this copy cannot update, and the check button says so', async ({ launch }) => {
  harnessOnly()
  const alice = await register(await launch('alice'), uniqueName('alice'), 'Alice')
  const dialog = await openUpdates(alice.app)
  await expect(dialog.getByTestId('updates-status')).toHaveAttribute('data-state', 'unsupported')
  await expect(dialog.getByTestId('updates-status')).toContainText('Parley cannot update itself here.')
  await expect(dialog.getByTestId('updates-reason')).toHaveText('This build of Parley has no updater.')
  const check = dialog.getByTestId('updates-check')
  await expect(check).toBeDisabled()
  await expect(check).toHaveAccessibleDescription('This build of Parley has no updater.')
  await expect(alice.app.page.getByTestId('update-banner')).toBeHidden()
})

test('with an updater: a check, the download’s progress in Settings, then "Restart to update" — installed only on the click', async ({ launch }) => {
  harnessOnly()
  const updater = new FakeUpdater()
  const alice = await register(await launch('alice', { updater }), uniqueName('alice'), 'Alice')
  const { page } = alice.app
  const dialog = await openUpdates(alice.app)

  // Automatic checks off, from the keyboard; the setting sticks.
  const auto = dialog.getByTestId('updates-auto')
  await expect(auto).toBeChecked()
  await auto.focus()
  await page.keyboard.press('Space')
  await expect(auto).not.toBeChecked()

  // A feed address that is not http(s) is refused before it is saved.
  await dialog.getByTestId('updates-feed').fill('ftp://example.org/updates/')
  await dialog.getByTestId('updates-feed-save').click()
  await expect(dialog.getByRole('alert')).toHaveText('Enter an address that starts with http:// or https://.')

  await dialog.getByTestId('updates-check').click()
  await expect.poll(() => updater.checks).toBe(1)
  expect(updater.feedUrls.at(-1)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/updates\/$/)
  updater.emit({ type: 'checking' })
  await expect(dialog.getByTestId('updates-status')).toHaveAttribute('data-state', 'checking')
  await expect(dialog.getByTestId('updates-check')).toBeDisabled()

  updater.emit({ type: 'available', version: '9.1.0' })
  updater.emit({ type: 'progress', percent: 40, transferred: 40 * 1024 * 1024, total: 100 * 1024 * 1024, bytesPerSecond: 1024 * 1024 })
  await expect(dialog.getByTestId('updates-status')).toHaveAttribute('data-state', 'downloading')
  await expect(dialog.getByRole('progressbar', { name: 'Update download' })).toHaveAttribute('value', '40')
  await expect(dialog.getByTestId('updates-status')).toContainText('Downloading Parley 9.1.0…')

  updater.emit({ type: 'downloaded', version: '9.1.0' })
  await expect(dialog.getByTestId('updates-status')).toContainText('Parley 9.1.0 is downloaded and ready to install.')
  await expect(dialog.getByTestId('updates-restart')).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(dialog).toBeHidden()

  // The banner; nothing installs by itself.
  const banner = page.getByTestId('update-banner')
  await expect(banner).toContainText('Parley 9.1.0 is ready')
  await page.waitForTimeout(1_000)
  expect(updater.installs).toBe(0)

  // "Later": gone for this version; a newer one brings it back.
  await banner.getByRole('button', { name: 'Later' }).click()
  await expect(banner).toBeHidden()
  updater.emit({ type: 'downloaded', version: '9.2.0' })
  await expect(banner).toContainText('Parley 9.2.0 is ready')
  expect(updater.installs).toBe(0)

  // "Restart to update", from the keyboard.
  await banner.getByRole('button', { name: 'Restart to update' }).focus()
  await page.keyboard.press('Enter')
  await expect.poll(() => updater.installs).toBe(1)
})

test('in Chinese: the banner and Settings › Updates', async ({ launch }) => {
  harnessOnly()
  const updater = new FakeUpdater()
  const alice = await register(await launch('alice', { updater, locale: 'zh-CN' }), uniqueName('alice'), 'Alice')
  const { page } = alice.app
  updater.emit({ type: 'available', version: '9.1.0' })
  updater.emit({ type: 'downloaded', version: '9.1.0' })
  const banner = page.getByTestId('update-banner')
  await expect(banner).toContainText('Parley 9.1.0 已准备好')
  await expect(banner.getByRole('button', { name: '重启以更新' })).toBeVisible()
  await expect(banner.getByRole('button', { name: '稍后' })).toBeVisible()
  const dialog = await openUpdates(alice.app)
  await expect(dialog.getByTestId('updates-status')).toContainText('Parley 9.1.0 已下载，可以安装。')
  expect(updater.installs).toBe(0)
})
