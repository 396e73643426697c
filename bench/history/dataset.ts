/**
 * The two server workspaces of the first sign-in benchmark, seeded straight
 * into a SQLite store's tables (bench/search/dataset.ts: the same
 * conversations of 2–8 members, skewed — some busy, most quiet — with the
 * desk benchmark's realistic bodies, one message a minute from 2024-01-01).
 * The small workspace's messages are the first `smallMessages` of the big
 * one's: the same conversations, a hundredth of the history.
 *
 * The one who signs in (`u_bench0`, a member of every conversation) has a
 * password and has read almost everything, as someone signing in on a new
 * computer has: the busiest conversations have UNREAD_BUSY unread messages
 * (more than a latest page: the first sign-in fetches down to the first
 * unread), every fifth of the others a few, the rest none — the same in both
 * workspaces (at most what the conversation holds).
 *
 * A seeded database is kept under `--seed-cache` keyed by its sizes, seed and
 * the code and schema that made it, so that a second run copies it instead
 * of seeding again (a million messages and their search index take a minute
 * or two); without a cache, or on a miss, it is seeded from nothing.
 */
import { createHash } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { hashPassword } from '../../src/server/api/passwords'
import { SQLITE_FILE } from '../../src/server/store/sqlite'
import { repoRoot } from '../../test/kit/processes'
import { seedSqlite, workspaceOf } from '../search/dataset'
import { readSearchOptions } from '../search/options'
import type { HistoryBenchOptions } from './options'

/** Bump when what is seeded changes in a way the key below does not see. */
const VERSION = 1
export const PASSWORD = 'bench-password'
/** Unread messages in each of the UNREAD_BUSY_COUNT busiest conversations. */
const UNREAD_BUSY = 120
const UNREAD_BUSY_COUNT = 10

export interface SeededConversation {
  id: string
  /** Its rank in the skew (0: the busiest). */
  rank: number
  lastSeq: number
  /** The signed-in user's read marker. */
  readSeq: number
  lastActivityAt: number
}

export interface SeededWorkspace {
  name: 'big' | 'small' | 'control'
  messages: number
  me: { id: string; username: string }
  /** Every conversation, the signed-in user a member of each. */
  conversations: SeededConversation[]
  /** Writing the rows, and building the search index over them (0 when copied from the cache). */
  seedMs: number
  indexMs: number
  /** Copied from the seed cache. */
  cached: boolean
}

/** The signed-in user's unread messages in the conversation of this rank holding `lastSeq`. */
export function unreadOf(rank: number, lastSeq: number): number {
  const unread = rank < UNREAD_BUSY_COUNT ? UNREAD_BUSY : rank % 5 === 0 ? 1 + (rank % 7) : 0
  return Math.min(unread, lastSeq)
}

/** What makes a seeded database: the generator's code and the schema's migrations. */
function codeKey(): string {
  const hash = createHash('sha256')
  for (const file of ['bench/search/dataset.ts', 'bench/core/bodies.ts', 'bench/history/dataset.ts']) hash.update(readFileSync(join(repoRoot, file)))
  const migrations = join(repoRoot, 'src/server/store/migrations')
  for (const name of readdirSync(migrations).sort()) if (!name.endsWith('.test.ts')) hash.update(readFileSync(join(migrations, name)))
  return hash.digest('hex').slice(0, 12)
}

/** Seed the workspace into `dir` (a server's DATA_DIR): the store's file, migrated, with the signed-in user's password and markers. */
async function seedInto(dir: string, name: SeededWorkspace['name'], messages: number, options: HistoryBenchOptions): Promise<Omit<SeededWorkspace, 'cached'>> {
  mkdirSync(dir, { recursive: true })
  const searchOptions = {
    ...readSearchOptions([]),
    messages,
    conversations: options.conversations,
    users: options.users,
    searcherEvery: 1,
    seed: options.seed,
  }
  const workspace = workspaceOf(searchOptions)
  const { seedMs, indexMs } = await seedSqlite(dir, workspace, searchOptions, () => undefined)
  const me = workspace.searcherId
  const db = new BetterSqlite3(join(dir, SQLITE_FILE))
  try {
    const hash = await hashPassword(PASSWORD)
    const lastSeqs = new Map(
      (db.prepare('SELECT id, last_seq AS lastSeq, last_activity_at AS lastActivityAt FROM conversations').all() as { id: string; lastSeq: number; lastActivityAt: number }[]).map(
        (row) => [row.id, row],
      ),
    )
    const conversations = workspace.conversations.map((c, rank): SeededConversation => {
      const row = lastSeqs.get(c.id)
      if (row === undefined) throw new Error(`conversation ${c.id} was not seeded`)
      return { id: c.id, rank, lastSeq: row.lastSeq, readSeq: row.lastSeq - unreadOf(rank, row.lastSeq), lastActivityAt: row.lastActivityAt }
    })
    const marker = db.prepare('UPDATE members SET read_seq = ?, delivered_seq = ? WHERE conversation_id = ? AND user_id = ?')
    db.transaction(() => {
      db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').run(hash, me)
      for (const c of conversations) marker.run(c.readSeq, c.lastSeq, c.id, me)
    })()
    return { name, messages, me: { id: me, username: me }, conversations, seedMs, indexMs }
  } finally {
    db.close()
  }
}

/**
 * The workspace's store file in `dataDir` (created): copied from the seed
 * cache when it holds it, else seeded (and then kept there).
 */
export async function prepareWorkspace(
  dataDir: string,
  name: SeededWorkspace['name'],
  messages: number,
  options: HistoryBenchOptions,
  progress: (line: string) => void,
): Promise<SeededWorkspace> {
  mkdirSync(dataDir, { recursive: true })
  if (options.seedCache === '') {
    progress(`${name}: seeding ${messages.toLocaleString('en-US')} messages…`)
    return { ...(await seedInto(dataDir, name, messages, options)), cached: false }
  }
  const key = `v${VERSION}-${messages}m-${options.conversations}c-${options.users}u-seed${options.seed}-${codeKey()}`
  const entry = join(options.seedCache, key)
  const info = join(entry, 'workspace.json')
  const cached = existsSync(info)
  if (!cached) {
    progress(`${name}: seeding ${messages.toLocaleString('en-US')} messages into ${entry}…`)
    const scratch = `${entry}.${process.pid}.tmp`
    rmSync(scratch, { recursive: true, force: true })
    const seeded = await seedInto(scratch, name, messages, options)
    writeFileSync(join(scratch, 'workspace.json'), JSON.stringify(seeded))
    try {
      renameSync(scratch, entry)
    } catch {
      // Another run seeded the same workspace meanwhile: use its copy.
      rmSync(scratch, { recursive: true, force: true })
    }
  } else {
    progress(`${name}: ${messages.toLocaleString('en-US')} messages from the seed cache (${entry})`)
  }
  copyFileSync(join(entry, SQLITE_FILE), join(dataDir, SQLITE_FILE))
  const seeded = JSON.parse(readFileSync(info, 'utf8')) as Omit<SeededWorkspace, 'cached'>
  return { ...seeded, name, cached }
}
