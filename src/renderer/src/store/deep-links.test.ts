import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ChatConversation, DeepLink, IpcEvents } from '../../../shared/ipc'
import { stubBridge } from '../../../../test/support/renderer/bridge'
import { resetAllStores } from '.'
import { useConversations } from './conversations'
import { followDeepLinks, useDeepLinks } from './deep-links'
import { useNotices } from './notices'
import { useSession } from './session'
import { useUi } from './ui'

const signedIn = (): void =>
  useSession.setState({ status: 'signedIn', serverUrl: 'https://chat.example.org', user: { id: 'me', username: 'me', displayName: 'Me', online: true, lastSeenAt: null } })
const listed = (...ids: string[]): void =>
  useConversations.getState().setAll(ids.map((id) => ({ id }) as unknown as ChatConversation))

let emit: (link: DeepLink) => void = () => undefined

function connect(atStart: DeepLink | null = null): { dispose: () => void; takeDeepLink: ReturnType<typeof vi.fn> } {
  const takeDeepLink = vi.fn(() => Promise.resolve(atStart))
  stubBridge({
    takeDeepLink,
    on: ((event: keyof IpcEvents, listener: (link: DeepLink) => void) => {
      if (event === 'deepLink') emit = listener
      return () => undefined
    }) as never,
  })
  return { dispose: followDeepLinks(), takeDeepLink }
}

beforeEach(resetAllStores)
afterEach(() => {
  resetAllStores()
  vi.unstubAllGlobals()
})

describe('parley:// links in the window', () => {
  it('asks once for the link the app was started with, and follows it', async () => {
    signedIn()
    listed('c1')
    const { takeDeepLink, dispose } = connect({ kind: 'conversation', conversationId: 'c1' })
    await vi.waitFor(() => expect(useUi.getState().activeConversationId).toBe('c1'))
    expect(takeDeepLink).toHaveBeenCalledOnce()
    dispose()
  })

  it('invite, signed out: the sign-up screen gets the server and the code (again for the same invite)', () => {
    useSession.setState({ status: 'signedOut' })
    connect()
    emit({ kind: 'invite', serverUrl: 'https://chat.example.org', code: 'abcdefgh12' })
    const first = useDeepLinks.getState().invite
    expect(first).toMatchObject({ serverUrl: 'https://chat.example.org', code: 'abcdefgh12' })
    useDeepLinks.getState().inviteTaken(first?.nonce ?? -1)
    expect(useDeepLinks.getState().invite).toBeNull()
    emit({ kind: 'invite', serverUrl: 'https://chat.example.org', code: 'abcdefgh12' })
    expect(useDeepLinks.getState().invite?.nonce).not.toBe(first?.nonce)
  })

  it('invite, signed in: a notice naming the server says to sign out first', () => {
    signedIn()
    connect()
    emit({ kind: 'invite', serverUrl: 'https://other.example.net', code: 'abcdefgh12' })
    expect(useDeepLinks.getState().invite).toBeNull()
    expect(useNotices.getState().notices).toMatchObject([{ change: 'link', code: 'signOutFirst', message: 'https://other.example.net' }])
  })

  it('conversation: opens it (closing a dialog); one not in my list is a notice', () => {
    signedIn()
    listed('c1')
    useUi.getState().setDialog('settings')
    connect()
    emit({ kind: 'conversation', conversationId: 'c1' })
    expect(useUi.getState()).toMatchObject({ activeConversationId: 'c1', dialog: null })
    emit({ kind: 'conversation', conversationId: 'elsewhere' })
    expect(useUi.getState().activeConversationId).toBe('c1')
    expect(useNotices.getState().notices).toMatchObject([{ change: 'link', code: 'notFound' }])
  })

  it('message: opens the conversation and jumps to the seq (the jump loads older pages as needed)', () => {
    signedIn()
    listed('c1')
    connect()
    emit({ kind: 'message', conversationId: 'c1', seq: 42 })
    expect(useUi.getState().activeConversationId).toBe('c1')
    expect(useUi.getState().jumpTarget).toMatchObject({ conversationId: 'c1', seq: 42 })
  })

  it('while signed out or the list is loading, the link waits and is followed once the list is there', () => {
    useSession.setState({ status: 'signedOut' })
    connect()
    emit({ kind: 'message', conversationId: 'c1', seq: 3 })
    expect(useDeepLinks.getState().waiting).toEqual({ kind: 'message', conversationId: 'c1', seq: 3 })
    signedIn()
    expect(useUi.getState().activeConversationId).toBeNull()
    listed('c1')
    expect(useUi.getState().jumpTarget).toMatchObject({ conversationId: 'c1', seq: 3 })
    expect(useDeepLinks.getState().waiting).toBeNull()
  })
})
