/**
 * Applying a session (from `getSession`, a login/register/logout result or
 * the `session` event): when the signed-in account changes, everything of the
 * previous one is dropped and the new one's conversations are loaded.
 */
import type { ChatConversation, SessionInfo } from '../../../shared/ipc'
import { logFailure, parley } from '../bridge'
import { resetAccountStores } from '../store'
import { useConnection } from '../store/connection'
import { useConversations } from '../store/conversations'
import { useSession } from '../store/session'
import { useUsers } from '../store/users'
import { ensureUsers, forgetRequestedUsers } from './users'

let generation = 0

export function peopleIn(conversations: readonly ChatConversation[]): string[] {
  return conversations.flatMap((conversation) => [
    ...conversation.memberIds,
    ...(conversation.lastMessage ? [conversation.lastMessage.senderId] : []),
  ])
}

async function loadAccount(): Promise<void> {
  const mine = ++generation
  const [conversations, connection] = await Promise.all([parley().listConversations(), parley().getConnection()])
  if (mine !== generation) return
  // Conversations that arrived by event meanwhile are at least as new as the list.
  const arrived = Object.values(useConversations.getState().byId)
  useConversations.getState().setAll(conversations)
  useConversations.getState().upsert(arrived)
  useConnection.getState().setStatus(connection)
  ensureUsers(peopleIn(conversations))
}

export function applySession(session: SessionInfo): void {
  const before = useSession.getState()
  const sameAccount = before.status !== 'starting' && before.user?.id === session.user?.id && before.serverUrl === session.serverUrl
  useSession.getState().setSession(session)
  if (!sameAccount) {
    generation++
    resetAccountStores()
    forgetRequestedUsers()
    if (session.user) loadAccount().catch(logFailure('loading conversations'))
  }
  if (session.user) useUsers.getState().upsert([session.user])
}

/** Stop applying results of a load that is still running (the stores are being disposed). */
export function abandonAccountLoads(): void {
  generation++
}
