/**
 * Who may do what in a group (docs/design.md §4.6): the owner and admins
 * rename and add people; the owner removes anyone and makes or unmakes
 * admins; an admin removes plain members. When the owner leaves, the
 * longest-standing admin becomes the owner, else the longest-standing member.
 */
import type { ChatConversation, ConversationMember } from '../../../shared/ipc'

export type Role = ConversationMember['role']

export function roleOf(members: readonly ConversationMember[], userId: string): Role | null {
  return members.find((member) => member.userId === userId)?.role ?? null
}

export function canManage(myRole: Role | null): boolean {
  return myRole === 'owner' || myRole === 'admin'
}

/** I own or administer this group (and am still in it): I may delete anyone's message for everyone. */
export function moderates(conversation: ChatConversation | undefined, me: string): boolean {
  return conversation !== undefined && conversation.kind === 'group' && !conversation.left && canManage(roleOf(conversation.members, me))
}

export function canRemove(myRole: Role | null, theirRole: Role): boolean {
  return myRole === 'owner' ? theirRole !== 'owner' : myRole === 'admin' && theirRole === 'member'
}

export function canChangeRole(myRole: Role | null, theirRole: Role): boolean {
  return myRole === 'owner' && theirRole !== 'owner'
}

/** Who becomes the owner if `owner` leaves (members are in join order), or null when nobody is left. */
export function successorOf(members: readonly ConversationMember[], owner: string): string | null {
  const others = members.filter((member) => member.userId !== owner)
  return (others.find((member) => member.role === 'admin') ?? others[0])?.userId ?? null
}
