/**
 * Files waiting in each conversation's composer (kept when switching
 * conversations, like drafts): the ones the core has staged, and the ones
 * still being read into it (dropped or pasted files, chunk by chunk, with
 * their progress). At most ATTACHMENTS_PER_MESSAGE_MAX per conversation;
 * what does not fit is refused with a reason the composer shows.
 */
import { create } from 'zustand'
import { ATTACHMENTS_PER_MESSAGE_MAX } from '../../../shared/attachment-name'
import { ATTACHMENT_SIZE_MAX, type StagedAttachment } from '../../../shared/ipc'
import { parley } from '../bridge'
import { callError, logFailure } from '../lib/call-error'
import { readInChunks, StagingAborted } from '../lib/read-in-chunks'

export type StagedItem =
  | { status: 'staged'; localId: string; file: StagedAttachment }
  | { status: 'reading'; localId: string; name: string; size: number; loaded: number }

/** Why files were not added; the composer turns it into words. */
export type StagingProblem =
  | { kind: 'tooMany'; max: number }
  /** `max`: bytes (the app's own limit), the server's limit as the core wrote it ("100 MB"), or unknown. */
  | { kind: 'tooLarge'; name: string; max: number | string | null }
  | { kind: 'failed'; name: string; code: string; message: string }

interface StagedState {
  byConversation: Readonly<Record<string, readonly StagedItem[]>>
  /** The latest problem per conversation (cleared by the next successful add, a send or `clearProblem`). */
  problems: Readonly<Record<string, StagingProblem>>
  /** The native picker (main stages the chosen files). */
  pick(conversationId: string): Promise<void>
  /** Dropped or pasted files: read in chunks into the outbox. */
  addFiles(conversationId: string, files: readonly File[]): void
  /** Take a file out of the composer (a file still being read stops). */
  remove(conversationId: string, localId: string): void
  /** The staged ids to send, in order; the items leave the composer (put them back with `restore` if the send fails). */
  take(conversationId: string): StagedItem[]
  restore(conversationId: string, items: readonly StagedItem[]): void
  clearProblem(conversationId: string): void
  reset(): void
}

const TOO_LARGE_CODES = new Set(['too_large', 'payload_too_large'])

/**
 * The core refuses a file over the server's limit with `too_large` and a
 * message naming the file and the limit ('"a.iso" is too large: the server
 * takes files up to 100 MB'); the composer says it in the UI's language.
 */
export function refusal(code: string, message: string, name: string): StagingProblem {
  if (!TOO_LARGE_CODES.has(code)) return { kind: 'failed', name, code, message }
  const named = /^"(.+)" is too large/.exec(message)?.[1]
  const limit = /up to ([\d.,]+\s?[A-Za-z]+)/.exec(message)?.[1] ?? null
  return { kind: 'tooLarge', name: named ?? name, max: limit }
}

let nextLocalId = 0
const localId = () => `local-${++nextLocalId}`
const readers = new Map<string, AbortController>()

export const useStaged = create<StagedState>()((set, get) => {
  const items = (conversationId: string) => get().byConversation[conversationId] ?? []
  const update = (conversationId: string, change: (items: readonly StagedItem[]) => readonly StagedItem[]) =>
    set((state) => ({ byConversation: { ...state.byConversation, [conversationId]: change(state.byConversation[conversationId] ?? []) } }))
  const problem = (conversationId: string, value: StagingProblem | null) =>
    set((state) => {
      if (value === null) {
        if (state.problems[conversationId] === undefined) return state
        const { [conversationId]: _gone, ...rest } = state.problems
        return { problems: rest }
      }
      return { problems: { ...state.problems, [conversationId]: value } }
    })
  const room = (conversationId: string) => ATTACHMENTS_PER_MESSAGE_MAX - items(conversationId).length

  return {
    byConversation: {},
    problems: {},
    pick: async (conversationId) => {
      if (room(conversationId) <= 0) {
        problem(conversationId, { kind: 'tooMany', max: ATTACHMENTS_PER_MESSAGE_MAX })
        return
      }
      let picked: StagedAttachment[]
      try {
        picked = await parley().pickAttachments({ conversationId })
      } catch (err) {
        const { code, message } = callError(err)
        problem(conversationId, refusal(code, message, ''))
        return
      }
      const fits = picked.slice(0, Math.max(0, room(conversationId)))
      for (const extra of picked.slice(fits.length)) parley().discardStaged({ stagedId: extra.stagedId }).catch(logFailure('discardStaged'))
      if (fits.length > 0) update(conversationId, (current) => [...current, ...fits.map((file): StagedItem => ({ status: 'staged', localId: localId(), file }))])
      problem(conversationId, fits.length < picked.length ? { kind: 'tooMany', max: ATTACHMENTS_PER_MESSAGE_MAX } : null)
    },
    addFiles: (conversationId, files) => {
      if (files.length === 0) return
      const space = Math.max(0, room(conversationId))
      let issue: StagingProblem | null = files.length > space ? { kind: 'tooMany', max: ATTACHMENTS_PER_MESSAGE_MAX } : null
      for (const file of files.slice(0, space)) {
        if (file.size > ATTACHMENT_SIZE_MAX) {
          issue = { kind: 'tooLarge', name: file.name, max: ATTACHMENT_SIZE_MAX }
          continue
        }
        const id = localId()
        const controller = new AbortController()
        readers.set(id, controller)
        update(conversationId, (current) => [...current, { status: 'reading', localId: id, name: file.name, size: file.size, loaded: 0 }])
        const bridge = parley()
        readInChunks(
          file,
          {
            begin: (name, size) => bridge.beginAttachment({ conversationId, name: name || 'file', size }),
            append: (stagedId, bytes) => bridge.appendAttachment({ stagedId, bytes }),
            finish: (stagedId) => bridge.finishAttachment({ stagedId }),
            discard: (stagedId) => bridge.discardStaged({ stagedId }),
          },
          (loaded) => update(conversationId, (current) => current.map((item) => (item.localId === id && item.status === 'reading' ? { ...item, loaded } : item))),
          controller.signal,
        )
          .then((staged) => {
            if (controller.signal.aborted) {
              bridge.discardStaged({ stagedId: staged.stagedId }).catch(logFailure('discardStaged'))
              return
            }
            update(conversationId, (current) => current.map((item) => (item.localId === id ? { status: 'staged', localId: id, file: staged } : item)))
          })
          .catch((err: unknown) => {
            update(conversationId, (current) => current.filter((item) => item.localId !== id))
            if (err instanceof StagingAborted || controller.signal.aborted) return
            const { code, message } = callError(err)
            problem(conversationId, refusal(code, message, file.name))
          })
          .finally(() => readers.delete(id))
      }
      problem(conversationId, issue)
    },
    remove: (conversationId, id) => {
      const item = items(conversationId).find((candidate) => candidate.localId === id)
      if (item === undefined) return
      if (item.status === 'reading') readers.get(id)?.abort()
      else parley().discardStaged({ stagedId: item.file.stagedId }).catch(logFailure('discardStaged'))
      update(conversationId, (current) => current.filter((candidate) => candidate.localId !== id))
      problem(conversationId, null)
    },
    take: (conversationId) => {
      const taken = items(conversationId).filter((item) => item.status === 'staged')
      if (taken.length > 0) update(conversationId, (current) => current.filter((item) => item.status !== 'staged'))
      problem(conversationId, null)
      return taken
    },
    restore: (conversationId, restored) => update(conversationId, (current) => [...restored, ...current]),
    clearProblem: (conversationId) => problem(conversationId, null),
    reset: () => {
      readers.forEach((controller) => controller.abort())
      readers.clear()
      set({ byConversation: {}, problems: {} })
    },
  }
})

const noItems: readonly StagedItem[] = []

export const stagedIn =
  (conversationId: string) =>
  (state: StagedState): readonly StagedItem[] =>
    state.byConversation[conversationId] ?? noItems
