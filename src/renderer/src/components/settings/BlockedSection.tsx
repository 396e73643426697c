/** The people I blocked (`listBlocked`), each with Unblock. */
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { ChatUser } from '../../../../shared/ipc'
import { useUsers } from '../../store/users'
import { actionErrorText } from '../action-error'
import { Avatar } from '../Avatar'
import { useFocusAfterRemoval } from './useFocusAfterRemoval'

export function BlockedSection() {
  const { t } = useTranslation()
  const [people, setPeople] = useState<ChatUser[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const focus = useFocusAfterRemoval<HTMLElement>('[data-testid=unblock-person]', people)

  useEffect(() => {
    useUsers
      .getState()
      .listBlocked()
      .then(setPeople, (err: unknown) => setError(actionErrorText(t, err)))
  }, [t])

  const unblock = (user: ChatUser, button: HTMLElement) => {
    setError(null)
    useUsers
      .getState()
      .unblock(user.id)
      .then(
        () => {
          focus.removing(button)
          setPeople((current) => current?.filter((u) => u.id !== user.id) ?? null)
        },
        (err: unknown) => setError(actionErrorText(t, err)),
      )
  }

  return (
    <section aria-labelledby="settings-blocked" ref={focus.container}>
      <h3 id="settings-blocked">{t('settings.blocked.title')}</h3>
      <p className="field__hint">{t('settings.blocked.hint')}</p>
      {error !== null && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {people === null && error === null && <p className="dialog__note">{t('settings.devices.loading')}</p>}
      {people !== null && people.length === 0 && <p className="dialog__note">{t('settings.blocked.none')}</p>}
      {people !== null && people.length > 0 && (
        <ul className="settings-list" data-testid="blocked-people">
          {people.map((user) => (
            <li key={user.id} className="settings-list__item" data-testid="blocked-person">
              <Avatar id={user.id} name={user.displayName} size={32} />
              <span className="settings-list__text">
                <bdi className="settings-list__name" dir="auto">
                  {user.displayName}
                </bdi>
                <span className="settings-list__detail">@{user.username}</span>
              </span>
              <button type="button" className="button" aria-label={t('settings.blocked.unblockLabel', { name: user.displayName })} onClick={(event) => unblock(user, event.currentTarget)} data-testid="unblock-person">
                {t('profile.unblock')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
