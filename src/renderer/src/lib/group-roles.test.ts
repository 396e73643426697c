import { describe, expect, it } from 'vitest'
import type { ChatConversation, ConversationMember } from '../../../shared/ipc'
import { canChangeRole, canManage, canRemove, moderates, roleOf, successorOf } from './group-roles'

const members: ConversationMember[] = [
  { userId: 'olivia', role: 'owner' },
  { userId: 'mark', role: 'member' },
  { userId: 'ada', role: 'admin' },
  { userId: 'max', role: 'member' },
]

describe('group roles', () => {
  it('owner and admins manage; the owner removes anyone, an admin plain members only', () => {
    expect(roleOf(members, 'ada')).toBe('admin')
    expect(roleOf(members, 'stranger')).toBeNull()
    expect(canManage('owner')).toBe(true)
    expect(canManage('admin')).toBe(true)
    expect(canManage('member')).toBe(false)
    expect(canRemove('owner', 'admin')).toBe(true)
    expect(canRemove('owner', 'owner')).toBe(false)
    expect(canRemove('admin', 'member')).toBe(true)
    expect(canRemove('admin', 'admin')).toBe(false)
    expect(canRemove('member', 'member')).toBe(false)
    expect(canChangeRole('owner', 'member')).toBe(true)
    expect(canChangeRole('admin', 'member')).toBe(false)
  })

  it('ownership passes to the longest-standing admin, else member', () => {
    expect(successorOf(members, 'olivia')).toBe('ada')
    expect(successorOf([{ userId: 'olivia', role: 'owner' }, { userId: 'mark', role: 'member' }], 'olivia')).toBe('mark')
    expect(successorOf([{ userId: 'olivia', role: 'owner' }], 'olivia')).toBeNull()
  })

  it('the owner and admins of a group they are still in moderate it; nobody moderates a direct conversation', () => {
    const group = { kind: 'group', left: false, members } as unknown as ChatConversation
    expect(moderates(group, 'olivia')).toBe(true)
    expect(moderates(group, 'ada')).toBe(true)
    expect(moderates(group, 'mark')).toBe(false)
    expect(moderates({ ...group, left: true }, 'ada')).toBe(false)
    expect(moderates({ ...group, kind: 'direct' }, 'olivia')).toBe(false)
    expect(moderates(undefined, 'olivia')).toBe(false)
  })
})
