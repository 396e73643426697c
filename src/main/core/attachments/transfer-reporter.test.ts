import { afterEach, expect, test, vi } from 'vitest'
import type { Transfer } from '../../../shared/ipc'
import { TransferReporter } from './transfer-reporter'

afterEach(() => vi.useRealTimers())

const upload = (loaded: number, state: Transfer['state'] = 'active'): Transfer => ({
  direction: 'upload',
  id: 's1',
  conversationId: 'c1',
  messageKey: 'me:k1',
  loaded,
  total: 100,
  state,
  error: null,
})

test('progress is reported at most once per interval, the latest value last; a change of state at once', () => {
  vi.useFakeTimers()
  const sent: Transfer[] = []
  const reporter = new TransferReporter((t) => sent.push(...t), () => Date.now(), 100)
  reporter.update(upload(0))
  for (let loaded = 1; loaded <= 50; loaded++) reporter.update(upload(loaded))
  expect(sent.map((t) => t.loaded)).toEqual([0])
  vi.advanceTimersByTime(100)
  expect(sent.map((t) => t.loaded)).toEqual([0, 50])
  reporter.update(upload(60))
  reporter.update(upload(100, 'done'))
  expect(sent.map((t) => [t.loaded, t.state])).toEqual([
    [0, 'active'],
    [50, 'active'],
    [100, 'done'],
  ])
  vi.advanceTimersByTime(1_000)
  expect(sent).toHaveLength(3)
  // The same id may start again (a retry): it is reported at once.
  reporter.update(upload(0))
  expect(sent).toHaveLength(4)
  reporter.dispose()
})
