/**
 * parley:// links (issue 20), driven through the core as the shell hands
 * them over (second instance, open-url, argv): an invite fills in sign-up
 * (or, signed in, says to sign out first), a conversation link opens it, a
 * message link opens its conversation and scrolls to a message far back
 * (older pages loaded), and anything else is refused and changes nothing.
 */
import type { Locator, Page } from '@playwright/test'
import type { Conversation, Message } from '../../src/shared/api'
import { conversationLink, messageLink } from '../../src/shared/deep-link'
import { inviteLink } from '../../src/shared/invite-link'
import type { ServerProcess } from '../../test/kit/server-process'
import type { AppHandle } from '../fixtures/app'
import { restPeer } from '../fixtures/rest-peer'
import { expect, test, uniqueName } from '../fixtures/test'
import { register, type Person } from '../fixtures/steps'

const OLD_TEXT = 'The ferry leaves at 7:40 from pier 3'
/** Messages after the old one: far more than the page the conversation opens with. */
const AFTER = 300

const bySeq = (page: Page, seq: number): Locator => page.locator(`[data-testid=message][data-seq="${seq}"]`)

interface Seeded {
  alice: Person
  conversation: Conversation
  old: Message
  last: Message
}

/** Alice in the app; Bob over REST writes the old message and AFTER more to her, all read by her. */
async function seed(server: ServerProcess, app: AppHandle): Promise<Seeded> {
  const alice = await register(app, uniqueName('alice'), 'Alice')
  const bob = await restPeer(server.url, alice, 'Bob Linker')
  await bob.post('first', 'Hello Alice')
  const old = await bob.post('old', OLD_TEXT)
  await bob.bulk('after', AFTER, (n) => `filler ${n}`)
  const last = await bob.post('last', 'See you there')
  await bob.readAsPerson(last.seq)
  await expect(app.page.getByTestId('conversation-item').filter({ hasText: 'Bob Linker' })).toBeVisible({ timeout: 30_000 })
  return { alice, conversation: bob.conversation, old, last }
}

test('an invite link fills in sign-up; signed in, a notice says to sign out first, naming the server', async ({ launch }) => {
  const app = await launch('dora')
  const { page } = app
  await page.getByTestId('sign-in-form').waitFor()
  expect(await app.openDeepLink(inviteLink('https://chat.example.org', 'abcdefgh12'))).toBe(true)
  const form = page.getByTestId('register-form')
  await expect(form).toBeVisible()
  await expect(form.locator('input[name=serverUrl]')).toHaveValue('https://chat.example.org')
  await expect(form.locator('input[name=invite]')).toHaveValue('abcdefgh12')
  await expect(form.getByTestId('invite-hint')).toHaveText(/filled in|已填/i)

  // Back to sign-in and into an account on the real server.
  await form.locator('input[name=serverUrl]').fill(await serverOf(app))
  await form.locator('input[name=invite]').fill('')
  await page.getByRole('button', { name: /already have an account/i }).click()
  await register(app, uniqueName('dora'), 'Dora')
  expect(await app.openDeepLink(inviteLink('https://other.example.net', 'zyxwvuts98'))).toBe(true)
  await expect(page.getByTestId('notice').filter({ hasText: 'https://other.example.net' })).toContainText(/sign out first/i)
  await expect(page.getByTestId('new-conversation')).toBeVisible()
})

test('a conversation link opens it; one I am not in is a notice; a bad link does nothing', async ({ launch, server }) => {
  const { alice, conversation } = await seed(server, await launch('alice'))
  const { page } = alice.app
  await expect(page.getByTestId('conversation')).toHaveCount(0)
  await page.getByTestId('open-settings').click()
  await expect(page.getByTestId('settings-dialog')).toBeVisible()

  expect(await alice.app.openDeepLink(conversationLink(conversation.id))).toBe(true)
  await expect(page.getByTestId('settings-dialog')).toBeHidden()
  await expect(page.getByTestId('conversation')).toHaveAttribute('data-conversation-id', conversation.id)

  expect(await alice.app.openDeepLink(conversationLink('not-mine-123'))).toBe(true)
  await expect(page.getByTestId('notice').filter({ hasText: /not a member/i })).toBeVisible()
  await expect(page.getByTestId('conversation')).toHaveAttribute('data-conversation-id', conversation.id)

  for (const bad of ['https://evil.example/conversation/x', 'parley://conversation/../../etc/passwd', 'parley://message/c1/0', 'parley://settings?x=1']) {
    expect(await alice.app.openDeepLink(bad), bad).toBe(false)
  }
  await page.waitForTimeout(500)
  await expect(page.getByTestId('notice')).toHaveCount(1)
  await expect(page.getByTestId('conversation')).toHaveAttribute('data-conversation-id', conversation.id)
  await expect(page.getByTestId('register-form')).toHaveCount(0)
})

test('a message link opens the conversation and scrolls to a message far back, loading older pages', async ({ launch, server }) => {
  test.setTimeout(120_000)
  const { alice, conversation, old, last } = await seed(server, await launch('alice'))
  const { page } = alice.app
  expect(await alice.app.openDeepLink(messageLink(conversation.id, old.seq))).toBe(true)
  await expect(page.getByTestId('conversation')).toHaveAttribute('data-conversation-id', conversation.id)
  const row = bySeq(page, old.seq)
  await expect(row).toBeInViewport({ timeout: 30_000 })
  await expect(row).toContainText(OLD_TEXT)
  await expect(row).toHaveClass(/message--highlighted/)
  await expect(bySeq(page, last.seq)).not.toBeInViewport()

  // With the conversation open: the first message, further back still.
  expect(await alice.app.openDeepLink(messageLink(conversation.id, 1))).toBe(true)
  await expect(bySeq(page, 1)).toBeInViewport({ timeout: 30_000 })
  await expect(bySeq(page, 1)).toContainText('Hello Alice')
})

/** The server the app was started against (the sign-in screen's prefilled address). */
async function serverOf(app: AppHandle): Promise<string> {
  return app.page.evaluate(async () => (await (window as unknown as { parley: { getSession(): Promise<{ serverUrl: string }> } }).parley.getSession()).serverUrl)
}

test('the Desktop settings tab: start-up and closing, by keyboard, kept by the core', async ({ launch }) => {
  const app = await launch('erin')
  await register(app, uniqueName('erin'), 'Erin')
  const { page } = app
  await page.getByTestId('open-settings').click()
  await page.getByTestId('settings-tab-general').focus()
  for (let step = 0; step < 4; step++) await page.keyboard.press('ArrowDown')
  await expect(page.getByTestId('settings-tab-desktop')).toBeFocused()
  await expect(page.getByTestId('settings-tab-desktop')).toHaveAttribute('aria-selected', 'true')
  const closeToTray = page.getByTestId('setting-close-to-tray')
  await expect(closeToTray).toBeChecked()
  await closeToTray.focus()
  await page.keyboard.press('Space')
  await expect(closeToTray).not.toBeChecked()
  await page.getByTestId('setting-launch-at-login').focus()
  await page.keyboard.press('Space')
  const settings = await page.evaluate(() =>
    (window as unknown as { parley: { getSettings(): Promise<Record<string, unknown>> } }).parley.getSettings(),
  )
  expect(settings).toMatchObject({ closeToTray: false, launchAtLogin: true, startMinimized: false })
})
