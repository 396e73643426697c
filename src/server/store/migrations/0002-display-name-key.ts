import type { Kysely } from 'kysely'

/**
 * Directory search folds case in JavaScript (full Unicode), because SQLite's
 * lower() and LIKE fold ASCII only: "émile" must find "ÉMILE".
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('display_name_key', 'text', (c) => c.notNull().defaultTo('')).execute()
  const typed = db as unknown as Kysely<{ users: { id: string; display_name: string; display_name_key: string } }>
  const users = await typed.selectFrom('users').select(['id', 'display_name']).execute()
  for (const user of users) {
    await typed
      .updateTable('users')
      .set({ display_name_key: user.display_name.toLowerCase() })
      .where('id', '=', user.id)
      .execute()
  }
}
