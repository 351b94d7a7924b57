import type { Database, Statement } from 'better-sqlite3';

/** Server-wide key/value settings that must survive restarts. */
export class SettingsRepository {
  private readonly selectOne: Statement<[string], { value: string }>;
  private readonly upsert: Statement<[string, string]>;

  constructor(db: Database) {
    this.selectOne = db.prepare('SELECT value FROM settings WHERE key = ?');
    this.upsert = db.prepare(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
  }

  get(key: string): string | null {
    return this.selectOne.get(key)?.value ?? null;
  }

  set(key: string, value: string): void {
    this.upsert.run(key, value);
  }
}
