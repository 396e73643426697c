/**
 * Who is signed in, where, and what app this is; signing in, registering and
 * signing out. A session (from `getSession`, a login/register/logout result or
 * the `session` event) for a different account drops everything of the
 * previous one and loads the new one's conversations.
 */
import { create } from 'zustand'
import type { AppInfo, ChatUser, IpcArgs, SessionInfo, SessionNotice } from '../../../shared/ipc'
import { parley } from '../bridge'
import { logFailure } from '../lib/call-error'
import { useCompose } from './compose'
import { useConnection } from './connection'
import { dropDrafts, flushDrafts } from './drafts'
import { peopleIn, useConversations } from './conversations'
import { useMessages } from './messages'
import { useLightbox } from './lightbox'
import { useNotices } from './notices'
import { useStaged } from './staged'
import { useTransfers } from './transfers'
import { useTyping } from './typing'
import { useUi } from './ui'
import { useUsers } from './users'

export type SessionStatus = 'starting' | 'signedOut' | 'signedIn'

interface SessionState {
  status: SessionStatus
  serverUrl: string
  user: ChatUser | null
  /** I administer this server: I may create invites. */
  serverAdmin: boolean
  /** Why the saved sign-in did not open by itself (the sign-in screen explains it). */
  notice: SessionNotice | null
  appInfo: AppInfo | null
  setSession(session: SessionInfo): void
  setAppInfo(info: AppInfo): void
  /** Take a session the core reports; a different account resets the account's slices and loads its conversations. */
  apply(session: SessionInfo): void
  /** Sign in (`login`) or create an account (`register`); both reject with the call's error. */
  signIn(credentials: IpcArgs<'login'>): Promise<void>
  register(account: IpcArgs<'register'>): Promise<void>
  signOut(): void
  /** My profile changed (`updateProfile`'s answer). */
  setUser(user: ChatUser): void
  reset(): void
}

const initial = { status: 'starting' as SessionStatus, serverUrl: '', user: null, serverAdmin: false, notice: null, appInfo: null }

/** Bumped when the account changes: a load for the previous one is not applied. */
let generation = 0

export const useSession = create<SessionState>()((set, get) => ({
  ...initial,
  setSession: (session) =>
    set({
      serverUrl: session.serverUrl,
      user: session.user,
      serverAdmin: session.serverAdmin === true,
      notice: session.notice ?? null,
      status: session.user === null ? 'signedOut' : 'signedIn',
    }),
  setAppInfo: (appInfo) => set({ appInfo }),
  apply: (session) => {
    const before = get()
    const sameAccount = before.status !== 'starting' && before.user?.id === session.user?.id && before.serverUrl === session.serverUrl
    get().setSession(session)
    if (!sameAccount) {
      generation++
      resetAccountStores()
      if (session.user) loadAccount(session.lastOpenConversationId ?? null).catch(logFailure('loading conversations'))
    }
    if (session.user) useUsers.getState().upsert([session.user])
  },
  signIn: async (credentials) => get().apply(await parley().login(credentials)),
  register: async (account) => get().apply(await parley().register(account)),
  signOut: () => {
    // Typed a moment ago: keep it before the account goes.
    flushDrafts()
    parley()
      .logout()
      .then((session) => get().apply(session))
      .catch(logFailure('logout'))
  },
  setUser: (user) => {
    set({ user })
    useUsers.getState().upsert([user])
  },
  reset: () => set(initial),
}))

/** My user id ('' while signed out). */
export const selectMe = (state: SessionState): string => state.user?.id ?? ''

/** What belongs to the signed-in account: cleared when the account changes. */
export function resetAccountStores(): void {
  useConversations.getState().reset()
  useMessages.getState().reset()
  useUsers.getState().reset()
  useTyping.getState().reset()
  useConnection.getState().reset()
  useCompose.getState().reset()
  useNotices.getState().reset()
  useStaged.getState().reset()
  useLightbox.getState().reset()
  useTransfers.getState().reset()
  dropDrafts()
  const windowFocused = useUi.getState().windowFocused
  useUi.getState().reset()
  useUi.getState().setWindowFocused(windowFocused)
}

/** Stop applying results of a load that is still running (the stores are being disposed). */
export function abandonAccountLoads(): void {
  generation++
}

/**
 * The account's conversations; then the one the window showed last is open
 * again — unless something opened another meanwhile (a parley:// link, a
 * notification's click) or it is no longer listed.
 */
async function loadAccount(reopen: string | null): Promise<void> {
  const mine = ++generation
  // The first screen's worth first (and the conversation to reopen, wherever it
  // is in the list); the rest a page at a time once that is painted, so a start
  // does not wait for every conversation of a long list (design §8.1).
  const [first, connection] = await Promise.all([
    parley().listConversationPage({ after: null, limit: FIRST_PAGE, include: reopen === null ? [] : [reopen] }),
    parley().getConnection(),
  ])
  if (mine !== generation) return
  // Conversations that arrived by event meanwhile are at least as new as the list.
  const arrived = Object.values(useConversations.getState().byId)
  useConversations.getState().setAll(first.conversations)
  useConversations.getState().upsert(arrived)
  useConnection.getState().setStatus(connection)
  useUsers.getState().ensure(peopleIn(first.conversations))
  if (reopen !== null && useUi.getState().activeConversationId === null && useConversations.getState().byId[reopen] !== undefined) {
    useUi.getState().openConversation(reopen)
  }
  void tellFirstScreenPainted(useUi.getState().activeConversationId, mine)
  let next = first.next
  while (next !== null) {
    await afterPaint()
    if (mine !== generation) return
    const page = await parley().listConversationPage({ after: next, limit: LATER_PAGE, include: [] })
    if (mine !== generation) return
    useConversations.getState().addAbsent(page.conversations)
    useUsers.getState().ensure(peopleIn(page.conversations))
    next = page.next
  }
}

/**
 * A saved sign-in's realtime link and first sync wait in the core until the
 * window's first screen is painted (design §7.4), so the cache is on screen
 * before the network work competes for the machine: told once the list — and
 * the open conversation's latest messages, if one is open — are painted, or
 * after FIRST_SCREEN_WAIT_MS whatever is on screen by then. (After a sign-in
 * nothing waits for it: telling is harmless.)
 */
async function tellFirstScreenPainted(open: string | null, mine: number): Promise<void> {
  if (open !== null) await messagesLoaded(open, FIRST_SCREEN_WAIT_MS)
  // The frame that shows them, and the one after (the message list measures its rows in the first).
  await afterPaint()
  await afterPaint()
  // Another account's load began meanwhile: its own telling is the one that counts.
  if (mine !== generation) return
  try {
    await parley().firstScreenPainted()
  } catch (err) {
    logFailure('firstScreenPainted')(err)
  }
}

/** The open conversation's latest page is in the messages store (or `maxMs` passed). */
function messagesLoaded(conversationId: string, maxMs: number): Promise<void> {
  const loaded = () => useMessages.getState().byConversation[conversationId]?.loaded === true
  return new Promise((resolve) => {
    if (loaded()) return resolve()
    const done = () => {
      clearTimeout(timer)
      stop()
      resolve()
    }
    const timer = setTimeout(done, maxMs)
    const stop = useMessages.subscribe(() => {
      if (loaded()) done()
    })
  })
}

/** The longest the first screen's messages are waited for before the core is told anyway. */
export const FIRST_SCREEN_WAIT_MS = 1_500

/** Conversations in the first answer: more than a tall window shows. */
export const FIRST_PAGE = 60
/** Then this many per answer. */
export const LATER_PAGE = 200

/**
 * After the next frame is painted (a timer after the frame: the paint is done
 * by then) — or after 100 ms in a hidden window, which paints no frames.
 */
function afterPaint(): Promise<void> {
  return new Promise((resolve) => {
    const fallback = setTimeout(resolve, 100)
    // (The stores' tests run without a window.)
    if (typeof requestAnimationFrame !== 'function') return
    requestAnimationFrame(() => {
      clearTimeout(fallback)
      setTimeout(resolve, 0)
    })
  })
}
