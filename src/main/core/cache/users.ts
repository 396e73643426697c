/** The users table: profiles as the server last reported them; and the users I blocked (blocked_users). */
import type { Database, Statement } from 'better-sqlite3'
import type { User } from '../../../shared/api'
import type { CachedUser } from './types'

interface UserRow {
  id: string
  username: string
  display_name: string
  last_seen_at: number | null
  blocked: 0 | 1
}

const toCachedUser = (row: UserRow): CachedUser => ({
  id: row.id,
  username: row.username,
  displayName: row.display_name,
  lastSeenAt: row.last_seen_at,
  blocked: row.blocked === 1,
})

const USER_COLUMNS = 'id, username, display_name, last_seen_at, EXISTS (SELECT 1 FROM blocked_users b WHERE b.user_id = users.id) AS blocked'

export class UserTable {
  private readonly upsert: Statement<[string, string, string, number | null]>
  private readonly upsertProfile: Statement<[string, string, string]>
  private readonly byIds: Statement<[string], UserRow>
  private readonly all: Statement<[], UserRow>
  private readonly block: Statement<[string]>
  private readonly unblock: Statement<[string]>
  private readonly allBlocked: Statement<[], string>

  constructor(private readonly db: Database) {
    this.upsert = db.prepare(
      `INSERT INTO users (id, username, display_name, last_seen_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET username = excluded.username, display_name = excluded.display_name,
         last_seen_at = excluded.last_seen_at`,
    )
    // A profile without presence (someone I share no conversation with) keeps what the cache knew.
    this.upsertProfile = db.prepare(
      `INSERT INTO users (id, username, display_name, last_seen_at) VALUES (?, ?, ?, NULL)
       ON CONFLICT (id) DO UPDATE SET username = excluded.username, display_name = excluded.display_name`,
    )
    this.byIds = db.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE id IN (SELECT value FROM json_each(?))`)
    this.all = db.prepare(`SELECT ${USER_COLUMNS} FROM users ORDER BY display_name COLLATE NOCASE, id`)
    this.block = db.prepare('INSERT OR IGNORE INTO blocked_users (user_id) VALUES (?)')
    this.unblock = db.prepare('DELETE FROM blocked_users WHERE user_id = ?')
    this.allBlocked = db.prepare<[], string>('SELECT user_id FROM blocked_users').pluck()
  }

  upsertUsers(users: readonly User[]): void {
    if (users.length === 0) return
    this.db.transaction(() => {
      for (const user of users) {
        if (user.lastSeenAt === undefined) this.upsertProfile.run(user.id, user.username, user.displayName)
        else this.upsert.run(user.id, user.username, user.displayName, user.lastSeenAt)
      }
    })()
  }

  /** In the order of `ids` (unknown ids skipped), or all users by name. */
  users(ids?: readonly string[]): CachedUser[] {
    if (ids === undefined) return this.all.all().map(toCachedUser)
    if (ids.length === 0) return []
    const found = new Map(this.byIds.all(JSON.stringify(ids)).map((row) => [row.id, toCachedUser(row)]))
    const result: CachedUser[] = []
    for (const id of new Set(ids)) {
      const user = found.get(id)
      if (user) result.push(user)
    }
    return result
  }

  setBlocked(userId: string, blocked: boolean): void {
    if (blocked) this.block.run(userId)
    else this.unblock.run(userId)
  }

  /** The server's whole list replaces the cached one; the ids whose flag changed. */
  replaceBlocked(userIds: readonly string[]): string[] {
    return this.db.transaction(() => {
      const before = this.blockedIds()
      const after = new Set(userIds)
      const changed = [...[...before].filter((id) => !after.has(id)), ...[...after].filter((id) => !before.has(id))]
      for (const id of changed) this.setBlocked(id, after.has(id))
      return changed
    })()
  }

  blockedIds(): Set<string> {
    return new Set(this.allBlocked.all())
  }
}
