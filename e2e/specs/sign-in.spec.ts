/**
 * Signing in to an existing account through the sign-in form (every other
 * spec registers): sign out from the settings, a wrong password is refused
 * with its message, the right one brings back the conversation list and the
 * history, with what arrived while signed out.
 */
import { expect, test, uniqueName } from '../fixtures/test'
import { conversationItem, message, messages, openConversation, register, send, signIn, signOut, startConversation } from '../fixtures/steps'

test('sign out and in again: a wrong password is refused, the right one brings back the conversations and their history', async ({ launch }) => {
  const alice = await register(await launch('alice'), uniqueName('alice'), 'Alice')
  const bob = await register(await launch('bob'), uniqueName('bob'), 'Bob')
  await startConversation(alice, [bob])
  await send(alice, 'before signing out')
  await openConversation(bob, 'Alice')
  await send(bob, 'a reply she saw')
  const page = alice.app.page
  await expect(message(page, 'a reply she saw')).toBeVisible()

  await signOut(alice)
  await expect(page.getByTestId('conversation-list')).toHaveCount(0)
  await send(bob, 'while she was signed out')

  const form = page.getByTestId('sign-in-form')
  await form.locator('input[name=username]').fill(alice.username)
  await form.locator('input[name=password]').fill('not-her-password')
  await form.locator('button[type=submit]').click()
  await expect(form.getByTestId('auth-error')).toHaveText('Wrong username or password.')
  await expect(form.locator('button[type=submit]')).toBeEnabled()
  await expect(page.getByTestId('new-conversation')).toHaveCount(0)

  await signIn(alice.app, alice.username)
  await expect(page.getByTestId('sign-in-form')).toHaveCount(0)
  await expect(conversationItem(page, 'Bob')).toContainText('while she was signed out')
  await openConversation(alice, 'Bob')
  await expect(messages(page)).toHaveCount(3)
  await expect(messages(page)).toContainText(['before signing out', 'a reply she saw', 'while she was signed out'])
  await expect(message(page, 'before signing out')).toHaveAttribute('data-own', 'true')
})
