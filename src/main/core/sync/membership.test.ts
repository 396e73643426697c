import { afterEach, expect, test, vi } from 'vitest'
import type { Conversation } from '../../../shared/api'
import { HttpError, NetworkError } from '../api-client'
import { MembershipCheck } from './membership'

afterEach(() => vi.useRealTimers())

/** A check whose GET answers, in turn, with each of `answers` (an Error rejects). */
function setup(answers: (Conversation | Error)[]) {
  const removed: string[] = []
  const still: string[] = []
  const asked: string[] = []
  const check = new MembershipCheck({
    api: {
      conversation: (id) => {
        asked.push(id)
        const answer = answers.shift()
        return answer instanceof Error || answer === undefined ? Promise.reject(answer ?? new Error('no answer')) : Promise.resolve(answer)
      },
    },
    onStillMember: (conversation) => still.push(conversation.id),
    onRemoved: (id) => removed.push(id),
    retryDelayMs: () => 1_000,
    log: { warn: () => undefined },
  })
  return { check, removed, still, asked }
}

const flush = () => new Promise((resolve) => setImmediate(resolve))

test('404 marks the conversation left', async () => {
  const { check, removed } = setup([new HttpError(404, 'not_found', 'Not found')])
  check.check('c1')
  await flush()
  expect(removed).toEqual(['c1'])
})

test('network errors and 5xx never mark it left: asked again after a back-off, until the server answers', async () => {
  vi.useFakeTimers()
  const { check, removed, still, asked } = setup([
    new NetworkError('ECONNRESET'),
    new HttpError(503, 'unavailable', 'busy'),
    { id: 'c1' } as Conversation,
  ])
  check.check('c1')
  await vi.advanceTimersByTimeAsync(0)
  expect(removed).toEqual([])
  await vi.advanceTimersByTimeAsync(1_000)
  await vi.advanceTimersByTimeAsync(1_000)
  expect(asked).toEqual(['c1', 'c1', 'c1'])
  expect(removed).toEqual([])
  expect(still).toEqual(['c1'])
  check.stop()
})

test('another refusal (403) marks nothing and waits for the next sync; checks of one conversation do not overlap', async () => {
  const { check, removed, still, asked } = setup([new HttpError(403, 'forbidden', 'no')])
  check.check('c1')
  check.check('c1')
  await flush()
  expect(asked).toEqual(['c1'])
  expect(removed).toEqual([])
  expect(still).toEqual([])
})

test('stopped: a retry waiting is dropped and nothing is reported', async () => {
  vi.useFakeTimers()
  const { check, removed, asked } = setup([new NetworkError('down'), new HttpError(404, 'not_found', 'gone')])
  check.check('c1')
  await vi.advanceTimersByTimeAsync(0)
  check.stop()
  await vi.advanceTimersByTimeAsync(5_000)
  expect(asked).toEqual(['c1'])
  expect(removed).toEqual([])
})
