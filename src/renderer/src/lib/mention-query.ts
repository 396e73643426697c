/**
 * The composer's `@` autocomplete: the `@name` being typed at the caret, the
 * members it matches (username or display name, Chinese names included, by
 * prefix before substring), and the text once one is picked.
 */
import type { ChatUser } from '../../../shared/ipc'

const USERNAME_CHAR = /[A-Za-z0-9_.-]/

export interface MentionQuery {
  /** Where the `@` is. */
  start: number
  /** What follows it, up to the caret. */
  query: string
}

/** The mention being typed at `caret`, or null. An `@` counts at the start or after a character no username has. */
export function mentionQueryAt(text: string, caret: number): MentionQuery | null {
  let at = caret
  while (at > 0 && caret - at <= 32 && text[at - 1] !== '@') {
    const char = text[at - 1] as string
    // Display names are matched too, so letters of any script may follow the @ (not spaces).
    if (/\s/u.test(char) || (!USERNAME_CHAR.test(char) && !/[\p{L}\p{N}]/u.test(char))) return null
    at--
  }
  if (at === 0 || text[at - 1] !== '@') return null
  const start = at - 1
  if (start > 0 && USERNAME_CHAR.test(text[start - 1] as string)) return null
  return { start, query: text.slice(at, caret) }
}

const fold = (text: string) => text.normalize('NFKC').toLocaleLowerCase()

/** Members matching the query, best first: username prefix, display-name (or a word of it) prefix, then anywhere. */
export function matchMembers(members: readonly ChatUser[], query: string, limit = 8): ChatUser[] {
  const q = fold(query)
  const ranked: { user: ChatUser; rank: number }[] = []
  for (const user of members) {
    const username = fold(user.username)
    const name = fold(user.displayName)
    let rank: number
    if (q === '' || username.startsWith(q)) rank = 0
    else if (name.startsWith(q) || name.split(/\s+/u).some((word) => word.startsWith(q))) rank = 1
    else if (username.includes(q) || name.includes(q)) rank = 2
    else continue
    ranked.push({ user, rank })
  }
  return ranked
    .sort((a, b) => a.rank - b.rank || fold(a.user.displayName).localeCompare(fold(b.user.displayName)) || (a.user.username < b.user.username ? -1 : 1))
    .slice(0, limit)
    .map((entry) => entry.user)
}

/** The text with the mention being typed replaced by `@username ` and where the caret goes. */
export function insertMention(text: string, query: MentionQuery, caret: number, username: string): { text: string; caret: number } {
  const inserted = `@${username} `
  const rest = text.slice(caret).replace(/^ /, '')
  return { text: text.slice(0, query.start) + inserted + rest, caret: query.start + inserted.length }
}
