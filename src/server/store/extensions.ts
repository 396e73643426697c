/**
 * PostgreSQL extensions the store's migrations need (pg_trgm, unaccent),
 * installed once per database: used where they are, else created in
 * `public` (PostgreSQL's default place; a store in a schema of its own must
 * not own one, or dropping that schema would drop every other schema's
 * objects that use it), else in the current schema.
 */
import { sql, type Kysely } from 'kysely'

/** The schema `name` is installed in, installing it if it is not; `purpose` says what needs it in the error. */
export async function extensionSchema(db: Kysely<unknown>, name: 'pg_trgm' | 'unaccent', purpose: string): Promise<string> {
  const found = await installedIn(db, name)
  if (found !== undefined) return found
  const hasPublic = await sql<{ one: number }>`SELECT 1 AS one FROM pg_namespace WHERE nspname = 'public'`.execute(db)
  try {
    if (hasPublic.rows.length > 0) await sql`CREATE EXTENSION IF NOT EXISTS ${sql.id(name)} WITH SCHEMA public`.execute(db)
    else await sql`CREATE EXTENSION IF NOT EXISTS ${sql.id(name)}`.execute(db)
  } catch (err) {
    // Another server (or test) created it at the same moment: IF NOT EXISTS does not cover that race.
    const meanwhile = await installedIn(db, name).catch(() => undefined)
    if (meanwhile !== undefined) return meanwhile
    const reason = err instanceof Error ? err.message : String(err)
    throw new Error(
      `${purpose} needs the ${name} extension, and this database user could not create it (${reason}): ` +
        `run CREATE EXTENSION ${name}; once as the database owner or a superuser, then start the server again`,
      { cause: err },
    )
  }
  const installed = await installedIn(db, name)
  if (installed === undefined) throw new Error(`CREATE EXTENSION ${name} left no extension behind`)
  return installed
}

async function installedIn(db: Kysely<unknown>, name: string): Promise<string | undefined> {
  const rows = await sql<{ schema: string }>`
    SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
    WHERE e.extname = ${name}`.execute(db)
  return rows.rows[0]?.schema
}
