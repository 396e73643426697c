/** My display name (`updateProfile`) and my password (`changePassword`: my other devices are signed out). */
import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { LIMITS } from '../../../../shared/limits'
import { callError } from '../../lib/call-error'
import { useAccount } from '../../store/account'
import { useSession } from '../../store/session'
import { actionErrorText } from '../action-error'

type Status = { kind: 'idle' } | { kind: 'busy' } | { kind: 'done'; text: string } | { kind: 'error'; text: string }

function StatusLine({ status, testId }: { status: Status; testId: string }) {
  if (status.kind === 'done') {
    return (
      <p className="form-ok" role="status" data-testid={testId}>
        {status.text}
      </p>
    )
  }
  if (status.kind === 'error') {
    return (
      <p className="form-error" role="alert" data-testid={testId}>
        {status.text}
      </p>
    )
  }
  return null
}

function DisplayNameForm() {
  const { t } = useTranslation()
  const user = useSession((state) => state.user)
  const [name, setName] = useState(user?.displayName ?? '')
  const [status, setStatus] = useState<Status>({ kind: 'idle' })

  const save = (event: FormEvent) => {
    event.preventDefault()
    const next = name.trim()
    if (next === '') {
      setStatus({ kind: 'error', text: t('settings.profile.empty') })
      return
    }
    setStatus({ kind: 'busy' })
    useAccount
      .getState()
      .updateProfile(next)
      .then(
        () => setStatus({ kind: 'done', text: t('settings.profile.saved') }),
        (err: unknown) => {
          const { code } = callError(err)
          setStatus({ kind: 'error', text: code === 'bad_request' ? t('settings.profile.invalid') : actionErrorText(t, err) })
        },
      )
  }

  return (
    <form className="settings__form" onSubmit={save} data-testid="profile-form">
      <label className="field">
        <span className="field__label">{t('settings.profile.displayName')}</span>
        <input value={name} maxLength={LIMITS.displayNameMax} autoComplete="name" onChange={(e) => setName(e.target.value)} name="displayName" />
        {user && <span className="field__hint">@{user.username}</span>}
      </label>
      <StatusLine status={status} testId="profile-status" />
      <button type="submit" className="button button--primary" disabled={status.kind === 'busy' || name.trim() === user?.displayName}>
        {t('common.save')}
      </button>
    </form>
  )
}

function PasswordForm() {
  const { t } = useTranslation()
  const [current, setCurrent] = useState('')
  const [next, setNext] = useState('')
  const [confirm, setConfirm] = useState('')
  const [status, setStatus] = useState<Status>({ kind: 'idle' })

  const submit = (event: FormEvent) => {
    event.preventDefault()
    if (current === '' || next === '') return setStatus({ kind: 'error', text: t('settings.password.required') })
    if (next.length < LIMITS.passwordMin) return setStatus({ kind: 'error', text: t('settings.password.tooShort', { min: LIMITS.passwordMin }) })
    if (next !== confirm) return setStatus({ kind: 'error', text: t('settings.password.mismatch') })
    setStatus({ kind: 'busy' })
    useAccount
      .getState()
      .changePassword(current, next)
      .then(
        () => {
          setCurrent('')
          setNext('')
          setConfirm('')
          setStatus({ kind: 'done', text: t('settings.password.changed') })
        },
        (err: unknown) => {
          const { code } = callError(err)
          setStatus({ kind: 'error', text: code === 'unauthorized' || code === 'forbidden' ? t('settings.password.wrongCurrent') : actionErrorText(t, err) })
        },
      )
  }

  return (
    <form className="settings__form" onSubmit={submit} data-testid="password-form">
      <label className="field">
        <span className="field__label">{t('settings.password.current')}</span>
        <input type="password" value={current} autoComplete="current-password" onChange={(e) => setCurrent(e.target.value)} name="current" />
      </label>
      <label className="field">
        <span className="field__label">{t('settings.password.next')}</span>
        <input type="password" value={next} autoComplete="new-password" aria-describedby="new-password-hint" onChange={(e) => setNext(e.target.value)} name="next" />
        <span className="field__hint" id="new-password-hint">
          {t('settings.password.hint', { min: LIMITS.passwordMin })}
        </span>
      </label>
      <label className="field">
        <span className="field__label">{t('settings.password.confirm')}</span>
        <input type="password" value={confirm} autoComplete="new-password" onChange={(e) => setConfirm(e.target.value)} name="confirm" />
      </label>
      <StatusLine status={status} testId="password-status" />
      <button type="submit" className="button button--primary" disabled={status.kind === 'busy'}>
        {t('settings.password.submit')}
      </button>
    </form>
  )
}

export function ProfileSection() {
  const { t } = useTranslation()
  return (
    <>
      <section aria-labelledby="settings-profile">
        <h3 id="settings-profile">{t('settings.profile.title')}</h3>
        <DisplayNameForm />
      </section>
      <section aria-labelledby="settings-password">
        <h3 id="settings-password">{t('settings.password.title')}</h3>
        <PasswordForm />
      </section>
    </>
  )
}
