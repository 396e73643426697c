/**
 * Which database a Kysely instance talks to. The store is portable SQL except
 * where the databases have no common ground — full-text search: FTS5 on
 * SQLite, pg_trgm on PostgreSQL (search-rows.ts, migration 0008).
 */
import { PostgresAdapter, type Kysely } from 'kysely'

export type Dialect = 'sqlite' | 'postgres'

// getExecutor() is public in Kysely's typings; its adapter is the one the dialect installed.
export const dialectOf = <T>(db: Kysely<T>): Dialect => (db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite')
