/**
 * Reply jump far back (issue 17): a reply's snippet scrolls to the original
 * even when the original is more than a page back and not in the list yet —
 * older pages load (`loadMessages` with `beforeSeq`) until it is held, the
 * list lands on it and highlights it, and stays there. By mouse and by
 * keyboard (Tab to the snippet, Enter).
 */
import type { Locator, Page } from '@playwright/test'
import type { Message } from '../../src/shared/api'
import { restPeer } from '../fixtures/rest-peer'
import { expect, test, uniqueName } from '../fixtures/test'
import { conversationItem, register, type Person } from '../fixtures/steps'
import type { ServerProcess } from '../../test/kit/server-process'

/** Messages before the original (so it is not the very first) and between it and the reply. */
const BEFORE = 30
const BETWEEN = 450
const MAX_ROWS = 300
const ORIGINAL_TEXT = 'Where did we park the blue van?'

interface Seeded {
  alice: Person
  original: Message
  reply: Message
}

/**
 * Alice (in the app) and Bob (over REST) in a direct conversation: BEFORE
 * messages, the original, BETWEEN more, then Bob's reply to the original —
 * written while Alice's app is closed, and all read by her, so the
 * conversation opens at the bottom with only the latest page loaded (and
 * cached: her history budget is the latest 50 messages).
 */
async function seed(server: ServerProcess, launch: (name: string) => Promise<Person['app']>): Promise<Seeded> {
  let alice = await register(await launch('alice'), uniqueName('alice'), 'Alice')
  // The background backfill keeps to the latest 50: the original stays on the server until the jump
  // fetches it (else, on a slow machine, the backfill could cache it first and no page would load).
  await alice.app.page.evaluate(() => window.parley.updateSettings({ historyBudget: { kind: 'messages', count: 50 } }))
  const bob = await restPeer(server.url, alice, 'Bob Farback')
  const bulk = (prefix: string, count: number) => bob.bulk(prefix, count, (n) => `${prefix} filler ${n}`)

  await alice.app.quit()
  await bulk('before', BEFORE)
  const original = await bob.post('original', ORIGINAL_TEXT)
  await bulk('after', BETWEEN)
  const reply = await bob.post('reply', 'In the north lot, level 3', original.id)
  expect(reply.replyTo?.id).toBe(original.id)
  expect(reply.seq - original.seq).toBe(BETWEEN + 1)
  // Alice has read everything: the conversation opens at the bottom, the latest page only.
  await bob.readAsPerson(reply.seq)

  alice = { ...alice, app: await alice.app.relaunch() }
  return { alice, original, reply }
}

const bySeq = (page: Page, seq: number): Locator => page.locator(`[data-testid=message][data-seq="${seq}"]`)

/** Open the conversation: it shows the reply at the bottom, the original not loaded. */
async function openAtBottom(page: Page, { original, reply }: Seeded): Promise<Locator> {
  // Once the catch-up has stored the conversation down to the reply (the list shows it): this spec is
  // about the jump, not about a catch-up landing in an open conversation (catch-up-place.spec.ts).
  await expect(conversationItem(page, 'Bob Farback')).toContainText('In the north lot, level 3', { timeout: 30_000 })
  await conversationItem(page, 'Bob Farback').click()
  const replyRow = bySeq(page, reply.seq)
  await expect(replyRow).toBeInViewport({ timeout: 30_000 })
  await expect(replyRow.getByTestId('reply-snippet')).toContainText(ORIGINAL_TEXT)
  await expect(bySeq(page, original.seq)).toHaveCount(0)
  // Far more than the latest page away: not held, so the jump must load older pages.
  const lowest = await page.getByTestId('message').evaluateAll((rows) => Math.min(...rows.map((row) => Number(row.getAttribute('data-seq')))))
  expect(reply.seq - lowest).toBeLessThan(BETWEEN)
  return replyRow
}

/**
 * Counts the DOM's message rows at every mutation from now on (the most ever
 * mounted at once) and notes whether the "loading older messages" row showed.
 */
async function watchList(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen = { most: 0, loadingShown: false }
    ;(window as unknown as { __replyJump: typeof seen }).__replyJump = seen
    const note = () => {
      seen.most = Math.max(seen.most, document.querySelectorAll('[data-testid=message]').length)
      if (document.querySelector('.message-list__note[role=status]') !== null) seen.loadingShown = true
    }
    new MutationObserver(note).observe(document.body, { childList: true, subtree: true })
    note()
  })
}

async function watched(page: Page): Promise<{ most: number; loadingShown: boolean }> {
  return page.evaluate(() => (window as unknown as { __replyJump: { most: number; loadingShown: boolean } }).__replyJump)
}

/** The original is on screen, highlighted, and the list stays there (nothing pulls it back to the bottom). */
async function expectLandedOn(page: Page, { original, reply }: Seeded): Promise<void> {
  const originalRow = bySeq(page, original.seq)
  await expect(originalRow).toBeInViewport({ timeout: 30_000 })
  await expect(originalRow).toContainText(ORIGINAL_TEXT)
  await expect(originalRow).toHaveClass(/message--highlighted/)
  await expect(page.getByTestId('jump-to-latest')).toBeVisible()

  await page.waitForTimeout(1_500)
  await expect(originalRow).toBeInViewport({ timeout: 100 })
  await expect(originalRow).toHaveCount(1)
  await expect(bySeq(page, reply.seq)).not.toBeInViewport({ timeout: 100 })
  // The highlight fades by itself.
  await expect(originalRow).not.toHaveClass(/message--highlighted/, { timeout: 10_000 })
  await expect(originalRow).toBeInViewport({ timeout: 100 })

  expect(await page.getByTestId('message').count()).toBeLessThanOrEqual(MAX_ROWS)
  const { most, loadingShown } = await watched(page)
  expect(most).toBeLessThanOrEqual(MAX_ROWS)
  expect(loadingShown).toBe(true)
  await expect(page.locator('.message-list__note[role=status]')).toHaveCount(0)
}

test('clicking a reply snippet whose original is 450 messages back loads older pages, scrolls to it and highlights it', async ({
  launch,
  server,
}) => {
  test.setTimeout(180_000)
  const seeded = await seed(server, launch)
  const page = seeded.alice.app.page
  const replyRow = await openAtBottom(page, seeded)

  await watchList(page)
  await replyRow.getByTestId('reply-snippet').click()
  await expectLandedOn(page, seeded)
})

test('keyboard: Tab to a reply snippet whose original is far back, Enter jumps to it', async ({ launch, server }) => {
  test.setTimeout(180_000)
  const seeded = await seed(server, launch)
  const page = seeded.alice.app.page
  const replyRow = await openAtBottom(page, seeded)
  const snippet = replyRow.getByTestId('reply-snippet')
  await expect(snippet).toHaveAccessibleName(/Bob Farback/)

  // Focus the reply's row, then Tab through its toolbar to the snippet.
  await replyRow.focus()
  await expect(replyRow).toBeFocused()
  for (let tab = 0; tab < 10; tab++) {
    if (await snippet.evaluate((element) => element === document.activeElement)) break
    await page.keyboard.press('Tab')
  }
  await expect(snippet).toBeFocused()

  await watchList(page)
  await page.keyboard.press('Enter')
  await expectLandedOn(page, seeded)
})
