import { describe, expect, it } from 'vitest'
import { checkForm, fieldsForRefusal, firstField } from './sign-in-errors'

const filled = { serverUrl: 'http://127.0.0.1:8787', username: 'alice', password: 'correct-horse-1' }

describe('checkForm: what is wrong before asking the server, and where', () => {
  it('passes a filled form', () => {
    expect(checkForm(filled, 'signIn')).toBeNull()
    expect(checkForm(filled, 'register')).toBeNull()
  })

  it('marks both empty fields of an empty submit, and only the empty one otherwise', () => {
    expect(checkForm({ ...filled, username: ' ', password: '' }, 'signIn')).toEqual({ error: 'required', fields: ['username', 'password'] })
    expect(checkForm({ ...filled, password: '' }, 'signIn')).toEqual({ error: 'required', fields: ['password'] })
    expect(checkForm({ ...filled, username: '' }, 'register')).toEqual({ error: 'required', fields: ['username'] })
  })

  it('marks the server address when it is not an http(s) URL, before anything else', () => {
    expect(checkForm({ serverUrl: 'example.org', username: '', password: '' }, 'signIn')).toEqual({ error: 'badServerUrl', fields: ['serverUrl'] })
  })

  it('applies the username and password rules when creating an account only', () => {
    expect(checkForm({ ...filled, username: 'a b' }, 'register')).toEqual({ error: 'usernameRule', fields: ['username'] })
    expect(checkForm({ ...filled, password: 'short' }, 'register')).toEqual({ error: 'passwordRule', fields: ['password'] })
    expect(checkForm({ ...filled, username: 'a b', password: 'short' }, 'signIn')).toBeNull()
  })
})

describe('fieldsForRefusal: the fields a refusal from the server is about', () => {
  it('a wrong password may be either field; a taken username and a missing invite are one each', () => {
    expect(fieldsForRefusal('unauthorized', 'signIn')).toEqual(['username', 'password'])
    expect(fieldsForRefusal('conflict', 'register')).toEqual(['username'])
    expect(fieldsForRefusal('invite_required', 'register')).toEqual(['invite'])
    expect(fieldsForRefusal('unreachable', 'signIn')).toEqual(['serverUrl'])
  })

  it('none for what is not about the typed values', () => {
    for (const code of ['rate_limited', 'registration_closed', 'account_disabled', 'native_module_unavailable', 'bad_request', 'internal']) {
      expect(fieldsForRefusal(code, 'register')).toEqual([])
    }
  })
})

describe('firstField', () => {
  it('is the first wrong field in the order of the form', () => {
    expect(firstField(['password', 'username'])).toBe('username')
    expect(firstField(['invite', 'serverUrl'])).toBe('serverUrl')
    expect(firstField([])).toBeNull()
  })
})
