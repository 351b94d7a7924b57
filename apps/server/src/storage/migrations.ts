/**
 * Versioned schema migrations. The database's `PRAGMA user_version` holds the number of
 * the last migration applied; each pending migration runs in its own transaction together
 * with the bump of user_version, so a failure leaves the database at the previous version.
 * Migrations are append-only: never edit one that has shipped, add the next number.
 */
import type { Database } from 'better-sqlite3';

export interface Migration {
  version: number;
  description: string;
  up(db: Database, now: number): void;
}

/** The key under which the default channel's id is kept in `settings`. */
export const DEFAULT_CHANNEL_SETTING = 'default_channel_id';

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'users, channel tree with the default Lobby, settings',
    up(db, now) {
      db.exec(`
        CREATE TABLE users (
          id           TEXT PRIMARY KEY CHECK (length(id) = 32),
          public_key   BLOB NOT NULL UNIQUE CHECK (length(public_key) = 32),
          display_name TEXT NOT NULL,
          name_key     TEXT NOT NULL UNIQUE,
          first_seen   INTEGER NOT NULL,
          last_seen    INTEGER NOT NULL
        ) STRICT;

        CREATE TABLE channels (
          id          INTEGER PRIMARY KEY AUTOINCREMENT,
          parent_id   INTEGER REFERENCES channels(id) ON DELETE CASCADE,
          position    INTEGER NOT NULL CHECK (position >= 0),
          name        TEXT NOT NULL,
          name_key    TEXT NOT NULL,
          description TEXT NOT NULL DEFAULT '',
          created_by  TEXT REFERENCES users(id) ON DELETE SET NULL,
          created_at  INTEGER NOT NULL
        ) STRICT;
        CREATE UNIQUE INDEX channels_sibling_name ON channels (coalesce(parent_id, 0), name_key);
        CREATE INDEX channels_parent ON channels (parent_id);

        CREATE TABLE settings (
          key   TEXT PRIMARY KEY,
          value TEXT NOT NULL
        ) STRICT;
      `);
      const lobby = db
        .prepare(
          `INSERT INTO channels (parent_id, position, name, name_key, description, created_by, created_at)
           VALUES (NULL, 0, 'Lobby', 'lobby', '', NULL, ?)`,
        )
        .run(now);
      db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)').run(DEFAULT_CHANNEL_SETTING, String(lobby.lastInsertRowid));
    },
  },
  {
    version: 2,
    description: 'key_packages: one-time MLS key packages (handed out once) and one last-resort package per user',
    up(db) {
      db.exec(`
        CREATE TABLE key_packages (
          id          INTEGER PRIMARY KEY AUTOINCREMENT,
          user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          bytes       BLOB NOT NULL,
          last_resort INTEGER NOT NULL CHECK (last_resort IN (0, 1)),
          created_at  INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX key_packages_owner ON key_packages (user_id, last_resort, id);
        CREATE UNIQUE INDEX key_packages_one_last_resort ON key_packages (user_id) WHERE last_resort = 1;
      `);
    },
  },
  {
    version: 3,
    description: 'dm_queue: undelivered DM ciphertext per recipient; blobs: metadata of encrypted blob files',
    up(db) {
      db.exec(`
        CREATE TABLE dm_queue (
          id         INTEGER PRIMARY KEY AUTOINCREMENT,
          recipient  TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          sender     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          sender_key BLOB NOT NULL CHECK (length(sender_key) = 32),
          group_id   TEXT NOT NULL,
          kind       TEXT NOT NULL CHECK (kind IN ('welcome', 'message')),
          payload    BLOB NOT NULL,
          size       INTEGER NOT NULL CHECK (size = length(payload)),
          sent_at    INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX dm_queue_recipient ON dm_queue (recipient, id);
        CREATE INDEX dm_queue_sent_at ON dm_queue (sent_at);

        CREATE TABLE blobs (
          id         TEXT PRIMARY KEY CHECK (length(id) = 32),
          owner      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          size       INTEGER NOT NULL CHECK (size >= 0),
          received   INTEGER NOT NULL DEFAULT 0 CHECK (received >= 0 AND received <= size),
          complete   INTEGER NOT NULL DEFAULT 0 CHECK (complete IN (0, 1)),
          created_at INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX blobs_unfinished_owner ON blobs (owner) WHERE complete = 0;
        CREATE INDEX blobs_created_at ON blobs (created_at);
      `);
    },
  },
  {
    version: 4,
    // Literal numbers on purpose: a shipped migration must not change when LIMITS does.
    description: 'channels: voice on/off and Opus bitrate per channel',
    up(db) {
      db.exec(`
        ALTER TABLE channels ADD COLUMN voice INTEGER NOT NULL DEFAULT 1 CHECK (voice IN (0, 1));
        ALTER TABLE channels ADD COLUMN bitrate INTEGER NOT NULL DEFAULT 48000 CHECK (bitrate BETWEEN 16000 AND 128000);
      `);
    },
  },
];

export class MigrationError extends Error {
  override name = 'MigrationError';
}

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Applies every pending migration; returns the versions before and after. The version is
 * read inside each migration's IMMEDIATE transaction (which takes the write lock before
 * reading), so two processes opening the same new database cannot both apply a migration:
 * the second waits for the first (busy_timeout) and then sees its version.
 */
export function migrate(
  db: Database,
  migrations: readonly Migration[] = MIGRATIONS,
  now: () => number = Date.now,
): { from: number; to: number } {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new MigrationError(`migration #${i} has version ${m.version}, expected ${i + 1}`);
  });
  const latest = migrations.length;
  /** Applies the next pending migration, if any; returns the version it found. */
  const step = db.transaction((): number => {
    const current = schemaVersion(db);
    if (current > latest) {
      throw new MigrationError(
        `the database is at schema version ${current}, newer than this server knows (${latest}); run a newer server`,
      );
    }
    const migration = migrations[current];
    if (migration) {
      migration.up(db, now());
      // PRAGMA cannot take bound parameters; the version is an integer we control.
      db.pragma(`user_version = ${migration.version}`);
    }
    return current;
  });
  // Each call finds the version, applies at most one migration and commits.
  const from = step.immediate();
  let found = from;
  while (found < latest) found = step.immediate();
  return { from, to: latest };
}
