/**
 * Sign in / create an account on a server (prefilled with the core's server
 * URL). Creating one takes an optional invite code; an invite link
 * (`parley://invite?server=…&code=…`) pasted into the server or the invite
 * field fills in both, and so does one opened from outside the app
 * (store/deep-links.ts).
 */
import { useEffect, useState, type ClipboardEvent, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { parseInviteLink } from '../../../shared/invite-link'
import { callError, type CallError } from '../lib/call-error'
import { useDeepLinks } from '../store/deep-links'
import { useSession } from '../store/session'

type Mode = 'signIn' | 'register'

const USERNAME = /^[A-Za-z0-9_.-]{3,32}$/

export function SignIn() {
  const { t } = useTranslation()
  const initialServer = useSession((state) => state.serverUrl)
  const notice = useSession((state) => state.notice)
  const [mode, setMode] = useState<Mode>('signIn')
  const [serverUrl, setServerUrl] = useState(initialServer)
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [displayName, setDisplayName] = useState('')
  const [invite, setInvite] = useState('')
  const [filledFromLink, setFilledFromLink] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const linkInvite = useDeepLinks((state) => state.invite)
  const linkWaiting = useDeepLinks((state) => state.waiting !== null)

  // An invite link opened from outside (the OS handed it to the app): sign-up, filled in.
  useEffect(() => {
    if (linkInvite === null) return
    setServerUrl(linkInvite.serverUrl)
    setInvite(linkInvite.code)
    setFilledFromLink(true)
    setError(null)
    setMode('register')
    useDeepLinks.getState().inviteTaken(linkInvite.nonce)
  }, [linkInvite])

  const describe = (err: CallError): string => {
    switch (err.code) {
      case 'unauthorized':
        return t('auth.errors.unauthorized')
      case 'unreachable':
        return t('auth.errors.unreachable')
      case 'conflict':
        return t('auth.errors.conflict')
      case 'rate_limited':
        return t('auth.errors.rateLimited')
      case 'native_module_unavailable':
        return t('auth.errors.nativeModule')
      case 'invite_required':
        return invite.trim() === '' ? t('auth.errors.inviteRequired') : t('auth.errors.inviteInvalid')
      case 'registration_closed':
        return t('auth.errors.registrationClosed')
      case 'account_disabled':
        return t('auth.errors.accountDisabled')
      case 'bad_request':
        return err.message
      default:
        return t('auth.errors.other', { message: err.message })
    }
  }

  const validate = (): string | null => {
    if (!/^https?:\/\/\S+$/i.test(serverUrl.trim())) return t('auth.errors.badServerUrl')
    if (username.trim() === '' || password === '') return t('auth.errors.required')
    if (mode === 'register' && !USERNAME.test(username.trim())) return t('auth.errors.usernameRule')
    if (mode === 'register' && password.length < 8) return t('auth.errors.passwordRule')
    return null
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    const invalid = validate()
    if (invalid !== null) {
      setError(invalid)
      return
    }
    setBusy(true)
    setError(null)
    try {
      const base = { serverUrl: serverUrl.trim(), username: username.trim(), password }
      if (mode === 'signIn') await useSession.getState().signIn(base)
      else
        await useSession.getState().register({
          ...base,
          ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
          ...(invite.trim() ? { invite: invite.trim() } : {}),
        })
    } catch (err) {
      setError(describe(callError(err)))
      setBusy(false)
    }
  }

  /** An invite link typed or pasted into either field: the server and the code both come from it. */
  const takeInviteLink = (text: string): boolean => {
    const link = parseInviteLink(text)
    if (link === null) return false
    setServerUrl(link.serverUrl)
    setInvite(link.code)
    setFilledFromLink(true)
    setError(null)
    if (mode === 'signIn') setMode('register')
    return true
  }
  const onPasteLink = (event: ClipboardEvent<HTMLInputElement>) => {
    if (takeInviteLink(event.clipboardData.getData('text'))) event.preventDefault()
  }

  const switchMode = () => {
    setMode(mode === 'signIn' ? 'register' : 'signIn')
    setError(null)
  }

  return (
    <main className="auth">
      <form className="auth__card" onSubmit={submit} noValidate aria-labelledby="auth-title" data-testid={mode === 'signIn' ? 'sign-in-form' : 'register-form'}>
        <div className="auth__logo" aria-hidden="true">
          P
        </div>
        <h1 id="auth-title">{mode === 'signIn' ? t('auth.signInTitle') : t('auth.registerTitle')}</h1>
        <p className="auth__subtitle">{t('auth.subtitle')}</p>

        <label className="field">
          <span className="field__label">{t('auth.serverUrl')}</span>
          <input
            type="url"
            value={serverUrl}
            onChange={(e) => {
              if (!takeInviteLink(e.target.value)) setServerUrl(e.target.value)
            }}
            onPaste={onPasteLink}
            autoComplete="url"
            spellCheck={false}
            required
            name="serverUrl"
          />
        </label>
        <label className="field">
          <span className="field__label">{t('auth.username')}</span>
          <input
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            required
            autoFocus
            name="username"
            aria-describedby={mode === 'register' ? 'username-hint' : undefined}
          />
          {mode === 'register' && (
            <span className="field__hint" id="username-hint">
              {t('auth.usernameHint')}
            </span>
          )}
        </label>
        <label className="field">
          <span className="field__label">{t('auth.password')}</span>
          <input
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            autoComplete={mode === 'signIn' ? 'current-password' : 'new-password'}
            required
            name="password"
            aria-describedby={mode === 'register' ? 'password-hint' : undefined}
          />
          {mode === 'register' && (
            <span className="field__hint" id="password-hint">
              {t('auth.passwordHint')}
            </span>
          )}
        </label>
        {mode === 'register' && (
          <label className="field">
            <span className="field__label">{t('auth.displayName')}</span>
            <input value={displayName} onChange={(e) => setDisplayName(e.target.value)} autoComplete="name" maxLength={64} name="displayName" />
          </label>
        )}
        {mode === 'register' && (
          <label className="field">
            <span className="field__label">{t('auth.invite')}</span>
            <input
              value={invite}
              onChange={(e) => {
                if (!takeInviteLink(e.target.value)) {
                  setInvite(e.target.value)
                  setFilledFromLink(false)
                }
              }}
              onPaste={onPasteLink}
              autoComplete="off"
              spellCheck={false}
              maxLength={2_000}
              name="invite"
              aria-describedby="invite-hint"
            />
            <span className="field__hint" id="invite-hint" data-testid="invite-hint">
              {filledFromLink ? t('auth.inviteFilled') : t('auth.inviteHint')}
            </span>
          </label>
        )}

        {linkWaiting && (
          <p className="notice" role="status" data-testid="link-waiting">
            {t('desktop.links.signInFirst')}
          </p>
        )}
        {error === null && notice === 'keyring_locked' && (
          <p className="notice" role="status" data-testid="session-notice">
            {t('auth.keyringLocked')}
          </p>
        )}
        {error === null && notice === 'native_module_unavailable' && (
          <p className="auth__error" role="alert" data-testid="session-notice">
            {t('auth.errors.nativeModule')}
          </p>
        )}
        {error !== null && (
          <p className="auth__error" role="alert" data-testid="auth-error">
            {error}
          </p>
        )}

        <button type="submit" className="button button--primary button--wide" disabled={busy}>
          {busy
            ? mode === 'signIn'
              ? t('auth.signingIn')
              : t('auth.registering')
            : mode === 'signIn'
              ? t('auth.submitSignIn')
              : t('auth.submitRegister')}
        </button>
        <button type="button" className="link-button" onClick={switchMode}>
          {mode === 'signIn' ? t('auth.toRegister') : t('auth.toSignIn')}
        </button>
      </form>
    </main>
  )
}
