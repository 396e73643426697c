/**
 * electron-updater's failures in words a user can act on. Its messages are
 * written for developers — an HttpError's text carries the request options
 * and "Please double check that your authentication token is correct" for
 * every 404 — so the status says what happened instead, and the log keeps
 * the original.
 */

const MAX_LENGTH = 200

export function describeUpdateError(message: string, feedUrl: string | null): string {
  const where = feedUrl === null ? 'the update server' : hostOf(feedUrl)
  if (/\b404\b/.test(message) || /ERR_UPDATER_CHANNEL_FILE_NOT_FOUND/.test(message)) {
    return `There is no release for this system at ${where} yet.`
  }
  if (/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|net::ERR_|timed out|socket hang up/i.test(message)) {
    return `Cannot reach ${where}.`
  }
  if (/checksum mismatch|ERR_CHECKSUM_MISMATCH|sha512/i.test(message)) {
    return 'The downloaded update was damaged (its checksum does not match). It will be downloaded again at the next check.'
  }
  if (/\b(5\d\d)\b/.test(message) && /HttpError|status/i.test(message)) {
    return `The update server at ${where} failed (${/\b(5\d\d)\b/.exec(message)?.[1] ?? 'server error'}); it will be tried again later.`
  }
  if (/ENOSPC/.test(message)) return 'There is not enough disk space to download the update.'
  if (/EACCES|EPERM/.test(message)) return 'Parley may not write where it keeps downloaded updates.'
  const firstLine = message.split('\n', 1)[0]?.trim() ?? ''
  const text = firstLine === '' ? 'The update failed.' : firstLine
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH - 1)}…` : text
}

function hostOf(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return 'the update server'
  }
}
