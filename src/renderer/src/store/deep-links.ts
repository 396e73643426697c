/**
 * parley:// links the OS handed the app (docs/design.md §8.4), followed in
 * the window: the `deepLink` event, and `takeDeepLink` once at start for
 * the link the app was started with (the core keeps it until asked).
 *
 * - invite → the sign-up screen with the server and the code filled in; when
 *   signed in already, a notice says to sign out first (naming the server).
 * - conversation → open it; message → open it and jump to that seq, loading
 *   older pages as needed (the jump of reply snippets and search hits,
 *   ui.jumpToMessage). Not in my list: a notice ("not found or not a member").
 *   While the session is starting or signed out, or the list is still
 *   loading, the link waits (the sign-in screen says so) and is followed once
 *   the list is there.
 */
import { create } from 'zustand'
import type { DeepLink } from '../../../shared/ipc'
import { parley } from '../bridge'
import { logFailure } from '../lib/call-error'
import { useConversations } from './conversations'
import { useNotices } from './notices'
import { useSession } from './session'
import { useUi } from './ui'

type PlaceLink = Exclude<DeepLink, { kind: 'invite' }>

export interface InviteToFill {
  serverUrl: string
  code: string
  /** The same invite opened twice fills the form again. */
  nonce: number
}

interface DeepLinksState {
  /** An invite for the sign-up screen to fill in; it clears it once taken (`inviteTaken`). */
  invite: InviteToFill | null
  /** A conversation or message link waiting for the signed-in account's list. */
  waiting: PlaceLink | null
  follow(link: DeepLink): void
  inviteTaken(nonce: number): void
  reset(): void
}

let nonce = 0

export const useDeepLinks = create<DeepLinksState>()((set, get) => ({
  invite: null,
  waiting: null,
  follow: (link) => {
    if (link.kind === 'invite') {
      if (useSession.getState().status === 'signedIn') {
        useNotices.getState().push({ kind: 'failed', change: 'link', code: 'signOutFirst', message: link.serverUrl })
        return
      }
      set({ invite: { serverUrl: link.serverUrl, code: link.code, nonce: ++nonce } })
      return
    }
    set({ waiting: link })
    followWaiting()
  },
  inviteTaken: (taken) => {
    if (get().invite?.nonce === taken) set({ invite: null })
  },
  reset: () => set({ invite: null, waiting: null }),
}))

/** The waiting link, once signed in and the conversation list is there. */
function followWaiting(): void {
  const link = useDeepLinks.getState().waiting
  if (link === null || useSession.getState().status !== 'signedIn' || !useConversations.getState().loaded) return
  useDeepLinks.setState({ waiting: null })
  if (useConversations.getState().byId[link.conversationId] === undefined) {
    useNotices.getState().push({ kind: 'failed', change: 'link', code: 'notFound', message: '' })
    return
  }
  const ui = useUi.getState()
  ui.setDialog(null)
  if (link.kind === 'conversation') ui.openConversation(link.conversationId)
  // Known by its seq only: the list loads back to it and lands on the row with that seq.
  else ui.jumpToMessage({ conversationId: link.conversationId, messageKey: '', seq: link.seq })
}

/**
 * Follow links from now on: subscribes to `deepLink` first, then asks for the
 * link kept while the window loaded. Returns the unsubscriber (connect.ts).
 */
export function followDeepLinks(): () => void {
  const bridge = parley()
  const follow = (link: DeepLink) => useDeepLinks.getState().follow(link)
  const unsubscribers = [
    bridge.on('deepLink', follow),
    useSession.subscribe((state, previous) => {
      if (state.status !== previous.status) followWaiting()
    }),
    useConversations.subscribe((state, previous) => {
      if (state.loaded !== previous.loaded) followWaiting()
    }),
  ]
  let disposed = false
  bridge
    .takeDeepLink()
    .then((link) => {
      if (!disposed && link !== null) follow(link)
    })
    .catch(logFailure('takeDeepLink'))
  return () => {
    disposed = true
    unsubscribers.forEach((unsubscribe) => unsubscribe())
  }
}
