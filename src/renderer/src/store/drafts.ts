/**
 * Composer drafts that survive switching conversations and restarts: the
 * text lives in `ui.drafts` (what the composer and the list show) and is
 * written to the core's cache (`setDraft`) by a DraftSaver — once typing
 * pauses for 300 ms, when the composer closes (switching away) and when a
 * send clears it. Opening a conversation reads the saved one (`getDraft`)
 * unless the user has typed there since.
 */
import { parley } from '../bridge'
import { logFailure } from '../lib/call-error'
import { DraftSaver } from '../lib/draft-saver'
import { useUi } from './ui'

export const DRAFT_SAVE_DELAY_MS = 300

const saver = new DraftSaver({
  delayMs: DRAFT_SAVE_DELAY_MS,
  save: (conversationId, text) => {
    const saving = parley().setDraft({ conversationId, text })
    saving.catch(logFailure('setDraft'))
    return saving
  },
})

/** Bumped on an account change: a draft read for the previous account is not applied. */
let generation = 0

/** The conversation opened: show its saved draft, unless there is text for it already. */
export function loadDraft(conversationId: string): void {
  if (useUi.getState().drafts[conversationId] !== undefined) return
  const mine = generation
  parley()
    .getDraft({ conversationId })
    .then((text) => {
      if (mine !== generation || useUi.getState().drafts[conversationId] !== undefined) return
      saver.loaded(conversationId, text)
      useUi.getState().setDraft(conversationId, text)
    })
    .catch(logFailure('getDraft'))
}

/** The user typed. */
export function editDraft(conversationId: string, text: string): void {
  useUi.getState().setDraft(conversationId, text)
  saver.change(conversationId, text)
}

/** The composer closes (another conversation, sign-out, the window goes): save what waits. */
export function flushDraft(conversationId: string): void {
  saver.flush(conversationId)
}

/** Sent, or a failed send put the text back: the draft is this now. */
export function replaceDraft(conversationId: string, text: string): void {
  useUi.getState().setDraft(conversationId, text)
  saver.saveNow(conversationId, text)
}

export function flushDrafts(): void {
  saver.flushAll()
}

export function dropDrafts(): void {
  generation++
  saver.drop()
}
