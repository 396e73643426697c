/**
 * The axe-core checker (issue 22, docs/accessibility.md): every screen has
 * no violation of WCAG 2.1 A/AA (wcag2a, wcag2aa, wcag21aa) in light, dark
 * and Chinese. Bob (English) and Alice fill four conversations once; then
 * Alice's app in each scheme (the light one that registered, then a dark and
 * a Chinese one signed in to the same account, which sync the same history)
 * walks the screens and each is scanned as it stands. Overlays are scanned on
 * their own (the page under them was scanned already), the main window whole.
 * A failure names the scheme and the screen, and lists each rule, element
 * and what axe measured; all screens are scanned before the test fails.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import sharp from 'sharp'
import { FakeUpdater } from '../../test/helpers/fake-updater'
import type { AppHandle, LaunchOptions } from '../fixtures/app'
import { expectAccessible } from '../fixtures/axe'
import { conversationItem, message, openConversation, register, send, signIn, startConversation, type Person } from '../fixtures/steps'
import { expect, test, uniqueName } from '../fixtures/test'

interface Scheme {
  name: string
  options: LaunchOptions
}

const LIGHT: Scheme = { name: 'light', options: { colorScheme: 'light', locale: 'en-US' } }
const OTHER_SCHEMES: Scheme[] = [
  { name: 'dark', options: { colorScheme: 'dark', locale: 'en-US' } },
  { name: 'Chinese', options: { colorScheme: 'light', locale: 'zh-CN' } },
]

/** One scheme's app: the page, where each scan is labelled, and its core's fake updater (the update banner). */
interface Walker {
  scheme: string
  app: AppHandle
  page: Page
  updater: FakeUpdater
}

/** A small picture with sky and ground, so the thumbnail and the lightbox show something real. */
async function picture(path: string, width: number, height: number): Promise<string> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="100%" height="100%" fill="#8ec5f0"/><rect y="${height * 0.6}" width="100%" height="${height * 0.4}" fill="#3d6b4a"/>
  </svg>`
  await sharp(Buffer.from(svg)).jpeg({ quality: 80 }).toFile(path)
  return path
}

/** Hover a message and click one of its toolbar actions. */
async function act(page: Page, text: string, action: 'react' | 'reply' | 'edit' | 'delete'): Promise<void> {
  const row = message(page, text).first()
  await row.hover()
  await row.getByTestId(`action-${action}`).click()
}

async function react(page: Page, text: string, emoji: string): Promise<void> {
  await act(page, text, 'react')
  await page.getByTestId('emoji-picker').getByTestId('quick-reaction').filter({ hasText: emoji }).click()
  await expect(page.getByTestId('emoji-picker')).toBeHidden()
}

/** The direct conversation's row (the groups' rows name Bob in their previews). */
const directRow = (page: Page) => page.getByRole('option', { name: /^Bob Chen/ })

async function launchWalker(launch: (name: string, options?: LaunchOptions) => Promise<AppHandle>, scheme: Scheme): Promise<Walker> {
  const updater = new FakeUpdater()
  const app = await launch(`alice-${scheme.name}`, { ...scheme.options, updater })
  return { scheme: scheme.name, app, page: app.page, updater }
}

function scan(walker: Walker, screen: string, include?: string, exclude?: string): Promise<void> {
  const where = `${walker.scheme} › ${screen}`
  return test.step(`axe: ${where}`, () => expectAccessible(walker.page, where, { ...(include ? { include } : {}), ...(exclude ? { exclude } : {}) }))
}

/** Sign-in (empty, then with the error an empty submit shows) and register; back on sign-in. */
async function walkSignedOut(walker: Walker): Promise<void> {
  const { page } = walker
  const signInForm = page.getByTestId('sign-in-form')
  await signInForm.waitFor()
  await scan(walker, 'sign-in')
  await signInForm.locator('button[type=submit]').click()
  await expect(page.getByTestId('auth-error')).toBeVisible()
  await scan(walker, 'sign-in with an error')
  await signInForm.getByRole('button', { name: /create an account|创建账号/i }).click()
  const registerForm = page.getByTestId('register-form')
  await expect(registerForm).toBeVisible()
  await scan(walker, 'register')
  await registerForm.getByRole('button', { name: /already have an account|已有账号/i }).click()
  await expect(signInForm).toBeVisible()
}

/** The open conversation's group info or profile panel (the header's info button). */
async function openPanel(page: Page, testId: 'group-info' | 'profile-dialog') {
  await page.getByTestId('info-button').click()
  const panel = page.getByTestId(testId)
  await expect(panel).toBeVisible()
  return panel
}

/** Every signed-in screen, over the conversations `fill` made; changes nothing that lasts. */
async function walkSignedIn(walker: Walker, bob: Person, files: { picture: string; file: string }): Promise<void> {
  const { page: a, app } = walker
  // Tall enough for the whole group conversation: the message list renders only what is in view, and axe checks only what is rendered.
  await a.setViewportSize({ width: 1100, height: 2000 })

  // The list: unread badges, a mention, a muted conversation; the mute menu.
  await expect(a.getByTestId('conversation-item')).toHaveCount(4)
  await expect(conversationItem(a, 'Trip photos').getByTestId('mention-badge')).toBeVisible()
  await expect(conversationItem(a, 'Book club').getByTestId('muted-icon')).toBeVisible()
  await expect(conversationItem(a, 'Book club').getByTestId('unread-badge')).toBeVisible()
  await directRow(a).click({ button: 'right' })
  await expect(a.getByTestId('mute-menu')).toBeVisible()
  await scan(walker, 'mute menu', '[data-testid=mute-menu]')
  await a.keyboard.press('Escape')
  await expect(a.getByTestId('mute-menu')).toBeHidden()

  // The group, with the list beside it (a row hovered, the open one selected).
  await conversationItem(a, 'Weekend plans').click()
  await expect(message(a, 'Looks steep but fine').getByTestId('message-edited')).toBeVisible()
  await expect(a.getByTestId('message-deleted')).toBeVisible()
  await expect(message(a, 'Hiking on Saturday?').getByTestId('reaction')).toHaveCount(1)
  const image = a.getByTestId('attachment-image').locator('img')
  await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0)
  await expect(a.getByTestId('file-card')).toHaveCount(2)
  await directRow(a).hover()
  await scan(walker, 'main window: the list and a group conversation')

  // A message's toolbar, its menu, the emoji picker, the delete confirmation, the editor.
  const snacks = message(a, 'Bring snacks')
  await snacks.hover()
  await expect(snacks.getByTestId('message-toolbar')).toBeVisible()
  await scan(walker, 'message toolbar', `[data-testid=message][data-seq="${await snacks.getAttribute('data-seq')}"]`)
  await snacks.locator('.message__bubble').click({ button: 'right' })
  await expect(a.getByTestId('message-menu')).toBeVisible()
  await scan(walker, 'message menu', '[data-testid=message-menu]')
  await a.keyboard.press('Escape')
  await expect(a.getByTestId('message-menu')).toBeHidden()
  await act(a, 'Bring snacks', 'react')
  await expect(a.getByTestId('emoji-picker')).toBeVisible()
  // Every group's heading and its first four emoji: the other ~1,800 are the same button again (and would take a minute).
  await scan(walker, 'emoji picker', '[data-testid=emoji-picker]', '.emoji-picker__cells > :nth-child(n+5)')
  await a.keyboard.press('Escape')
  await expect(a.getByTestId('emoji-picker')).toBeHidden()
  await act(a, 'Count me in!', 'delete')
  await expect(a.getByTestId('delete-message-dialog')).toBeVisible()
  await scan(walker, 'delete confirmation', '[data-testid=delete-message-dialog]')
  await a.keyboard.press('Escape')
  await expect(a.getByTestId('delete-message-dialog')).toBeHidden()
  const quote = message(a, 'a quote in my bubble')
  await act(a, 'a quote in my bubble', 'edit')
  await expect(a.getByTestId('message-editor')).toBeVisible()
  await scan(walker, 'editing a message', `[data-testid=message][data-seq="${await quote.getAttribute('data-seq')}"]`)
  await a.getByTestId('message-editor').locator('textarea').press('Escape')
  await expect(a.getByTestId('message-editor')).toHaveCount(0)

  // The composer: replying, mention suggestions, staged files.
  await act(a, 'Trail map', 'reply')
  await expect(a.getByTestId('reply-bar')).toBeVisible()
  await app.pickFiles([files.picture, files.file])
  await a.getByTestId('attach').click()
  await expect(a.locator('[data-testid=staged-file][data-status=staged]')).toHaveCount(2)
  await a.getByTestId('composer').fill(`@${bob.username.slice(0, 4)}`)
  await expect(a.getByTestId('mention-suggestions')).toBeVisible()
  await scan(walker, 'composer: a reply, mention suggestions, staged files', '[data-testid=composer-form]')
  await a.getByTestId('composer').fill('')
  await a.getByTestId('cancel-reply').click()
  while ((await a.getByTestId('staged-remove').count()) > 0) await a.getByTestId('staged-remove').first().click()
  await expect(a.getByTestId('staged-file')).toHaveCount(0)

  // The lightbox.
  await a.getByTestId('attachment-image').click()
  const lightbox = a.getByTestId('lightbox')
  await expect(lightbox.getByTestId('lightbox-image')).toHaveAttribute('data-full', 'true', { timeout: 20_000 })
  await scan(walker, 'lightbox', '[data-testid=lightbox]')
  await a.keyboard.press('Escape')
  await expect(lightbox).toHaveCount(0)

  // The group info panel; the direct conversation and its profile panel.
  let panel = await openPanel(a, 'group-info')
  await expect(panel.getByTestId('member')).toHaveCount(2)
  await scan(walker, 'group info', '[data-testid=group-info]')
  await a.keyboard.press('Escape')
  await expect(panel).toBeHidden()
  await directRow(a).click()
  await expect(message(a, 'slides')).toBeVisible()
  await a.mouse.move(0, 0)
  await scan(walker, 'main window: a direct conversation')
  panel = await openPanel(a, 'profile-dialog')
  await scan(walker, 'profile', '[data-testid=profile-dialog]')
  await a.keyboard.press('Escape')
  await expect(panel).toBeHidden()

  // Message search with results, one hovered.
  await a.getByTestId('search-input').fill('Saturday')
  await expect(a.getByTestId('search-hit').first()).toBeVisible()
  await a.getByTestId('search-hit').first().hover()
  await scan(walker, 'message search', '.sidebar')
  await a.getByTestId('search-input').fill('')

  // Settings, every tab.
  await a.getByTestId('open-settings').click()
  const settings = a.getByTestId('settings-dialog')
  await expect(settings).toBeVisible()
  for (const tab of await settings.getByRole('tab').all()) {
    const name = ((await tab.getAttribute('data-testid')) ?? '').replace('settings-tab-', '')
    await tab.click()
    await expect(tab).toHaveAttribute('aria-selected', 'true')
    await scan(walker, `settings › ${name}`, '[data-testid=settings-dialog]')
  }
  await a.keyboard.press('Escape')
  await expect(settings).toBeHidden()

  // A new conversation: someone found and chosen.
  await a.getByTestId('new-conversation').click()
  const dialog = a.getByTestId('new-conversation-dialog')
  await dialog.getByRole('searchbox').fill(bob.username)
  await dialog.getByTestId('person').filter({ hasText: `@${bob.username}` }).locator('input[type=checkbox]').check()
  await scan(walker, 'new conversation', '[data-testid=new-conversation-dialog]')
  await a.keyboard.press('Escape')
  await expect(dialog).toBeHidden()

  // The quick switcher and the shortcuts help.
  await a.getByTestId('composer').focus()
  await a.keyboard.press('Control+K')
  await a.getByTestId('switcher-input').pressSequentially('b')
  await expect(a.getByTestId('switcher-option').first()).toBeVisible()
  await scan(walker, 'quick switcher', '[data-testid=quick-switcher]')
  await a.keyboard.press('Escape')
  await expect(a.getByTestId('quick-switcher')).toBeHidden()
  // The app's keys are ignored while any dialog is open (useAppShortcuts.ts).
  await expect(a.locator('dialog[open]')).toHaveCount(0)
  await a.getByTestId('composer').focus()
  await a.keyboard.press('Control+/')
  await expect(a.getByTestId('shortcuts-dialog')).toBeVisible()
  await scan(walker, 'shortcuts help', '[data-testid=shortcuts-dialog]')
  await a.keyboard.press('Escape')
  await expect(a.getByTestId('shortcuts-dialog')).toBeHidden()

  // The update banner ("Restart to update").
  walker.updater.emit({ type: 'available', version: '9.1.0' })
  walker.updater.emit({ type: 'downloaded', version: '9.1.0' })
  await expect(a.getByTestId('update-restart')).toBeVisible()
  await scan(walker, 'update banner', '[data-testid=update-banner]')
}

/**
 * Bob starts four conversations with Alice: a direct one, "Book club" (she
 * mutes it; it stays unread), "Trip photos" (a mention she never reads) and
 * "Weekend plans", where both write: times, a reply, mentions, formatting, a
 * quote, reactions, an edited and a deleted message, pictures and files.
 */
async function fill(alice: Person, bob: Person, files: { picture: string; file: string; otherFile: string }): Promise<void> {
  const a = alice.app.page
  const b = bob.app.page
  await startConversation(bob, [alice])
  await send(bob, 'Did you get the slides?')
  await startConversation(bob, [alice], 'Book club')
  await send(bob, 'Chapter 3 for Thursday')
  await startConversation(bob, [alice], 'Trip photos')
  await send(bob, `@${alice.username} can you bring the camera?`)
  await startConversation(bob, [alice], 'Weekend plans')
  await send(bob, 'Hiking on Saturday? ⛰️')
  await send(bob, `**Packing list** for @${alice.username}:\n- water\n- _sunscreen_\n- \`map.gpx\`\n> bring a jacket`)
  await send(bob, 'Trail map: https://example.com/trail')
  await send(bob, 'Bring snacks too')
  await send(bob, 'Posted in the wrong chat, sorry')

  await conversationItem(a, 'Book club').click({ button: 'right' })
  await a.getByTestId('menu-mute-forever').click()
  await expect(conversationItem(a, 'Book club').getByTestId('muted-icon')).toBeVisible()

  await openConversation(alice, 'Weekend plans')
  await expect(message(a, 'Posted in the wrong chat')).toBeVisible()
  await bob.app.focus()
  await send(alice, 'Count me in! **Boots** and `poles`, see https://example.com/gear')
  await act(a, 'Trail map', 'reply')
  await send(alice, 'Looks steep ~~but fine~~')
  await send(alice, 'See you at 8\n> a quote in my bubble')
  await act(a, 'wrong chat', 'reply')
  await send(alice, `@${bob.username} no worries`)
  await act(a, 'Looks steep', 'edit')
  await a.getByTestId('message-editor').locator('textarea').fill('Looks steep but fine ~~or not~~')
  await a.getByTestId('message-editor').locator('textarea').press('Enter')
  await act(b, 'wrong chat', 'delete')
  await b.getByTestId('confirm-delete').click()
  await act(b, 'Bring snacks too', 'edit')
  await b.getByTestId('message-editor').locator('textarea').fill('Bring snacks and tea too')
  await b.getByTestId('message-editor').locator('textarea').press('Enter')
  await react(b, 'Count me in!', '👍')
  await react(a, 'Hiking on Saturday?', '🎉')

  await alice.app.pickFiles([files.picture, files.file])
  await a.getByTestId('attach').click()
  await expect(a.locator('[data-testid=staged-file][data-status=staged]')).toHaveCount(2)
  await a.getByTestId('composer').press('Enter')
  await bob.app.pickFiles([files.otherFile])
  await b.getByTestId('attach').click()
  await expect(b.locator('[data-testid=staged-file][data-status=staged]')).toHaveCount(1)
  await b.getByTestId('composer').press('Enter')
  await expect(a.getByTestId('file-card')).toHaveCount(2)
  await expect(message(a, 'Looks steep but fine').getByTestId('message-status')).toHaveAttribute('data-receipt', 'read')
}

test('no WCAG 2.1 AA violations on any screen, in light, dark and Chinese', async ({ launch }, testInfo) => {
  test.skip(testInfo.project.name === 'electron', 'the harness sets the colour scheme, picks files and drives the updater')
  test.setTimeout(300_000)
  const dir = testInfo.outputPath('files')
  mkdirSync(dir, { recursive: true })
  const files = {
    picture: await picture(join(dir, 'ridge.jpg'), 800, 600),
    file: join(import.meta.dirname, '../../package.json'),
    otherFile: join(import.meta.dirname, '../../README.md'),
  }

  // Light: Alice registers, the empty main window, then the conversations are filled in.
  const light = await launchWalker(launch, LIGHT)
  await walkSignedOut(light)
  const alice = await register(light.app, uniqueName('alice'), 'Alice Martin')
  await light.app.focus()
  await scan(light, 'main window: no conversations yet')
  const bob = await register(await launch('bob'), uniqueName('bob'), 'Bob Chen')
  await fill(alice, bob, files)
  await bob.app.quit()
  await walkSignedIn(light, bob, files)
  await light.app.quit()

  // Dark and Chinese: the same account on another device, the same history.
  for (const scheme of OTHER_SCHEMES) {
    const walker = await launchWalker(launch, scheme)
    await walkSignedOut(walker)
    await signIn(walker.app, alice.username)
    await walker.app.focus()
    await walkSignedIn(walker, bob, files)
    await walker.app.quit()
  }
})
