/**
 * The one place that feeds the slices from the app: subscribes to every push
 * event, loads the initial state, tells the core which conversation is open,
 * and applies sessions (an account change reloads the account's data).
 * Returns the dispose function that undoes all of it.
 */
import { parley } from '../bridge'
import { logFailure } from '../lib/call-error'
import { useConnection } from './connection'
import { peopleIn, useConversations } from './conversations'
import { followDeepLinks } from './deep-links'
import { flushDrafts } from './drafts'
import { useMessages } from './messages'
import { useNotices } from './notices'
import { abandonAccountLoads, useSession } from './session'
import { useSettings } from './settings'
import { useTransfers } from './transfers'
import { useTyping } from './typing'
import { useUi } from './ui'
import { useUpdates } from './updates'
import { useUsers } from './users'

export function connectStores(): () => void {
  const bridge = parley()
  const ensureUsers = (ids: Iterable<string>) => useUsers.getState().ensure(ids)
  let disposed = false

  const unsubscribers = [
    bridge.on('session', (session) => useSession.getState().apply(session)),
    bridge.on('connection', (status) => {
      useConnection.getState().setStatus(status)
      // A search shown while offline searches the server once the connection is back.
      if (status.state === 'connected') useUi.getState().retryServerSearch('offline')
    }),
    bridge.on('conversations', (conversations) => {
      useConversations.getState().upsert(conversations)
      ensureUsers(peopleIn(conversations))
    }),
    bridge.on('messages', ({ conversationId, messages }) => {
      useMessages.getState().merge(conversationId, messages)
      if (useMessages.getState().byConversation[conversationId]) ensureUsers(messages.map((message) => message.senderId))
    }),
    bridge.on('messagesRemoved', ({ conversationId, keys }) => useMessages.getState().remove(conversationId, keys)),
    bridge.on('changeRefused', ({ change, code, message }) => useNotices.getState().push({ kind: 'refused', change, code, message })),
    bridge.on('transfers', (transfers) => useTransfers.getState().apply(transfers)),
    bridge.on('users', (users) => useUsers.getState().upsert(users)),
    bridge.on('typing', ({ conversationId, userIds }) => {
      useTyping.getState().setTyping(conversationId, userIds)
      ensureUsers(userIds)
    }),
    bridge.on('windowFocus', ({ focused }) => useUi.getState().setWindowFocused(focused)),
    bridge.on('openConversation', ({ conversationId }) => {
      if (useSession.getState().status !== 'signedIn') return
      useUi.getState().setDialog(null)
      useUi.getState().openConversation(conversationId)
    }),
    bridge.on('settings', (settings) => useSettings.getState().setSettings(settings)),
    bridge.on('update', (status) => useUpdates.getState().setStatus(status)),
    // parley:// links: the `deepLink` event, then the one kept while the window loaded.
    followDeepLinks(),
    // The core decides about notifications by the conversation that is open.
    useUi.subscribe((state, previous) => {
      if (state.activeConversationId === previous.activeConversationId) return
      // The renderer's memory stays bounded: the open conversation whole, a few recent ones trimmed, no others.
      useMessages.getState().retain(state.activeConversationId)
      bridge.setActiveConversation({ conversationId: state.activeConversationId }).catch(logFailure('setActiveConversation'))
    }),
  ]

  // Subscribed first, so nothing that changes while these load is missed.
  void Promise.all([bridge.getAppInfo(), bridge.getSettings(), bridge.getWindowState(), bridge.getSession()])
    .then(([appInfo, settings, windowState, session]) => {
      if (disposed) return
      useSession.getState().setAppInfo(appInfo)
      useSettings.getState().setSettings(settings)
      useUi.getState().setWindowFocused(windowState.focused)
      useSession.getState().apply(session)
    })
    .catch(logFailure('starting'))
  // An `update` event that came first is newer than this answer.
  bridge
    .getUpdateStatus()
    .then((status) => {
      if (!disposed && useUpdates.getState().status === null) useUpdates.getState().setStatus(status)
    })
    .catch(logFailure('getUpdateStatus'))

  return () => {
    disposed = true
    // The window goes: what was typed a moment ago is kept for next time.
    flushDrafts()
    abandonAccountLoads()
    unsubscribers.forEach((unsubscribe) => unsubscribe())
  }
}
