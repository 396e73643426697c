/**
 * Per-account settings, kept in the cache: key → JSON value (the `settings`
 * table). Not the app's settings (settings.json, src/main/core/settings).
 */
import type { Database, Statement } from 'better-sqlite3'

export class AccountSettingsTable {
  private readonly read: Statement<[string], string>
  private readonly write: Statement<[string, string]>
  private readonly remove: Statement<[string]>

  constructor(db: Database) {
    this.read = db.prepare<[string], string>('SELECT value FROM settings WHERE key = ?').pluck()
    this.write = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
    this.remove = db.prepare('DELETE FROM settings WHERE key = ?')
  }

  /** The stored value, or undefined when the key was never set. */
  getSetting(key: string): unknown {
    const json = this.read.get(key)
    return json === undefined ? undefined : (JSON.parse(json) as unknown)
  }

  /** Store a JSON-serializable value; undefined removes the key. */
  setSetting(key: string, value: unknown): void {
    const json = JSON.stringify(value) as string | undefined
    if (json === undefined) this.remove.run(key)
    else this.write.run(key, json)
  }
}
