import { afterAll, describe, expect, it } from 'vitest'
import type { SystemEvent } from '../../../shared/ipc'
import { i18n } from '../i18n'
import { systemText } from './system-text'

const names: Record<string, string> = { alice: 'Alice', bob: 'Bob', carol: 'Carol', dan: 'Dan', erin: 'Erin', zhang: '张三', li: '李四' }

async function wordsIn(language: 'en' | 'zh-CN', event: SystemEvent, me = 'zoe'): Promise<string> {
  await i18n.changeLanguage(language)
  return systemText(event, { t: i18n.t, locale: language, me, nameOf: (id) => names[id] ?? 'Unknown user' })
}

describe('systemText', () => {
  afterAll(() => i18n.changeLanguage('en'))

  it('words every change in English', async () => {
    expect(await wordsIn('en', { type: 'member_added', actorId: 'alice', userIds: ['bob', 'carol'] })).toBe('Alice added Bob and Carol')
    expect(await wordsIn('en', { type: 'member_added', actorId: 'alice', userIds: ['bob', 'carol', 'dan'] })).toBe('Alice added Bob, Carol, and Dan')
    expect(await wordsIn('en', { type: 'member_added', actorId: 'alice', userIds: ['bob', 'carol', 'dan', 'erin'] })).toBe('Alice added Bob, Carol, and 2 others')
    expect(await wordsIn('en', { type: 'member_removed', actorId: 'alice', userIds: ['bob'] })).toBe('Alice removed Bob')
    expect(await wordsIn('en', { type: 'member_left', actorId: 'bob' })).toBe('Bob left')
    expect(await wordsIn('en', { type: 'member_left', actorId: 'alice', userIds: ['carol'] })).toBe('Alice left. Ownership passed to Carol')
    expect(await wordsIn('en', { type: 'title_changed', actorId: 'alice', title: 'Q3' })).toBe('Alice renamed the group to “Q3”')
    expect(await wordsIn('en', { type: 'role_changed', actorId: 'alice', userIds: ['bob'], role: 'admin' })).toBe('Alice made Bob an admin')
    expect(await wordsIn('en', { type: 'role_changed', actorId: 'alice', userIds: ['bob'], role: 'member' })).toBe('Alice removed Bob as admin')
    expect(await wordsIn('en', { type: 'role_changed', actorId: 'alice', userIds: ['carol'], role: 'owner' })).toBe('Ownership passed to Carol')
  })

  it('says "you" for me, as the one who did it and as the one it was done to', async () => {
    expect(await wordsIn('en', { type: 'member_added', actorId: 'zoe', userIds: ['bob'] })).toBe('You added Bob')
    expect(await wordsIn('en', { type: 'member_removed', actorId: 'alice', userIds: ['zoe'] })).toBe('Alice removed you')
    expect(await wordsIn('en', { type: 'role_changed', actorId: 'alice', userIds: ['zoe'], role: 'admin' })).toBe('Alice made you an admin')
  })

  it('speaks Chinese', async () => {
    expect(await wordsIn('zh-CN', { type: 'member_added', actorId: 'alice', userIds: ['bob', 'carol'] })).toBe('Alice 添加了 Bob和Carol')
    expect(await wordsIn('zh-CN', { type: 'member_added', actorId: 'alice', userIds: ['bob', 'carol', 'dan', 'erin'] })).toBe('Alice 添加了 Bob、Carol和其他 2 人')
    expect(await wordsIn('zh-CN', { type: 'member_left', actorId: 'bob' })).toBe('Bob 退出了群组')
    expect(await wordsIn('zh-CN', { type: 'member_left', actorId: 'alice', userIds: ['carol'] })).toBe('Alice 退出了群组，群主已转给 Carol')
    expect(await wordsIn('zh-CN', { type: 'title_changed', actorId: 'alice', title: 'Q3' })).toBe('Alice 将群组名称改为“Q3”')
    expect(await wordsIn('zh-CN', { type: 'role_changed', actorId: 'alice', userIds: ['bob'], role: 'admin' })).toBe('Alice 将 Bob 设为管理员')
    expect(await wordsIn('zh-CN', { type: 'role_changed', actorId: 'alice', userIds: ['bob'], role: 'member' })).toBe('Alice 取消了 Bob 的管理员身份')
    expect(await wordsIn('zh-CN', { type: 'role_changed', actorId: 'alice', userIds: ['carol'], role: 'owner' })).toBe('群主已转给 Carol')
  })

  it('puts no space between "你" and the Chinese around it, only between Chinese and a Latin name', async () => {
    expect(await wordsIn('zh-CN', { type: 'member_removed', actorId: 'zoe', userIds: ['bob'] })).toBe('你移除了 Bob')
    expect(await wordsIn('zh-CN', { type: 'member_removed', actorId: 'alice', userIds: ['zoe'] })).toBe('Alice 移除了你')
    expect(await wordsIn('zh-CN', { type: 'member_added', actorId: 'zoe', userIds: ['bob', 'carol'] })).toBe('你添加了 Bob和Carol')
    expect(await wordsIn('zh-CN', { type: 'member_left', actorId: 'zoe' })).toBe('你退出了群组')
    expect(await wordsIn('zh-CN', { type: 'member_left', actorId: 'alice', userIds: ['zoe'] })).toBe('Alice 退出了群组，群主已转给你')
    expect(await wordsIn('zh-CN', { type: 'title_changed', actorId: 'zoe', title: 'Q3' })).toBe('你将群组名称改为“Q3”')
    expect(await wordsIn('zh-CN', { type: 'role_changed', actorId: 'zoe', userIds: ['bob'], role: 'admin' })).toBe('你将 Bob 设为管理员')
    expect(await wordsIn('zh-CN', { type: 'role_changed', actorId: 'alice', userIds: ['zoe'], role: 'admin' })).toBe('Alice 将你设为管理员')
    expect(await wordsIn('zh-CN', { type: 'role_changed', actorId: 'alice', userIds: ['zoe'], role: 'member' })).toBe('Alice 取消了你的管理员身份')
    expect(await wordsIn('zh-CN', { type: 'role_changed', actorId: 'bob', userIds: ['zoe'], role: 'owner' })).toBe('群主已转给你')
    expect(await wordsIn('zh-CN', { type: 'role_changed', actorId: 'zoe' })).toBe('你修改了群组')
  })

  it('runs Chinese names on without spaces', async () => {
    expect(await wordsIn('zh-CN', { type: 'member_added', actorId: 'zhang', userIds: ['li'] })).toBe('张三添加了李四')
    expect(await wordsIn('zh-CN', { type: 'role_changed', actorId: 'zhang', userIds: ['bob'], role: 'admin' })).toBe('张三将 Bob 设为管理员')
  })
})
