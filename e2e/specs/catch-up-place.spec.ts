/**
 * A catch-up that lands in the open conversation (components/MessageList.tsx,
 * lib/timeline.ts `arrivalBurst`): the messages missed while the app was
 * offline or closed come a page at a time, and the list — at the bottom when
 * they came — keeps its place at an unread divider before the first of them
 * instead of following past them to the latest. What was never on screen is
 * not reported read. So do live messages that come one by one while nobody
 * looks (the window unfocused): the list follows them only while the divider
 * stays on screen.
 */
import type { Page } from '@playwright/test'
import type { ServerProcess } from '../../test/kit/server-process'
import { expect, test, uniqueName } from '../fixtures/test'
import { restPeer } from '../fixtures/rest-peer'
import { conversationItem, message, register, send, type Person } from '../fixtures/steps'

/** More than a screen of rows (the harness window is 720 px tall, a row at least 20). */
const MISSED = 60
/** More than the open conversation's window holds: HELD_MAX (800) and its trim slack (50). */
const LONG_CATCH_UP = 1_200

/** Bob, over REST only, and a conversation between him and alice. */
async function bobTalksTo(server: ServerProcess, alice: Person) {
  const bob = await restPeer(server.url, alice, 'Bob Catchup')
  const say = async (clientId: string, body: string) => (await bob.post(clientId, body)).seq
  /** MISSED messages, one after another: the first's seq and the last's. */
  const sayMany = async (prefix: string, text: string) => {
    const seqs: number[] = []
    for (let n = 1; n <= MISSED; n++) seqs.push(await say(`${prefix}-${n}`, `${text} ${n}`))
    return { first: seqs[0] as number, last: seqs.at(-1) as number }
  }
  return { say, sayMany, bulk: bob.bulk, aliceRead: bob.personReadSeq }
}

/** Alice in the app, looking at her conversation with bob, his one message `text` on screen. */
async function aliceReadingBob(launch: (name: string) => Promise<Person['app']>, server: ServerProcess, text: string) {
  const alice = await register(await launch('alice'), uniqueName('alice'), 'Alice')
  const bob = await bobTalksTo(server, alice)
  const before = await bob.say('before', text)
  await alice.app.focus()
  await conversationItem(alice.app.page, 'Bob Catchup').click()
  await expect.poll(() => onScreen(alice.app.page, before)).toBe(true)
  return { alice, bob, before }
}

/** Whether the row of this seq is at least partly inside the list's viewport. */
const onScreen = (page: Page, seq: number) =>
  page.evaluate((wanted) => {
    const scroller = document.querySelector<HTMLElement>('[data-testid=message-list] .message-list__scroller')
    const row = document.querySelector<HTMLElement>(`[data-testid=message][data-seq="${wanted}"]`)
    if (scroller === null || row === null) return false
    const box = scroller.getBoundingClientRect()
    const rect = row.getBoundingClientRect()
    return rect.bottom > box.top && rect.top < box.bottom
  }, seq)

/** Whether the unread divider comes right before the row of this seq. */
const dividerBefore = (page: Page, seq: number) =>
  page.evaluate((wanted) => {
    const row = document.querySelector(`[data-testid=message][data-seq="${wanted}"]`)
    const divider = document.querySelector('[data-testid=unread-divider]')
    if (row === null || divider === null) return false
    const rows = [...document.querySelectorAll('[data-testid=message]')].filter((element) => divider.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_FOLLOWING)
    return rows[0] === row
  }, seq)

/**
 * The catch-up landed and the list kept its place: the divider right before the first missed message,
 * which is on screen, and stays there (neither following the catch-up to the latest nor drifting down
 * after it), the latest below the fold behind "Jump to latest".
 */
async function expectPlaceKept(page: Page, first: number, last: number, timeout: number): Promise<void> {
  await expect(page.getByTestId('unread-divider')).toBeVisible({ timeout })
  await expect.poll(() => onScreen(page, first)).toBe(true)
  expect(await dividerBefore(page, first)).toBe(true)
  await page.waitForTimeout(1_500)
  expect(await onScreen(page, first)).toBe(true)
  expect(await onScreen(page, last)).toBe(false)
  await expect(page.getByTestId('jump-to-latest')).toBeVisible()
}

test('back online with the conversation open and read: the missed messages come in below an unread divider the list stays at, and only what was on screen is read', async ({
  launch,
  server,
}) => {
  const { alice, bob, before } = await aliceReadingBob(launch, server, 'before the cut')
  const page = alice.app.page
  await expect.poll(bob.aliceRead).toBe(before)

  await alice.app.cutNetwork()
  await expect(page.getByTestId('connection-banner')).toBeVisible()
  const { first, last } = await bob.sayMany('missed', 'missed')
  await alice.app.restoreNetwork()
  await expect(page.getByTestId('connection-banner')).toBeHidden({ timeout: 20_000 })

  // The first missed message shows, right below the divider; the latest is below the fold.
  await expectPlaceKept(page, first, last, 20_000)

  // Read only as far as the screen shows: not the latest.
  await expect.poll(bob.aliceRead).toBeGreaterThan(before)
  expect(await bob.aliceRead()).toBeLessThan(last)
  await expect(conversationItem(page, 'Bob Catchup').getByTestId('unread-badge')).toBeVisible()

  // "Jump to latest" shows the rest, and it is read; a live message after that is followed again.
  await page.getByTestId('jump-to-latest').click()
  await expect.poll(() => onScreen(page, last)).toBe(true)
  await expect.poll(bob.aliceRead).toBe(last)
  const live = await bob.say('live', 'live again')
  await expect.poll(() => onScreen(page, live)).toBe(true)
  await expect.poll(bob.aliceRead).toBe(live)
})

test('reopened by the app at its start, the conversation keeps its place at the first message missed while the app was closed, as the catch-up lands', async ({
  launch,
  server,
}) => {
  const { alice, bob } = await aliceReadingBob(launch, server, 'before the app closed')

  await alice.app.quit()
  const { first, last } = await bob.sayMany('missed', 'missed')
  const page = (await alice.app.relaunch()).page
  // The app reopens the conversation from its cache before it connects (design §7.4), at its latest
  // message then: the one before the app closed. The catch-up lands after that.
  await expect(page.getByTestId('message-list')).toBeVisible()
  await expectPlaceKept(page, first, last, 30_000)
})

test('a catch-up longer than the window holds: the list still keeps its place at the first missed message, which the window keeps as the rest comes in', async ({
  launch,
  server,
}) => {
  const { alice, bob, before } = await aliceReadingBob(launch, server, 'before the long weekend')

  await alice.app.quit()
  // More than the open conversation's window holds (store/messages.ts HELD_MAX and its slack): while the
  // list followed the bottom, the store let the oldest go as the pages came, divider and all.
  await bob.bulk('weekend', LONG_CATCH_UP)
  const page = (await alice.app.relaunch()).page
  await expect(page.getByTestId('message-list')).toBeVisible()
  await expectPlaceKept(page, before + 1, before + LONG_CATCH_UP, 30_000)
})

test('messages that come one by one while the window is unfocused: followed only while the divider stays on screen, and on focus only what is on screen is read', async ({
  launch,
  server,
}) => {
  const { alice, bob, before } = await aliceReadingBob(launch, server, 'before the window lost focus')
  const page = alice.app.page
  await expect.poll(bob.aliceRead).toBe(before)

  // A few: the divider comes before the first, and the list follows them to the latest, which shows.
  await alice.app.blur()
  const few = [await bob.say('few-1', 'while away 1'), await bob.say('few-2', 'while away 2')]
  await expect.poll(() => onScreen(page, few[1] as number)).toBe(true)
  expect(await dividerBefore(page, few[0] as number)).toBe(true)
  expect(await bob.aliceRead()).toBe(before)
  await alice.app.focus()
  await expect.poll(bob.aliceRead).toBe(few[1])

  // More than a screen, one by one: the list stops following once the first of them would leave the top.
  await alice.app.blur()
  const { first, last } = await bob.sayMany('away', 'while away')
  await expect(conversationItem(page, 'Bob Catchup').getByTestId('unread-badge')).toHaveText(String(MISSED))
  await expectPlaceKept(page, first, last, 10_000)
  expect(await bob.aliceRead()).toBe(few[1])

  // Back at the window: read as far as the screen shows, not the latest.
  await alice.app.focus()
  await expect.poll(bob.aliceRead).toBeGreaterThan(few[1] as number)
  await page.waitForTimeout(1_000)
  expect(await bob.aliceRead()).toBeLessThan(last)

  // A message she sends goes to the bottom and shows, the place held or not; the rest is then on screen and read.
  await send(alice, 'back at my desk')
  await expect(message(page, 'back at my desk')).toBeInViewport()
  await expect.poll(() => onScreen(page, last)).toBe(true)
  // Read up to bob's latest at least: her own message after it may be counted in the same mark.
  await expect.poll(bob.aliceRead).toBeGreaterThanOrEqual(last)
  await expect(page.getByTestId('jump-to-latest')).toHaveCount(0)
})
