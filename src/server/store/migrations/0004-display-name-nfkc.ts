import type { Kysely } from 'kysely'
import { cleanDisplayName } from '../../../shared/display-name'

type Users = Kysely<{ users: { id: string; username: string; display_name: string; display_name_key: string } }>

const BATCH = 1_000

/**
 * Display names stored before the rule of shared/display-name.ts (issue 14)
 * are brought under it: NFKC, refused characters (controls, bidi formatting,
 * invisible ones) dropped; a name with nothing visible left becomes the
 * username, as an account registered without a name has. The search key
 * follows. Rows already clean are not written. Keyset pages by id, so a large
 * users table is never held at once.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const users = db as unknown as Users
  for (let after = ''; ; ) {
    const rows = await users
      .selectFrom('users')
      .select(['id', 'username', 'display_name', 'display_name_key'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(BATCH)
      .execute()
    for (const row of rows) {
      const name = cleanDisplayName(row.display_name) || row.username
      const key = name.toLowerCase()
      if (name === row.display_name && key === row.display_name_key) continue
      await users.updateTable('users').set({ display_name: name, display_name_key: key }).where('id', '=', row.id).execute()
    }
    const last = rows.at(-1)
    if (last === undefined || rows.length < BATCH) return
    after = last.id
  }
}
