/** Numbered migrations, run at start. New ones go in migrations/NNNN-name.ts and in the list below. */
import type { Kysely } from 'kysely'
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration'
import * as m0001 from './migrations/0001-initial'
import * as m0002 from './migrations/0002-display-name-key'
import * as m0003 from './migrations/0003-members-by-user'
import * as m0004 from './migrations/0004-display-name-nfkc'
import * as m0005 from './migrations/0005-message-lifecycle'
import * as m0006 from './migrations/0006-attachments'
import * as m0007 from './migrations/0007-groups-and-people'
import * as m0008 from './migrations/0008-search'
import * as m0009 from './migrations/0009-search-fold'

const migrations: Record<string, Migration> = {
  '0001-initial': m0001,
  '0002-display-name-key': m0002,
  '0003-members-by-user': m0003,
  '0004-display-name-nfkc': m0004,
  '0005-message-lifecycle': m0005,
  '0006-attachments': m0006,
  '0007-groups-and-people': m0007,
  '0008-search': m0008,
  '0009-search-fold': m0009,
}

const provider: MigrationProvider = { getMigrations: async () => migrations }

/**
 * `schema`: where the migration bookkeeping tables live when the store has a
 * schema of its own. Without it Kysely looks for them by name in every schema,
 * finds another schema's (public's, say) and never creates ours.
 */
export async function migrateToLatest(db: Kysely<unknown>, schema?: string): Promise<void> {
  await migrate(db, schema, (migrator) => migrator.migrateToLatest())
}

/** Up to and including `name` (tests of a migration: the schema as it was, then the migration). */
export async function migrateTo(db: Kysely<unknown>, name: string, schema?: string): Promise<void> {
  if (!(name in migrations)) throw new Error(`No migration ${name}`)
  await migrate(db, schema, (migrator) => migrator.migrateTo(name))
}

async function migrate(
  db: Kysely<unknown>,
  schema: string | undefined,
  run: (migrator: Migrator) => ReturnType<Migrator['migrateToLatest']>,
): Promise<void> {
  const migrator = new Migrator({ db, provider, ...(schema ? { migrationTableSchema: schema } : {}) })
  const { error, results } = await run(migrator)
  const failed = results?.find((result) => result.status === 'Error')
  if (error !== undefined || failed) {
    const name = failed?.migrationName ?? 'unknown'
    throw new Error(`Database migration ${name} failed: ${error instanceof Error ? error.message : String(error)}`)
  }
}
