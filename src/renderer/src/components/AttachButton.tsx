/**
 * The composer's paperclip: main's native picker, whose files main stages
 * (store/staged.ts). Also Ctrl/Cmd+U anywhere in the conversation — not
 * Ctrl+Shift+U, which the Linux input methods (IBus, Fcitx) take for Unicode
 * entry — except while a dialog or the lightbox is open.
 */
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { keyPlatform, matches, type KeyEventLike } from '../lib/keymap'
import { useLightbox } from '../store/lightbox'
import { useSession } from '../store/session'
import { useStaged } from '../store/staged'
import { useUi } from '../store/ui'
import { PaperclipIcon } from './Icons'
import { COMPOSER_ID } from './message-actions'

const ATTACH_BUTTON_ID = 'composer-attach'

/** Ctrl/Cmd+U: attach files (Ctrl+Shift+U is the Linux input methods' Unicode entry). */
function isAttachShortcut(event: KeyEventLike): boolean {
  return matches(event, 'attachFiles', keyPlatform(useSession.getState().appInfo?.platform))
}

export function AttachButton({ conversationId }: { conversationId: string }) {
  const { t } = useTranslation()
  const [picking, setPicking] = useState(false)
  const pick = () => {
    if (picking) return
    setPicking(true)
    void useStaged
      .getState()
      .pick(conversationId)
      .finally(() => {
        setPicking(false)
        document.getElementById(COMPOSER_ID)?.focus()
      })
  }
  useEffect(() => {
    const onKeyDown = (event: globalThis.KeyboardEvent) => {
      if (!isAttachShortcut(event) || useUi.getState().dialog !== null || useLightbox.getState().open !== null) return
      event.preventDefault()
      document.getElementById(ATTACH_BUTTON_ID)?.click()
    }
    window.addEventListener('keydown', onKeyDown)
    return () => window.removeEventListener('keydown', onKeyDown)
  }, [])
  return (
    <button
      type="button"
      id={ATTACH_BUTTON_ID}
      className="icon-button composer__attach"
      aria-label={t('attachments.attach')}
      title={picking ? t('attachments.picking') : t('attachments.attach')}
      aria-keyshortcuts="Control+U Meta+U"
      aria-busy={picking}
      data-testid="attach"
      onClick={pick}
    >
      <PaperclipIcon />
    </button>
  )
}
