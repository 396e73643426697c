/**
 * A failed group, people or account call in words the user can act on:
 * what went wrong and what to do. The server's own message is shown only
 * when no code says more.
 */
import type { TFunction } from 'i18next'
import { LIMITS } from '../../../shared/limits'
import { callError } from '../lib/call-error'

export function actionErrorText(t: TFunction, err: unknown): string {
  const { code, message } = callError(err)
  switch (code) {
    case 'forbidden':
      return t('errors.forbidden')
    case 'not_found':
      return t('errors.notFound')
    case 'offline':
    case 'unreachable':
      return t('errors.offline')
    case 'rate_limited':
      return t('errors.rateLimited')
    case 'blocked':
      return t('errors.blocked')
    case 'conflict':
      return t('errors.conflict')
    case 'bad_request':
      return /member|100/i.test(message) ? t('errors.tooManyMembers', { max: LIMITS.groupMembersMax }) : t('errors.badRequest', { message })
    default:
      return t('errors.other', { message: message || code })
  }
}

/** For ConfirmDialog: a rejection carrying the words. */
export function inWords(t: TFunction): (err: unknown) => never {
  return (err) => {
    throw new Error(actionErrorText(t, err))
  }
}
