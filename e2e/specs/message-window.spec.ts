/**
 * The open conversation is a two-way window (store/messages.ts, HELD_MAX):
 * scrolled back through a long history, the newest messages are let go and
 * the list holds a bounded run; scrolling down brings newer pages back
 * without the list jumping; "Jump to latest" replaces the run with the
 * latest page, with a message that arrived meanwhile; sending from far back
 * lands at the latest too.
 */
import type { Page } from '@playwright/test'
import type { AuthResponse, Conversation, User } from '../../src/shared/api'
import { callApi } from '../../test/helpers/messenger'
import { expect, test, uniqueName } from '../fixtures/test'
import { conversationItem, register, send } from '../fixtures/steps'

const TOTAL = 2_400
/** The store's HELD_MAX (800): a list holding every message scrolled through would be three times as tall. */
const HELD_MAX = 800
const MAX_ROWS = 300
/** Rows are at least this tall (one line of text in a bubble). */
const MIN_ROW_PX = 20
const FLICK_PX = 3_000

interface ListState {
  /** Seqs of the message rows in the DOM. */
  seqs: number[]
  /** The lowest seq whose row is at least partly in the scroller's viewport. */
  topSeq: number | null
  scrollHeight: number
}

async function listState(page: Page): Promise<ListState> {
  return page.evaluate(() => {
    const scroller = document.querySelector<HTMLElement>('[data-testid=message-list] .message-list__scroller')
    const rows = [...document.querySelectorAll<HTMLElement>('[data-testid=message][data-seq]')]
    const box = scroller?.getBoundingClientRect()
    const visible = rows.filter((row) => {
      const rect = row.getBoundingClientRect()
      return box !== undefined && rect.bottom > box.top && rect.top < box.bottom
    })
    const seqs = rows.map((row) => Number(row.dataset.seq))
    const visibleSeqs = visible.map((row) => Number(row.dataset.seq))
    return { seqs, topSeq: visibleSeqs.length === 0 ? null : Math.min(...visibleSeqs), scrollHeight: scroller?.scrollHeight ?? 0 }
  })
}

/**
 * A flick of the wheel: the wheel event a user's scroll starts with (the list then stops holding itself at
 * the latest message it opened at: MessageList's `pinned`, which a programmatic scroll alone leaves on for
 * its first seconds), then the scroll itself, by an exact amount.
 */
const flick = (page: Page, by: number) =>
  page.evaluate((delta) => {
    const scroller = document.querySelector('[data-testid=message-list] .message-list__scroller')
    scroller?.dispatchEvent(new WheelEvent('wheel', { bubbles: true, cancelable: true, deltaY: delta }))
    scroller?.scrollBy(0, delta)
  }, by)

test('scrolled back through 2,400 messages the list holds a bounded window, scrolls down again without jumping, and "Jump to latest" shows a message that arrived meanwhile', async ({
  launch,
  server,
}) => {
  test.setTimeout(300_000)
  let alice = await register(await launch('alice'), uniqueName('alice'), 'Alice')
  const bob = (
    await callApi<AuthResponse>(server.url, 'POST', '/api/auth/register', {
      body: { username: uniqueName('bob'), password: 'correct-horse-1', displayName: 'Bob Window' },
    })
  ).body
  const aliceAuth = (await callApi<AuthResponse>(server.url, 'POST', '/api/auth/login', { body: { username: alice.username, password: 'correct-horse-1' } })).body
  const found = await callApi<User[]>(server.url, 'GET', `/api/users?q=${alice.username}`, { token: bob.token })
  const aliceId = found.body.find((user) => user.username === alice.username)?.id ?? ''
  const conversation = (await callApi<Conversation>(server.url, 'POST', '/api/conversations', { token: bob.token, body: { memberIds: [aliceId] } })).body
  const post = (clientId: string, body: string) =>
    callApi(server.url, 'POST', `/api/conversations/${conversation.id}/messages`, { token: bob.token, body: { clientId, body } })

  await alice.app.quit()
  let next = 1
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let n = next++; n <= TOTAL; n = next++) await post(`bulk-${n}`, `message number ${n}`)
    }),
  )
  // All read: the conversation opens at the latest message.
  await callApi(server.url, 'POST', `/api/conversations/${conversation.id}/read`, { token: aliceAuth.token, body: { seq: TOTAL } })

  alice = { ...alice, app: await alice.app.relaunch() }
  const page = alice.app.page
  const seq = (n: number) => page.locator(`[data-testid=message][data-seq="${n}"]`)
  await conversationItem(page, 'Bob Window').click()
  await expect(seq(TOTAL)).toBeVisible({ timeout: 60_000 })
  const jumpButton = page.getByTestId('jump-to-latest')
  await expect(jumpButton).toBeHidden()

  // Up to the first message, a flick at a time: the row on top only ever moves back, the DOM and the list stay bounded.
  let most = 0
  let tallest = 0
  let previousTop = TOTAL
  for (let step = 0; step < 1_000; step++) {
    const state = await listState(page)
    most = Math.max(most, state.seqs.length)
    tallest = Math.max(tallest, state.scrollHeight)
    if (state.topSeq !== null) {
      expect(state.topSeq, 'scrolling up never moves the list down').toBeLessThanOrEqual(previousTop)
      previousTop = state.topSeq
    }
    if (state.seqs.includes(1) && (await seq(1).isVisible())) break
    await flick(page, -FLICK_PX)
    await page.waitForTimeout(25)
  }
  await expect(seq(1)).toBeVisible()
  expect(most).toBeLessThanOrEqual(MAX_ROWS)
  // The list is as tall as what it holds: HELD_MAX rows and a page, not the 2,400 scrolled through.
  expect(tallest).toBeLessThan((HELD_MAX + 200) * 48)
  expect(tallest).toBeLessThan(TOTAL * MIN_ROW_PX)
  // Far from the latest, which is no longer held: the way back is offered, labelled and reachable by keyboard.
  await expect(jumpButton).toBeVisible()
  await expect(jumpButton).toHaveAccessibleName('Jump to latest')

  // Meanwhile bob writes: not in the window (it does not reach the latest) — it shows once the latest does.
  await post('live-1', 'arrived while alice was far back')
  await page.waitForTimeout(1_000)
  await expect(page.getByTestId('message').filter({ hasText: 'arrived while alice was far back' })).toHaveCount(0)

  // Down again past the window's bound: newer pages load, the oldest rows go, and the list does not jump.
  previousTop = 1
  for (let step = 0; step < 400; step++) {
    const state = await listState(page)
    expect(state.seqs.length).toBeLessThanOrEqual(MAX_ROWS)
    if (state.topSeq !== null) {
      expect(state.topSeq, 'scrolling down never moves the list up').toBeGreaterThanOrEqual(previousTop)
      expect(state.topSeq - previousTop, 'a flick moves the list by about a flick').toBeLessThan(FLICK_PX / MIN_ROW_PX + 50)
      previousTop = state.topSeq
    }
    if (state.topSeq !== null && state.topSeq >= HELD_MAX + 400) break
    await flick(page, FLICK_PX)
    await page.waitForTimeout(25)
  }
  expect(previousTop).toBeGreaterThanOrEqual(HELD_MAX + 400)
  await expect(seq(1)).toHaveCount(0)

  // Back to the latest, by keyboard: the latest page replaces the window, with bob's message after it.
  await jumpButton.focus()
  await page.keyboard.press('Enter')
  await expect(seq(TOTAL)).toBeVisible({ timeout: 30_000 })
  await expect(seq(TOTAL + 1)).toBeVisible()
  await expect(seq(TOTAL + 1)).toContainText('arrived while alice was far back')
  await expect(jumpButton).toBeHidden()
  // Focus did not fall to the page's body when the button went.
  expect(await page.evaluate(() => document.activeElement !== document.body && document.activeElement !== null)).toBe(true)
  // At the latest again, live messages show as they come.
  await post('live-2', 'and one more, at the latest')
  await expect(seq(TOTAL + 2)).toBeVisible({ timeout: 30_000 })

  // Far back once more, then send: the list comes to the latest, where the message is.
  for (let step = 0; step < 1_000; step++) {
    const state = await listState(page)
    if (state.topSeq !== null && state.topSeq < TOTAL - HELD_MAX - 300) break
    await flick(page, -FLICK_PX)
    await page.waitForTimeout(25)
  }
  await expect(seq(TOTAL)).toHaveCount(0)
  await send(alice, 'sent from far back')
  const mine = page.getByTestId('message').filter({ hasText: 'sent from far back' })
  await expect(mine).toBeVisible({ timeout: 30_000 })
  await expect(mine).toBeInViewport()
  await expect(seq(TOTAL + 2)).toBeVisible()
  expect((await listState(page)).seqs.length).toBeLessThanOrEqual(MAX_ROWS)
})
