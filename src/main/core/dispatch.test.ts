import { expect, test } from 'vitest'
import { ipcCallNames, ParleyError } from '../../shared/ipc'
import type { CoreCalls } from './core-api'
import { dispatchCall } from './dispatch'

/** Records calls; every method answers with its own name. A stand-in only for the dispatch rules. */
function recordingCore(): { core: CoreCalls; calls: [string, unknown][] } {
  const calls: [string, unknown][] = []
  const core = Object.fromEntries(
    ipcCallNames.map((name) => [
      name,
      async (args: unknown) => {
        calls.push([name, args])
        if (name === 'logout') throw new ParleyError('unreachable', 'Cannot reach the server')
        if (name === 'search') throw new Error('boom')
        if (name === 'getUsers') throw null
        return name
      },
    ]),
  ) as unknown as CoreCalls
  return { core, calls }
}

test('valid arguments reach the core, parsed (defaults applied)', async () => {
  const { core, calls } = recordingCore()
  expect(await dispatchCall(core, 'loadMessages', { conversationId: 'c1' })).toEqual({ ok: true, value: 'loadMessages' })
  expect(calls).toEqual([['loadMessages', { conversationId: 'c1', limit: 50 }]])
})

test.each([
  ['an unknown call', 'rm -rf', {}],
  ['a prototype key', '__proto__', {}],
  ['a non-string name', 42, {}],
  ['wrong argument types', 'sendMessage', { conversationId: 1, body: 'x' }],
  ['a missing argument', 'markRead', { conversationId: 'c1' }],
  ['a negative seq', 'markRead', { conversationId: 'c1', seq: -1 }],
  ['arguments for a call that takes none', 'getSession', { evil: true }],
  ['a non-http server URL', 'login', { serverUrl: 'file:///etc/passwd', username: 'a', password: 'b' }],
  ['an oversized body', 'sendMessage', { conversationId: 'c1', body: 'x'.repeat(20_000) }],
  ['a page both before and after a seq', 'loadMessages', { conversationId: 'c1', beforeSeq: 20, afterSeq: 5 }],
  ['a page after a negative seq', 'loadMessages', { conversationId: 'c1', afterSeq: -1 }],
  ['a page after a fractional seq', 'loadMessages', { conversationId: 'c1', afterSeq: 0.5 }],
  ['a page after a seq given as text', 'loadMessages', { conversationId: 'c1', afterSeq: '5' }],
])('%s is refused with bad_request and never reaches the core', async (_label, name, args) => {
  const { core, calls } = recordingCore()
  const result = await dispatchCall(core, name, args)
  expect(result).toMatchObject({ ok: false, error: { code: 'bad_request' } })
  expect(calls).toEqual([])
})

test('errors from the core keep their code; unexpected ones become internal', async () => {
  const { core } = recordingCore()
  expect(await dispatchCall(core, 'logout', undefined)).toEqual({
    ok: false,
    error: { code: 'unreachable', message: 'Cannot reach the server' },
  })
  expect(await dispatchCall(core, 'search', { query: 'x' })).toEqual({ ok: false, error: { code: 'internal', message: 'boom' } })
  expect(await dispatchCall(core, 'getUsers', { ids: [] })).toEqual({ ok: false, error: { code: 'internal', message: 'null' } })
})
