/**
 * Sign in / create an account on a server (prefilled with the core's server
 * URL). Creating one takes an optional invite code; an invite link
 * (`parley://invite?server=…&code=…`) pasted into the server or the invite
 * field fills in both, and so does one opened from outside the app
 * (store/deep-links.ts).
 *
 * A problem — found before asking the server or refused by it — shows as an
 * alert and marks the fields it is about (aria-invalid, aria-describedby to
 * the alert; sign-in-errors.ts); focus goes to the first of them, or to the
 * submit button when it is about none.
 */
import { useEffect, useRef, useState, type ClipboardEvent, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { parseInviteLink } from '../../../shared/invite-link'
import { callError, type CallError } from '../lib/call-error'
import { useDeepLinks } from '../store/deep-links'
import { useSession } from '../store/session'
import { checkForm, fieldsForRefusal, firstField, type AuthField, type AuthMode as Mode } from './sign-in-errors'

const ERROR_ID = 'auth-error'

interface Problem {
  text: string
  fields: readonly AuthField[]
}

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
  const [problem, setProblem] = useState<Problem | null>(null)
  const error = problem?.text ?? null
  const form = useRef<HTMLFormElement>(null)
  const submitButton = useRef<HTMLButtonElement>(null)
  const linkInvite = useDeepLinks((state) => state.invite)
  const linkWaiting = useDeepLinks((state) => state.waiting !== null)

  // An invite link opened from outside (the OS handed it to the app): sign-up, filled in.
  useEffect(() => {
    if (linkInvite === null) return
    setServerUrl(linkInvite.serverUrl)
    setInvite(linkInvite.code)
    setFilledFromLink(true)
    setProblem(null)
    setMode('register')
    useDeepLinks.getState().inviteTaken(linkInvite.nonce)
  }, [linkInvite])

  // Each new problem (a new object, even with the same words): focus its first field — or the submit button,
  // enabled again by then, when it is about no field.
  useEffect(() => {
    if (problem === null) return
    const field = firstField(problem.fields)
    const input = field === null ? null : form.current?.elements.namedItem(field)
    if (input instanceof HTMLInputElement) input.focus()
    else submitButton.current?.focus()
  }, [problem])

  const invalid = (field: AuthField): boolean => problem?.fields.includes(field) === true
  /** The field's hint, and the error text when the problem is about it. */
  const describedBy = (field: AuthField, hint: string | null): string | undefined =>
    [hint, invalid(field) ? ERROR_ID : null].filter((id) => id !== null).join(' ') || undefined

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

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    const wrong = checkForm({ serverUrl, username, password }, mode)
    if (wrong !== null) {
      setProblem({ text: t(`auth.errors.${wrong.error}`), fields: wrong.fields })
      return
    }
    setBusy(true)
    setProblem(null)
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
      const refusal = callError(err)
      setProblem({ text: describe(refusal), fields: fieldsForRefusal(refusal.code, mode) })
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
    setProblem(null)
    if (mode === 'signIn') setMode('register')
    return true
  }
  const onPasteLink = (event: ClipboardEvent<HTMLInputElement>) => {
    if (takeInviteLink(event.clipboardData.getData('text'))) event.preventDefault()
  }

  const switchMode = () => {
    setMode(mode === 'signIn' ? 'register' : 'signIn')
    setProblem(null)
  }

  return (
    <main className="auth">
      <form ref={form} className="auth__card" onSubmit={submit} noValidate aria-labelledby="auth-title" data-testid={mode === 'signIn' ? 'sign-in-form' : 'register-form'}>
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
            aria-invalid={invalid('serverUrl') || undefined}
            aria-describedby={describedBy('serverUrl', null)}
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
            aria-invalid={invalid('username') || undefined}
            aria-describedby={describedBy('username', mode === 'register' ? 'username-hint' : null)}
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
            aria-invalid={invalid('password') || undefined}
            aria-describedby={describedBy('password', mode === 'register' ? 'password-hint' : null)}
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
              aria-invalid={invalid('invite') || undefined}
              aria-describedby={describedBy('invite', 'invite-hint')}
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
          <p className="auth__error" role="alert" data-testid="auth-error" id={ERROR_ID}>
            {error}
          </p>
        )}

        <button ref={submitButton} type="submit" className="button button--primary button--wide" disabled={busy}>
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
