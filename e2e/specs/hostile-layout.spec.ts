/**
 * Hostile text must not break the layout (issue 6, "Renderer"): a
 * 4,000-character word, RTL overrides, zero-width characters and stacked
 * combining marks arrive from another user. The checks are geometric — nothing
 * overflows the message list or the window, bubbles do not overlap, the
 * sidebar keeps its width — plus pixel comparisons of the screenshots of the
 * parts hostile text must not reach (the header and the composer), taken
 * before and after it arrived. Screenshots of the result go to
 * e2e/artifacts/screenshots/hostile-layout-*.png.
 */
import { join } from 'node:path'
import type { Locator, Page } from '@playwright/test'
import { ARTIFACTS } from '../fixtures/paths'
import { expect, test, uniqueName } from '../fixtures/test'
import { message, messages, openConversation, register, send, startConversation } from '../fixtures/steps'

const LONG_WORD = `${'W'.repeat(3_990)}-longword`
/** U+202E RIGHT-TO-LEFT OVERRIDE without its closing U+202C: it would reverse everything after it if not isolated. */
const RTL_OVERRIDE = '\u202Eexe.txt override-marker'
const ZERO_WIDTH = `zw${'\u200B\u200C\u200D\u2060\uFEFF'.repeat(200)}-marker`
const ZALGO = `zalgo-marker ${'a\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308\u0309\u030A\u030B\u030C\u030D\u030E\u030F\u0310'.repeat(20)}`
/** Sent last: an ordinary message whose row must look like any ordinary message. */
const AFTER = 'plain message after the hostile ones'

interface Box {
  x: number
  y: number
  width: number
  height: number
}

async function box(locator: Locator): Promise<Box> {
  const found = await locator.boundingBox()
  if (found === null) throw new Error('element not visible')
  return found
}

/** Pixels that differ between two PNG screenshots of the same size (decoded by the page's own canvas), and where. */
async function pixelDiff(page: Page, a: Buffer, b: Buffer): Promise<{ differing: number; first: [number, number] | null; size: string }> {
  return page.evaluate(
    async ([first, second]) => {
      const decode = async (base64: string) => {
        const image = new Image()
        image.src = `data:image/png;base64,${base64}`
        await image.decode()
        const canvas = document.createElement('canvas')
        canvas.width = image.width
        canvas.height = image.height
        const context = canvas.getContext('2d') as CanvasRenderingContext2D
        context.drawImage(image, 0, 0)
        return context.getImageData(0, 0, image.width, image.height)
      }
      const [x, y] = [await decode(first), await decode(second)]
      if (x.width !== y.width || x.height !== y.height) return { differing: -1, first: null, size: `${x.width}x${x.height} vs ${y.width}x${y.height}` }
      let differing = 0
      let at: [number, number] | null = null
      for (let i = 0; i < x.data.length; i += 4) {
        if (x.data[i] !== y.data[i] || x.data[i + 1] !== y.data[i + 1] || x.data[i + 2] !== y.data[i + 2] || x.data[i + 3] !== y.data[i + 3]) {
          differing++
          at ??= [(i / 4) % x.width, Math.floor(i / 4 / x.width)]
        }
      }
      return { differing, first: at, size: `${x.width}x${x.height}` }
    },
    [a.toString('base64'), b.toString('base64')] as const,
  )
}

/** Nothing scrolls sideways: the message list, the page. */
async function noHorizontalOverflow(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => {
    const list = document.querySelector('[data-testid="message-list"]')
    const scroller = list?.querySelector('[data-test-id="virtuoso-scroller"]') ?? list
    return {
      page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      list: scroller ? scroller.scrollWidth - scroller.clientWidth : Number.NaN,
    }
  })
  expect(overflow.page).toBeLessThanOrEqual(0)
  expect(overflow.list).toBeLessThanOrEqual(0)
}

test('a 4,000-character word, RTL overrides, zero-width characters and combining marks stay inside their bubbles', async ({ launch }) => {
  const alice = await register(await launch('alice'), uniqueName('alice'), 'Alice')
  const bob = await register(await launch('bob'), uniqueName('bob'), 'Bob')
  await startConversation(bob, [alice])
  await send(bob, 'hello')
  const page = alice.app.page
  await openConversation(alice, 'Bob')
  await expect(message(page, 'hello')).toHaveCount(1)
  // Alice is looking: the list follows what comes (unfocused, it would keep the first unseen one on screen).
  await alice.app.focus()

  const header = page.getByTestId('conversation-header')
  const composer = page.getByTestId('composer-form')
  const sidebar = page.getByTestId('conversation-list')
  await expect(page.getByTestId('typing')).toHaveCount(0)
  // The avatar with its presence dot is live state (and its ring antialiased anew on each paint): masked out.
  const headerShot = () => header.screenshot({ mask: [header.getByTestId('presence').locator('..')] })
  const headerBefore = await headerShot()
  const composerBefore = await composer.screenshot()
  const sidebarBefore = await box(sidebar)

  for (const text of [LONG_WORD, RTL_OVERRIDE, ZERO_WIDTH, ZALGO, AFTER]) await send(bob, text)
  await expect(message(page, AFTER)).toHaveCount(1)
  await expect(message(page, 'longword')).toHaveCount(1)
  await expect(message(page, 'override-marker')).toHaveCount(1)
  await expect(message(page, '-marker').filter({ hasText: 'zw' })).toHaveCount(1)
  await expect(message(page, 'zalgo-marker')).toHaveCount(1)

  // New messages scroll the list down smoothly (followOutput): measure once it has come to rest at the
  // bottom, not halfway through the animation (the floating "jump to latest" shows until then).
  await expect(page.getByTestId('jump-to-latest')).toHaveCount(0)
  await settled(page.getByTestId('message-list'))

  await page.screenshot({ path: join(ARTIFACTS, 'screenshots', 'hostile-layout-conversation.png') })

  // Text is kept as sent, invisible characters included.
  const bodies = await messages(page).locator('.message__text').allTextContents()
  expect(bodies).toContain(LONG_WORD)
  expect(bodies).toContain(ZERO_WIDTH)
  expect(bodies).toContain(RTL_OVERRIDE)

  await noHorizontalOverflow(page)

  // Every bubble lies within the message list, and rows do not overlap.
  const list = await box(page.getByTestId('message-list'))
  const rows = await messages(page).all()
  const boxes: Box[] = []
  for (const row of rows) {
    const bubble = await box(row.locator('.message__bubble'))
    expect(bubble.x).toBeGreaterThanOrEqual(list.x - 0.5)
    expect(bubble.x + bubble.width).toBeLessThanOrEqual(list.x + list.width + 0.5)
    boxes.push(await box(row))
  }
  boxes.sort((a, b) => a.y - b.y)
  for (let i = 1; i < boxes.length; i++) {
    expect((boxes[i] as Box).y).toBeGreaterThanOrEqual((boxes[i - 1] as Box).y + (boxes[i - 1] as Box).height - 0.5)
  }

  // The long word wraps instead of widening its bubble past the list.
  const longBubble = await box(message(page, 'longword').locator('.message__bubble'))
  expect(longBubble.width).toBeLessThan(list.width)

  // The override is isolated: the time after it and the next message are laid out as usual.
  const directions = await page.evaluate(() =>
    [...document.querySelectorAll('[data-testid="message"] .message__text')].map((element) => getComputedStyle(element).unicodeBidi),
  )
  expect(directions.every((value) => value === 'isolate' || value === 'plaintext' || value === 'isolate-override')).toBe(true)
  const layoutOf = async (text: string) => {
    const row = message(page, text)
    const bubble = await box(row.locator('.message__bubble'))
    const time = await box(row.locator('.message__time'))
    return { timeRight: bubble.x + bubble.width - (time.x + time.width), timeBelowText: time.y >= bubble.y }
  }
  // (The virtualized list has unmounted 'hello' by now: the ordinary message sent last is the reference.)
  const plain = await layoutOf(AFTER)
  const overridden = await layoutOf('override-marker')
  expect(Math.abs(overridden.timeRight - plain.timeRight)).toBeLessThanOrEqual(2)
  expect(overridden.timeBelowText).toBe(true)
  expect(plain.timeBelowText).toBe(true)
  const afterText = await message(page, AFTER).locator('.message__text').evaluate((element) => ({
    direction: getComputedStyle(element).direction,
    text: element.textContent,
  }))
  expect(afterText).toEqual({ direction: 'ltr', text: AFTER })

  // Stacked combining marks are drawn inside their own bubble: not over the rows around it. The empty
  // space beside the row above (right of its narrow bubble, above the wide zalgo bubble) must look
  // exactly like empty space far to the right at the same height.
  const zalgoRow = await box(message(page, 'zalgo-marker'))
  const nextRow = await box(message(page, AFTER))
  expect(zalgoRow.y + zalgoRow.height).toBeLessThanOrEqual(nextRow.y + 0.5)
  const zalgoBubble = await box(message(page, 'zalgo-marker').locator('.message__bubble'))
  const rowAbove = await box(message(page, 'zw').filter({ hasText: '-marker' }))
  const aboveBubble = await box(message(page, 'zw').filter({ hasText: '-marker' }).locator('.message__bubble'))
  const gap = {
    x: Math.ceil(aboveBubble.x + aboveBubble.width + 4),
    y: Math.ceil(rowAbove.y),
    width: Math.floor(zalgoBubble.x + zalgoBubble.width - (aboveBubble.x + aboveBubble.width) - 8),
    height: Math.floor(zalgoBubble.y - rowAbove.y - 1),
  }
  expect(gap.width).toBeGreaterThan(20)
  expect(gap.height).toBeGreaterThan(10)
  const emptyFarRight = { ...gap, x: Math.floor(list.x + list.width - gap.width - 24) }
  expect(emptyFarRight.x).toBeGreaterThan(zalgoBubble.x + zalgoBubble.width)
  expect(await pixelDiff(page, await page.screenshot({ clip: gap }), await page.screenshot({ clip: emptyFarRight }))).toMatchObject({ differing: 0 })

  // The sidebar (with the last-message preview) keeps its width; header and composer are untouched, pixel for pixel.
  const sidebarAfter = await box(sidebar)
  expect(Math.abs(sidebarAfter.width - sidebarBefore.width)).toBeLessThanOrEqual(0.5)
  expect(Math.abs(sidebarAfter.x - sidebarBefore.x)).toBeLessThanOrEqual(0.5)
  await page.mouse.move(0, 0)
  // Bob's typing shows in the header while he types; it ends when he sends.
  await expect(page.getByTestId('typing')).toHaveCount(0)
  const headerAfter = await headerShot()
  const headerDiff = await pixelDiff(page, headerAfter, headerBefore)
  expect(headerDiff, JSON.stringify(headerDiff)).toMatchObject({ differing: 0 })
  expect(await pixelDiff(page, await composer.screenshot(), composerBefore)).toMatchObject({ differing: 0 })
  await sidebar.screenshot({ path: join(ARTIFACTS, 'screenshots', 'hostile-layout-sidebar.png') })
})

/** Resolves once the message list's box and its scroller's position stay the same from one check to the next. */
async function settled(locator: Locator): Promise<void> {
  const snapshot = () =>
    locator.evaluate(async (element) => {
      // Two frames later: a scroll animation moves every frame.
      await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))
      const scroller = element.querySelector('.message-list__scroller')
      return JSON.stringify([element.getBoundingClientRect().toJSON(), scroller?.scrollTop, scroller?.scrollHeight])
    })
  let last = await snapshot()
  await expect
    .poll(async () => {
      const now = await snapshot()
      const same = now === last
      last = now
      return same
    }, { intervals: [100, 100, 100, 100, 200, 200, 500] })
    .toBe(true)
}
