/**
 * Which fields of the sign-in / create-account form a problem is about, so
 * that each gets aria-invalid and points (aria-describedby) at the error
 * text, and focus goes to the first (SignIn.tsx).
 */

export type AuthMode = 'signIn' | 'register'
export type AuthField = 'serverUrl' | 'username' | 'password' | 'invite'

/** The form's fields in the order they are shown: focus goes to the first wrong one. */
export const AUTH_FIELDS: readonly AuthField[] = ['serverUrl', 'username', 'password', 'invite']

export interface AuthValues {
  serverUrl: string
  username: string
  password: string
}

/** A check the form fails before asking the server: the words to show (auth.errors.…) and the fields it is about. */
export interface FormProblem {
  error: 'badServerUrl' | 'required' | 'usernameRule' | 'passwordRule'
  fields: AuthField[]
}

const USERNAME = /^[A-Za-z0-9_.-]{3,32}$/

export function checkForm(values: AuthValues, mode: AuthMode): FormProblem | null {
  if (!/^https?:\/\/\S+$/i.test(values.serverUrl.trim())) return { error: 'badServerUrl', fields: ['serverUrl'] }
  const empty: AuthField[] = []
  if (values.username.trim() === '') empty.push('username')
  if (values.password === '') empty.push('password')
  if (empty.length > 0) return { error: 'required', fields: empty }
  if (mode === 'register' && !USERNAME.test(values.username.trim())) return { error: 'usernameRule', fields: ['username'] }
  if (mode === 'register' && values.password.length < 8) return { error: 'passwordRule', fields: ['password'] }
  return null
}

/** The fields the server's refusal is about; none when it is not about what was typed (too many tries, a closed server). */
export function fieldsForRefusal(code: string, mode: AuthMode): AuthField[] {
  switch (code) {
    case 'unreachable':
      return ['serverUrl']
    // "Wrong username or password": either may be the wrong one.
    case 'unauthorized':
      return ['username', 'password']
    case 'conflict':
      return mode === 'register' ? ['username'] : []
    case 'invite_required':
      return mode === 'register' ? ['invite'] : []
    default:
      return []
  }
}

/** The first of `fields` on the form, for focus. */
export function firstField(fields: readonly AuthField[]): AuthField | null {
  return AUTH_FIELDS.find((field) => fields.includes(field)) ?? null
}
