/**
 * The picture shown full size (components/Lightbox.tsx): which message and
 * which of its files. Held here, not in the row, because react-virtuoso
 * unmounts rows that scroll away; the lightbox reads the message from the
 * messages slice, so a finished download shows at once.
 */
import { create } from 'zustand'

export interface LightboxTarget {
  conversationId: string
  messageKey: string
  attachmentKey: string
}

interface LightboxState {
  open: LightboxTarget | null
  show(target: LightboxTarget): void
  /** Another picture of the same message. */
  move(attachmentKey: string): void
  close(): void
  reset(): void
}

export const useLightbox = create<LightboxState>()((set) => ({
  open: null,
  show: (open) => set({ open }),
  move: (attachmentKey) => set((state) => (state.open === null ? state : { open: { ...state.open, attachmentKey } })),
  close: () => set({ open: null }),
  reset: () => set({ open: null }),
}))
