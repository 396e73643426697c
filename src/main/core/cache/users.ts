/** The users table: profiles as the server last reported them. */
import type { Database, Statement } from 'better-sqlite3'
import type { User } from '../../../shared/api'
import type { CachedUser } from './types'

interface UserRow {
  id: string
  username: string
  display_name: string
  last_seen_at: number | null
}

const toCachedUser = (row: UserRow): CachedUser => ({
  id: row.id,
  username: row.username,
  displayName: row.display_name,
  lastSeenAt: row.last_seen_at,
})

export class UserTable {
  private readonly upsert: Statement<[string, string, string, number | null]>
  private readonly upsertProfile: Statement<[string, string, string]>
  private readonly byIds: Statement<[string], UserRow>
  private readonly all: Statement<[], UserRow>

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
    this.byIds = db.prepare(
      `SELECT id, username, display_name, last_seen_at FROM users WHERE id IN (SELECT value FROM json_each(?))`,
    )
    this.all = db.prepare(`SELECT id, username, display_name, last_seen_at FROM users ORDER BY display_name COLLATE NOCASE, id`)
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
}
