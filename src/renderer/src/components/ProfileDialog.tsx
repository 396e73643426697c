/**
 * A person's profile — the other person of a direct conversation (from its
 * header), or a member of a group (from the group info panel, over it): name,
 * username, online or last seen, and Block / Unblock after a confirmation.
 */
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { ChatUser } from '../../../shared/ipc'
import { useIntlLocale } from '../hooks/useLocale'
import { useNow } from '../hooks/useNow'
import { personName } from '../lib/names'
import { useUi } from '../store/ui'
import { useUsers } from '../store/users'
import { inWords } from './action-error'
import { Avatar } from './Avatar'
import { ConfirmDialog } from './ConfirmDialog'
import { Dialog } from './Dialog'
import { BlockIcon } from './Icons'
import { presenceText } from './presence'
import { PresenceDot } from './PresenceDot'

/** Block or unblock, asking first; used by the profile and the blocked composer. */
export function BlockConfirmDialog({ user, unblock, onClose, returnFocusTo }: { user: ChatUser; unblock: boolean; onClose(): void; returnFocusTo: HTMLElement | null }) {
  const { t } = useTranslation()
  const name = user.displayName
  return (
    <ConfirmDialog
      title={unblock ? t('profile.unblockTitle', { name }) : t('profile.blockTitle', { name })}
      confirmLabel={unblock ? t('profile.unblock') : t('profile.block')}
      danger={!unblock}
      testId={unblock ? 'unblock-dialog' : 'block-dialog'}
      returnFocusTo={returnFocusTo}
      onClose={onClose}
      onConfirm={() => (unblock ? useUsers.getState().unblock(user.id) : useUsers.getState().block(user.id)).catch(inWords(t))}
    >
      <p>{unblock ? t('profile.unblockBody', { name }) : t('profile.blockBody', { name })}</p>
    </ConfirmDialog>
  )
}

/**
 * `onClose`: opened over another dialog (the group info panel), closing goes
 * back to it — to `returnFocusTo`, the button that opened it; without it, the
 * profile is the window's dialog and closing closes it.
 */
export function ProfileDialog({ userId, onClose, returnFocusTo }: { userId: string; onClose?: () => void; returnFocusTo?: HTMLElement | null }) {
  const { t } = useTranslation()
  const locale = useIntlLocale()
  const now = useNow(30_000)
  const user = useUsers((state) => state.byId[userId])
  const lookAlike = useUsers((state) => state.lookAlikes.has(userId))
  const [confirming, setConfirming] = useState<HTMLElement | null>(null)
  const close = onClose ?? (() => useUi.getState().setDialog(null))
  const presence = user === undefined || user.presenceHidden ? null : presenceText(t, user, now, locale)
  const blocked = user?.blocked === true

  return (
    <Dialog title={t('profile.title')} onClose={close} testId="profile-dialog" className="dialog--info" returnFocusTo={returnFocusTo}>
      <div className="dialog__body profile">
        {user === undefined ? (
          <p className="dialog__note">{t('common.unknownUser')}</p>
        ) : (
          <>
            <div className="profile__card">
              <span className="person__avatar">
                <Avatar id={user.id} name={user.displayName} size={72} />
                {presence !== null && <PresenceDot online={user.online} label={presence} />}
              </span>
              <bdi className="profile__name" dir="auto" data-testid="profile-name">
                {personName(user, lookAlike)}
              </bdi>
              <span className="profile__username" data-testid="profile-username">
                @{user.username}
              </span>
              {presence !== null && (
                <span className="profile__presence" data-testid="profile-presence">
                  {presence}
                </span>
              )}
            </div>
            {blocked && (
              <p className="notice" data-testid="profile-blocked">
                {t('profile.blocked')}
              </p>
            )}
            <button
              type="button"
              className={blocked ? 'button' : 'button button--danger'}
              data-testid={blocked ? 'unblock-user' : 'block-user'}
              onClick={(event) => setConfirming(event.currentTarget)}
            >
              <BlockIcon size={16} />
              {blocked ? t('profile.unblock') : t('profile.block')}
            </button>
            {confirming !== null && <BlockConfirmDialog user={user} unblock={blocked} returnFocusTo={confirming} onClose={() => setConfirming(null)} />}
          </>
        )}
      </div>
    </Dialog>
  )
}
