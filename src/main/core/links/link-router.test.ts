import { pino } from 'pino'
import { expect, test } from 'vitest'
import { conversationLink, messageLink, type DeepLink } from '../../../shared/deep-link'
import { inviteLink } from '../../../shared/invite-link'
import { LinkRouter } from './link-router'

function router(): { router: LinkRouter; emitted: DeepLink[]; logged: { level: number; msg: string }[] } {
  const emitted: DeepLink[] = []
  const logged: { level: number; msg: string }[] = []
  const log = pino({ level: 'info' }, { write: (line: string) => void logged.push(JSON.parse(line) as { level: number; msg: string }) })
  return { router: new LinkRouter({ emit: (link) => emitted.push(link), log }), emitted, logged }
}

test('before the renderer asks, the latest link is kept and handed out once', () => {
  const { router: links, emitted } = router()
  expect(links.open(conversationLink('c1'))).toBe(true)
  expect(links.open(messageLink('c2', 7))).toBe(true)
  expect(emitted).toEqual([])
  expect(links.take()).toEqual({ kind: 'message', conversationId: 'c2', seq: 7 })
  expect(links.take()).toBeNull()
})

test('once the renderer has asked, links are pushed at once and not kept', () => {
  const { router: links, emitted } = router()
  expect(links.take()).toBeNull()
  expect(links.open(inviteLink('https://chat.example.org', 'abcdefgh12'))).toBe(true)
  expect(emitted).toEqual([{ kind: 'invite', serverUrl: 'https://chat.example.org', code: 'abcdefgh12' }])
  expect(links.take()).toBeNull()
})

test('anything that is not a Parley link: false, one log line without the text, nothing kept or pushed, no throw', () => {
  const { router: links, emitted, logged } = router()
  const bad = ['https://evil.example/', 'parley://conversation/../../etc', 'parley://message/c1/0', 'parley://settings', '', 'parley://conversation/a b']
  for (const url of bad) expect(links.open(url)).toBe(false)
  expect(links.open(42 as unknown as string)).toBe(false)
  expect(logged.filter((line) => line.msg === 'ignored a link that is not a Parley link')).toHaveLength(bad.length + 1)
  expect(JSON.stringify(logged)).not.toContain('evil')
  expect(links.take()).toBeNull()
  expect(links.open('javascript:alert(1)')).toBe(false)
  expect(emitted).toEqual([])
})
