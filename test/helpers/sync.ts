/** A Sync on its own (no Account around it), for the suites that drive fills and history pages directly. */
import type { ApiClient } from '../../src/main/core/api-client'
import type { Cache } from '../../src/main/core/cache/types'
import { Sync, type SyncDeps } from '../../src/main/core/sync/sync'

/** A Sync whose callbacks do nothing (override any of them), retrying after 10 ms, logging nothing. */
export function quietSync(cache: Cache, api: ApiClient, me: string, overrides: Partial<SyncDeps> = {}): Sync {
  const quiet = () => undefined
  return new Sync({
    cache,
    api,
    me,
    onNewConversations: quiet,
    onRemoved: quiet,
    onConversationsChanged: quiet,
    onMessagesChanged: quiet,
    onIncoming: quiet,
    onUnknownUsers: quiet,
    fillRetryDelayMs: () => 10,
    log: { warn: quiet, debug: quiet },
    ...overrides,
  })
}
