/**
 * Performance marks at the milestones of the app's start (`performance.mark`,
 * read by `npm run bench:desk`; nothing in the app reads them). Each is set
 * once per process — the first time its milestone is reached — so a
 * long-running app holds a handful of entries, never a growing list.
 */

/** The core's (Node's performance timeline, in the main process or wherever the core runs). */
export const CORE_MARKS = {
  /** The core object is being made (createCore was called). */
  created: 'parley:core:created',
  /** The signed-in account's cache is open. */
  cacheOpened: 'parley:core:cache-opened',
  /** createCore is done: the saved session restored, its account started. */
  ready: 'parley:core:ready',
  /** The first answers to the calls a window makes at start. */
  firstSession: 'parley:core:first-session',
  firstList: 'parley:core:first-list',
  firstMessages: 'parley:core:first-messages',
  /** The realtime link is up (subscribed to the user's channel). */
  connected: 'parley:core:connected',
  /** The first sync after connecting finished: the cache is as current as the server. */
  synced: 'parley:core:synced',
} as const

/** The renderer's (the window's performance timeline). */
export const RENDERER_MARKS = {
  /** The renderer's script runs. */
  start: 'parley:renderer:start',
  /** The signed-in layout is on screen. */
  shell: 'parley:renderer:shell',
  /** The conversation list, as the core lists it, was painted. */
  listPainted: 'parley:renderer:list-painted',
  /** The first conversation opened was painted with its messages. */
  messagesPainted: 'parley:renderer:messages-painted',
} as const

/** Both runtimes' `performance`, as far as marking goes. */
export interface MarkTimeline {
  mark(name: string): unknown
  getEntriesByName(name: string, type?: string): readonly unknown[]
}

/** Set the mark unless the timeline has it already. */
export function markOnce(timeline: MarkTimeline, name: string): void {
  if (timeline.getEntriesByName(name, 'mark').length === 0) timeline.mark(name)
}
