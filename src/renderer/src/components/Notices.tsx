/** The notices of store/notices.ts, bottom right: what was refused or failed and why, in the UI language. */
import type { TFunction } from 'i18next'
import { useTranslation } from 'react-i18next'
import { useNotices, type Notice } from '../store/notices'
import { CloseIcon } from './Icons'

const KNOWN_REASONS = ['forbidden', 'conflict', 'not_found', 'bad_request', 'too_many_reactions'] as const
/** Why a parley:// link was not followed (store/deep-links.ts). */
const LINK_NOTICES = ['signOutFirst', 'notFound'] as const

function reasonOf(t: TFunction, notice: Notice): string {
  const known = KNOWN_REASONS.find((code) => code === notice.code)
  // A 400 about reactions is nearly always the 21st emoji: the server's message says which.
  if (notice.change === 'reaction' && notice.code === 'bad_request' && /20|reaction/i.test(notice.message)) return t('notice.reasons.too_many_reactions')
  return known !== undefined ? t(`notice.reasons.${known}`) : t('notice.reasons.other', { message: notice.message || notice.code })
}

export function Notices() {
  const { t } = useTranslation()
  const notices = useNotices((state) => state.notices)
  return (
    <div className="notices" role="status" aria-live="polite" aria-label={t('notice.label')}>
      {notices.map((notice) => (
        <div key={notice.id} className="notice" data-testid="notice" data-change={notice.change} data-code={notice.code}>
          <span className="notice__text">
            {notice.change === 'link'
              ? t(`desktop.links.${LINK_NOTICES.find((code) => code === notice.code) ?? 'notFound'}`, { server: notice.message })
              : t(`notice.${notice.kind}.${notice.change}`, { reason: reasonOf(t, notice) })}
          </span>
          <button
            type="button"
            className="icon-button icon-button--small"
            aria-label={t('notice.dismiss')}
            title={t('notice.dismiss')}
            onClick={() => useNotices.getState().dismiss(notice.id)}
          >
            <CloseIcon size={16} />
          </button>
        </div>
      ))}
    </div>
  )
}
