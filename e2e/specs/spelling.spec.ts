/**
 * Spell-check in Settings › General (docs/desktop.md): the switch reaches the
 * composer's textarea, and the dictionaries are a list of checkboxes — any
 * number of those the OS offers (the harness gives a list, as Electron's
 * `availableSpellCheckerLanguages` would on Windows or Linux) — saved as
 * `spellcheckLanguages`, and ticked again when settings reopen.
 */
import type { Page } from '@playwright/test'
import type { Settings, SpellcheckLanguages } from '../../src/shared/ipc'
import { register, startConversation } from '../fixtures/steps'
import { expect, test, uniqueName } from '../fixtures/test'

const DICTIONARIES: SpellcheckLanguages = { available: ['de', 'en-GB', 'en-US', 'fr'], fromSystem: ['en-US'] }

/** A dictionary's name as the English UI shows it ("German", "American English"). */
const displayName = (code: string): string => new Intl.DisplayNames(['en-US'], { type: 'language' }).of(code) ?? code

/** The settings as the core keeps them, read through the app's own bridge. */
const saved = (page: Page): Promise<Settings> =>
  page.evaluate(() => (window as unknown as { parley: { getSettings(): Promise<Settings> } }).parley.getSettings())

test('spell-check off reaches the composer; two dictionaries, ticked with the keyboard, are saved and still ticked when settings reopen', async ({ launch }) => {
  test.skip(test.info().project.name === 'electron', 'the harness gives the OS’s dictionaries')
  const alice = await register(await launch('alice', { spellcheckLanguages: DICTIONARIES }), uniqueName('alice'), 'Alice')
  const bob = await register(await launch('bob'), uniqueName('bob'), 'Bob')
  await startConversation(alice, [bob])
  const { page } = alice.app
  const composer = page.getByTestId('composer')
  await expect(composer).toHaveAttribute('spellcheck', 'true')

  const settings = page.getByTestId('settings-dialog')
  const spelling = settings.getByTestId('spelling-settings')
  const toggle = spelling.getByRole('switch', { name: 'Check spelling while typing' })
  const dictionaries = spelling.getByRole('group', { name: 'Dictionaries' })
  const dictionary = (name: string) => dictionaries.getByRole('checkbox', { name, exact: true })
  const openSettings = async () => {
    await page.getByTestId('open-settings').click()
    await expect(spelling).toBeVisible()
  }
  const closeSettings = async () => {
    await page.keyboard.press('Escape')
    await expect(settings).toBeHidden()
  }

  // Every dictionary the OS offers, by name in the UI's language; none ticked: the system's are used, and the list says which.
  await openSettings()
  await expect(dictionaries.getByRole('checkbox')).toHaveCount(4)
  const names = await dictionaries.getByRole('checkbox').evaluateAll((boxes) => boxes.map((box) => box.closest('label')?.textContent))
  expect([...names].sort()).toEqual(DICTIONARIES.available.map(displayName).sort())
  await expect(dictionaries.getByRole('checkbox', { checked: true })).toHaveCount(0)
  const american = displayName('en-US')
  await expect(dictionaries).toHaveAccessibleDescription(`None chosen: the system languages are checked (${american}).`)

  // Off, with the keyboard: saved, the dictionaries cannot be changed, and the composer stops checking.
  await toggle.focus()
  await page.keyboard.press('Space')
  await expect(toggle).not.toBeChecked()
  await expect.poll(async () => (await saved(page)).spellcheck).toBe(false)
  await expect(dictionary('German')).toBeDisabled()
  await closeSettings()
  await expect(composer).toHaveAttribute('spellcheck', 'false')

  // On again; Tab goes through the dictionaries in their order by name, Space ticks two.
  await openSettings()
  await toggle.focus()
  await page.keyboard.press('Space')
  await expect(toggle).toBeChecked()
  const british = displayName('en-GB')
  for (const name of [american, british]) {
    await page.keyboard.press('Tab')
    await expect(dictionary(name)).toBeFocused()
  }
  await page.keyboard.press('Space')
  await expect(dictionary(british)).toBeChecked()
  for (const name of ['French', 'German']) {
    await page.keyboard.press('Tab')
    await expect(dictionary(name)).toBeFocused()
  }
  await page.keyboard.press('Space')
  await expect(dictionary('German')).toBeChecked()
  await expect.poll(async () => (await saved(page)).spellcheckLanguages).toEqual(['en-GB', 'de'])
  expect((await saved(page)).spellcheck).toBe(true)
  await expect(dictionaries).toHaveAccessibleDescription('')
  await closeSettings()
  await expect(composer).toHaveAttribute('spellcheck', 'true')

  // Reopened: the two are ticked, the others not; unticking one keeps the other.
  await openSettings()
  await expect(dictionary(british)).toBeChecked()
  await expect(dictionary('German')).toBeChecked()
  await expect(dictionary(american)).not.toBeChecked()
  await expect(dictionary('French')).not.toBeChecked()
  await dictionary('German').click()
  await expect.poll(async () => (await saved(page)).spellcheckLanguages).toEqual(['en-GB'])
})
