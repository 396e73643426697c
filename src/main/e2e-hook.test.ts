/** The electron e2e project's hook: recorded notifications and opened links, and the core's answer to each parley:// link (what e2e/fixtures/electron-app.ts reads). */
import { afterEach, expect, test } from 'vitest'
import { recordingServices } from '../../test/helpers/core'
import { installE2EHook, recordDeepLink, type E2EHook } from './e2e-hook'

const hook = (): E2EHook | undefined => (globalThis as { __parleyE2E?: E2EHook }).__parleyE2E

afterEach(() => {
  delete (globalThis as { __parleyE2E?: E2EHook }).__parleyE2E
})

test('without the hook (normal use) a link’s answer passes through and nothing is kept', () => {
  expect(recordDeepLink('parley://settings', true)).toBe(true)
  expect(recordDeepLink('parley://nope', false)).toBe(false)
  expect(hook()).toBeUndefined()
})

test('with the hook: each link with the core’s answer, in order; notifications and links opened in the browser recorded, and still shown and opened', () => {
  const services = recordingServices()
  const clicked: string[] = []
  const wrapped = installE2EHook(services, (id) => void clicked.push(id))
  expect(recordDeepLink('parley://conversation/c1', true)).toBe(true)
  expect(recordDeepLink('parley://message/c1/0', false)).toBe(false)
  expect(hook()?.deepLinks).toEqual([
    { url: 'parley://conversation/c1', opened: true },
    { url: 'parley://message/c1/0', opened: false },
  ])
  const request = { conversationId: 'c1', title: 'Bob', body: 'hi' }
  wrapped.showNotification(request)
  expect(hook()?.notifications).toEqual([request])
  expect(services.notifications).toEqual([request])
  hook()?.clickNotification('c1')
  expect(clicked).toEqual(['c1'])
  wrapped.openExternal('https://example.com/guide')
  expect(hook()?.openedLinks).toEqual(['https://example.com/guide'])
  expect(services.opened).toEqual(['https://example.com/guide'])
})
