/**
 * Issue 22, the parts not about colour or the keyboard walk
 * (docs/accessibility.md, "Motion, zoom and announcements"):
 *
 * - reduced motion: with `prefers-reduced-motion: reduce` nothing transitions
 *   or animates, and "Jump to latest" lands in one step, not a smooth glide;
 * - 200 % zoom: the default 1100 × 720 window at 200 % is 550 × 360 CSS
 *   pixels (a 1280 × 800 one, 640 × 400) — the one-pane layout, no
 *   horizontal scroll, every control on screen and working;
 * - the live region: a burst of messages from others is one announcement,
 *   my own messages none, and the connection going and coming back one each.
 */
import type { Locator, Page } from '@playwright/test'
import type { Conversation, User } from '../../src/shared/api'
import { newUser, type MessengerUser } from '../../test/helpers/messenger'
import { expect, test, uniqueName } from '../fixtures/test'
import { conversationItem, message, register, type Person } from '../fixtures/steps'

/** Someone over REST (no app) in a conversation with `alice`: a direct one, or a group with `others` too. */
async function conversationWith(alice: Person, from: MessengerUser, others: MessengerUser[] = [], title?: string): Promise<Conversation> {
  const found = await from.call<User[]>('GET', `/api/users?q=${alice.username}`)
  const aliceId = found.body.find((user) => user.username === alice.username)?.id ?? ''
  const created = await from.call<Conversation>('POST', '/api/conversations', {
    memberIds: [aliceId, ...others.map((other) => other.user.id)],
    ...(title === undefined ? {} : { title }),
  })
  expect([200, 201]).toContain(created.status)
  return created.body
}

const announcements = (page: Page) => page.getByTestId('live-announcer').getByTestId('announcement')

/** Every side of `locator` inside the viewport. */
async function expectOnScreen(page: Page, locator: Locator): Promise<void> {
  await expect(locator).toBeVisible()
  const box = await locator.boundingBox()
  const viewport = page.viewportSize()
  expect(box, 'has a box').not.toBeNull()
  expect(viewport).not.toBeNull()
  if (box === null || viewport === null) return
  expect(box.x, `${locator}: left edge`).toBeGreaterThanOrEqual(0)
  expect(box.y, `${locator}: top edge`).toBeGreaterThanOrEqual(0)
  expect(box.x + box.width, `${locator}: right edge`).toBeLessThanOrEqual(viewport.width + 0.5)
  expect(box.y + box.height, `${locator}: bottom edge`).toBeLessThanOrEqual(viewport.height + 0.5)
}

async function expectNoHorizontalScroll(page: Page): Promise<void> {
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }))
  expect(scrollWidth).toBeLessThanOrEqual(clientWidth)
}

/**
 * Runs `start` in the page and notes the scroller's scrollTop at every scroll event that follows:
 * how far the first step went, of the whole way to where the list settled. An instant scroll
 * makes (nearly) all of the way in its first step; a smooth one, a few per cent.
 */
async function firstStepShare(page: Page, scroller: Locator, start: () => Promise<void>, settled: () => Promise<void>): Promise<number> {
  await scroller.evaluate((element) => {
    const seen: number[] = [element.scrollTop]
    ;(window as unknown as { __scrolls: number[] }).__scrolls = seen
    element.addEventListener('scroll', () => seen.push(element.scrollTop))
  })
  await start()
  await settled()
  const tops = await page.evaluate(() => (window as unknown as { __scrolls: number[] }).__scrolls)
  const [from, first] = tops as [number, number | undefined]
  const to = tops.at(-1) ?? from
  expect(first, 'the list scrolled').toBeDefined()
  expect(Math.abs(to - from), 'a long way').toBeGreaterThan(1_000)
  return Math.abs((first ?? from) - from) / Math.abs(to - from)
}

test('reduced motion: no transition or animation anywhere, and "Jump to latest" lands in one step', async ({ launch, server }) => {
  const alice = await register(await launch('alice'), uniqueName('alice'), 'Alice')
  const { page } = alice.app
  const bob = await newUser(server.url, 'bob', 'Bob Steady')
  const conversation = await conversationWith(alice, bob)
  // Unread, so the conversation opens at the first of them, far from the latest.
  let next = 1
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let n = next++; n <= 40; n = next++) await bob.send(conversation.id, `steady message ${n}`)
    }),
  )
  await expect(conversationItem(page, 'Bob Steady')).toHaveAttribute('data-unread', '40')
  await page.emulateMedia({ reducedMotion: 'reduce' })
  await conversationItem(page, 'Bob Steady').click()
  await expect(page.getByTestId('unread-divider')).toBeInViewport()

  const durations = () =>
    page.evaluate(() => {
      // One element of each kind that has a transition in the style sheets (a transfer's bar is made up here).
      const probe = document.createElement('div')
      probe.className = 'transfer__fill'
      document.body.append(probe)
      const elements = [
        document.querySelector('.message'),
        document.querySelector('.message__bubble'),
        document.querySelector('.icon-button'),
        document.querySelector('.unread-divider'),
        probe,
      ]
      const out = elements.map((element) => {
        if (element === null) return 'missing'
        const style = getComputedStyle(element)
        const before = getComputedStyle(element, '::before')
        return [style.transitionDuration, style.animationName, before.transitionDuration].join(' ')
      })
      probe.remove()
      return out
    })
  expect(await durations()).toEqual(Array(5).fill('0s none 0s'))
  // Without the preference the same elements do transition (the check above can tell).
  await page.emulateMedia({ reducedMotion: 'no-preference' })
  expect((await durations()).filter((line) => !line.startsWith('0s '))).toHaveLength(3)
  await page.emulateMedia({ reducedMotion: 'reduce' })

  const scroller = page.locator('.message-list__scroller')
  const latest = message(page, 'steady message 40')
  const share = await firstStepShare(
    page,
    scroller,
    () => page.getByTestId('jump-to-latest').click(),
    () => expect(latest).toBeInViewport(),
  )
  expect(share).toBeGreaterThan(0.8)

  // The probe tells a smooth scroll apart: one asked for explicitly (it overrides the style sheet) glides in small steps.
  await page.evaluate(() => {
    const box = document.createElement('div')
    box.id = 'smooth-probe'
    box.style.cssText = 'position: fixed; top: 0; left: 0; width: 100px; height: 100px; overflow: auto'
    box.innerHTML = '<div style="height: 20000px"></div>'
    document.body.append(box)
  })
  const probe = page.locator('#smooth-probe')
  const smooth = await firstStepShare(
    page,
    probe,
    () => probe.evaluate((element) => element.scrollTo({ top: 10_000, behavior: 'smooth' })),
    () => expect.poll(() => probe.evaluate((element) => element.scrollTop), { timeout: 5_000 }).toBe(10_000),
  )
  expect(smooth).toBeLessThan(0.5)
  await probe.evaluate((element) => element.remove())
  // History scrolled through and the first load are not news.
  await expect(announcements(page)).toHaveCount(0)
})

test('200 % zoom: one pane at a time, nothing clipped, no horizontal scroll; list, conversation, composer and settings all work', async ({
  launch,
  server,
}) => {
  const app = await launch('alice')
  const { page } = app
  // The default window at 200 %: from the sign-in on.
  await page.setViewportSize({ width: 550, height: 360 })
  await page.getByTestId('sign-in-form').waitFor()
  await expectNoHorizontalScroll(page)
  const alice = await register(app, uniqueName('alice'), 'Alice')
  const bob = await newUser(server.url, 'bob', 'Bob Zoom')
  const carol = await newUser(server.url, 'carol', 'Carol Zoom')
  await bob.send((await conversationWith(alice, bob)).id, 'hello from bob')
  await carol.send((await conversationWith(alice, carol)).id, 'hello from carol')

  const list = page.getByTestId('conversation-list')
  const composer = page.getByTestId('composer')
  const back = page.getByTestId('back-to-list')
  const header = page.getByTestId('conversation-header')

  /** The list's pane: the whole width, its buttons on screen, the list not scrolling sideways. */
  const checkList = async () => {
    await expect(list).toBeVisible()
    await expect(page.getByTestId('conversation')).toBeHidden()
    await expectNoHorizontalScroll(page)
    for (const control of [page.getByTestId('new-conversation'), page.getByTestId('open-settings'), page.getByTestId('search-input')]) {
      await expectOnScreen(page, control)
    }
    await expectOnScreen(page, conversationItem(page, 'Bob Zoom'))
    // Its rows are in an absolutely placed viewport: they must not stick out of it either.
    expect(await list.evaluate((element) => element.scrollWidth - element.clientWidth)).toBe(0)
  }

  /** A click on a row: the conversation takes the window, every control on screen; a message goes. */
  const openAndSend = async (text: string) => {
    await conversationItem(page, 'Bob Zoom').click()
    await expect(header).toContainText('Bob Zoom')
    await expect(list).toBeHidden()
    const send = page.getByTestId('composer-form').locator('button[type=submit]')
    for (const control of [back, page.getByTestId('mute-button'), page.getByTestId('info-button'), composer, send]) {
      await expectOnScreen(page, control)
    }
    await expect(composer).toBeFocused()
    await composer.fill(text)
    await send.click()
    await expect(message(page, text)).toHaveAttribute('data-state', 'sent')
    await expectOnScreen(page, message(page, text))
    await expectNoHorizontalScroll(page)
  }

  /** Settings from the list: the dialog fits, its tabs work, it closes. */
  const settings = async () => {
    await page.getByTestId('open-settings').click()
    const dialog = page.getByTestId('settings-dialog')
    const close = dialog.getByRole('button', { name: 'Close' })
    for (const control of [dialog, close, page.getByTestId('settings-tab-general')]) await expectOnScreen(page, control)
    await page.getByTestId('settings-tab-updates').click()
    await expect(page.getByTestId('settings-tab-updates')).toHaveAttribute('aria-selected', 'true')
    await expectNoHorizontalScroll(page)
    await close.click()
    await expect(dialog).toBeHidden()
  }

  await checkList()
  await openAndSend('sent at 550 × 360')

  // Back: the list, with focus on the conversation just left; Enter opens it again, focus in the composer.
  await back.click()
  await expect(list).toBeVisible()
  await expect(conversationItem(page, 'Bob Zoom')).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(header).toContainText('Bob Zoom')
  await expect(composer).toBeFocused()

  // Alt+↑/↓ and the quick switcher move between conversations in the conversation's pane.
  await page.keyboard.press('Alt+ArrowDown')
  await expect(header).toContainText('Carol Zoom')
  await page.keyboard.press('Control+K')
  const switcher = page.getByTestId('quick-switcher')
  await expectOnScreen(page, switcher)
  await page.getByTestId('switcher-input').pressSequentially('Bob')
  await page.keyboard.press('Enter')
  await expect(switcher).toBeHidden()
  await expect(header).toContainText('Bob Zoom')
  await expect(list).toBeHidden()

  // Ctrl+Shift+F: the list's pane comes back, with the search box focused.
  await page.keyboard.press('Control+Shift+F')
  await expect(page.getByTestId('search-input')).toBeFocused()
  await checkList()
  await settings()

  // A 1280 × 800 window at 200 %.
  await page.setViewportSize({ width: 640, height: 400 })
  await checkList()
  await openAndSend('sent at 640 × 400')
  await back.click()
  await settings()

  // The window's own size at 100 %: both panes side by side as before, no Back button.
  await page.setViewportSize({ width: 1100, height: 720 })
  await conversationItem(page, 'Bob Zoom').click()
  await expect(list).toBeVisible()
  await expect(header).toBeVisible()
  await expect(back).toBeHidden()
})

test('the live region: a burst from others is one announcement, my own messages none, the connection going and coming back one each', async ({
  launch,
  server,
}) => {
  const alice = await register(await launch('alice'), uniqueName('alice'), 'Alice')
  const { page } = alice.app
  const bob = await newUser(server.url, 'bob', 'Bob Burst')
  const carol = await newUser(server.url, 'carol', 'Carol Burst')
  const group = await conversationWith(alice, bob, [carol], 'Burst test')
  await bob.send(group.id, 'before it opens')
  await conversationItem(page, 'Burst test').click()
  await expect(message(page, 'before it opens')).toBeVisible()
  const region = page.getByTestId('live-announcer')
  await expect(region).toHaveAttribute('role', 'status')
  await expect(region).toHaveAttribute('aria-live', 'polite')
  // The message list is a log that does not speak for itself.
  await expect(page.locator('[role=log]')).toHaveAttribute('aria-live', 'off')

  // Three messages from two people at once: one announcement, by count and names.
  await Promise.all([bob.send(group.id, 'burst one'), carol.send(group.id, 'burst two'), bob.send(group.id, 'burst three')])
  for (const text of ['burst one', 'burst two', 'burst three']) await expect(message(page, text)).toBeVisible()
  await expect(announcements(page)).toHaveText([/^3 new messages from (Bob Burst and Carol Burst|Carol Burst and Bob Burst)$/])
  await page.waitForTimeout(1_500)
  await expect(announcements(page)).toHaveCount(1)

  // One message alone: who and its first line.
  await bob.send(group.id, 'Are we still on for Friday?\nThe second line is not read')
  await expect(announcements(page).last()).toHaveText('Bob Burst: Are we still on for Friday?')
  await expect(announcements(page)).toHaveCount(2)

  // Mine: nothing.
  const before = await announcements(page).allTextContents()
  await page.getByTestId('composer').fill('my own words')
  await page.getByTestId('composer').press('Enter')
  await expect(message(page, 'my own words')).toHaveAttribute('data-state', 'sent')
  await page.waitForTimeout(1_500)
  for (const text of await announcements(page).allTextContents()) expect(before).toContain(text)

  // The network goes: "offline" once, however often the app retries meanwhile; back: "back online".
  const offline = announcements(page).filter({ hasText: 'You are offline' })
  await alice.app.cutNetwork()
  await expect(offline).toHaveCount(1)
  await expect(page.getByTestId('connection-banner')).toBeVisible()
  await page.waitForTimeout(2_500)
  await expect(offline).toHaveCount(1)
  await alice.app.restoreNetwork()
  await expect(announcements(page).filter({ hasText: 'Back online.' })).toHaveCount(1, { timeout: 20_000 })
  await expect(offline).toHaveCount(1)
})
