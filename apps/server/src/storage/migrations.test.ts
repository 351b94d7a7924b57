import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DATABASE_FILE, openDatabase, openStorage } from './db';
import { DEFAULT_CHANNEL_SETTING, MIGRATIONS, MigrationError, migrate, schemaVersion, type Migration } from './migrations';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lemon-db-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('a fresh database', () => {
  it('is migrated to the latest version, in WAL mode with foreign keys, and holds the Lobby', () => {
    const storage = openStorage(join(dir, 'data'), { maxChannels: 10 });
    try {
      expect(storage.migrated).toEqual({ from: 0, to: MIGRATIONS.length });
      expect(schemaVersion(storage.db)).toBe(MIGRATIONS.length);
      expect(storage.db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(storage.db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(storage.path).toBe(join(dir, 'data', DATABASE_FILE));
      const lobby = storage.channels.get(storage.channels.defaultChannelId);
      expect(lobby).toMatchObject({ name: 'Lobby', parentId: null, position: 0, createdBy: null });
      expect(storage.settings.get(DEFAULT_CHANNEL_SETTING)).toBe(String(lobby?.id));
      expect(storage.channels.list()).toHaveLength(1);
    } finally {
      storage.close();
    }
    expect(statSync(join(dir, 'data')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'data', DATABASE_FILE)).mode & 0o077).toBe(0);
  });

  it('is not migrated again on the next open, and keeps its data', () => {
    const first = openStorage(dir, { maxChannels: 10 });
    const creator = 'c'.repeat(32);
    first.users.loginOrCreate(creator, new Uint8Array(32).fill(7), 'Creator');
    const created = first.channels.create({ parentId: null, name: 'Music', createdBy: creator });
    first.close();
    const second = openStorage(dir, { maxChannels: 10 });
    try {
      expect(second.migrated).toEqual({ from: MIGRATIONS.length, to: MIGRATIONS.length });
      expect(second.channels.list().map((c) => c.name)).toEqual(['Lobby', 'Music']);
      expect(second.channels.get(created.id)?.name).toBe('Music');
      // Exactly one Lobby: the first migration did not run twice.
      expect(second.channels.list().filter((c) => c.name === 'Lobby')).toHaveLength(1);
    } finally {
      second.close();
    }
  });
});

describe('migrate()', () => {
  it('applies pending migrations in order, each with its user_version', () => {
    const db = openDatabase(dir);
    const seen: number[] = [];
    const steps: Migration[] = [1, 2, 3].map((version) => ({
      version,
      description: `step ${version}`,
      up(d) {
        seen.push(schemaVersion(d));
        d.exec(`CREATE TABLE t${version} (x INTEGER) STRICT`);
      },
    }));
    try {
      expect(migrate(db, steps.slice(0, 2))).toEqual({ from: 0, to: 2 });
      expect(migrate(db, steps)).toEqual({ from: 2, to: 3 });
      expect(seen).toEqual([0, 1, 2]);
      expect(schemaVersion(db)).toBe(3);
    } finally {
      db.close();
    }
  });

  it('rolls a failing migration back completely, leaving the previous version', () => {
    const db = openDatabase(dir);
    const steps: Migration[] = [
      { version: 1, description: 'ok', up: (d) => d.exec('CREATE TABLE a (x INTEGER)') },
      {
        version: 2,
        description: 'fails halfway',
        up(d) {
          d.exec('CREATE TABLE b (x INTEGER)');
          throw new Error('boom');
        },
      },
    ];
    try {
      expect(() => migrate(db, steps)).toThrow('boom');
      expect(schemaVersion(db)).toBe(1);
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
      expect(tables.map((t) => t.name)).toEqual(['a']);
    } finally {
      db.close();
    }
  });

  it('lets only one of two connections apply a migration: the other waits, then sees the new version', () => {
    const first = openDatabase(dir);
    const second = openDatabase(dir);
    second.pragma('busy_timeout = 50');
    let applied = 0;
    const outcomes: string[] = [];
    const steps: Migration[] = [
      {
        version: 1,
        description: 'counted',
        up(d) {
          applied += 1;
          d.exec('CREATE TABLE once (x INTEGER) STRICT');
          // While the first connection is inside its migration, the second one starts too:
          // it must not even begin migration 1 (it would read version 0 without the lock).
          if (applied === 1) {
            try {
              migrate(second, steps);
              outcomes.push('migrated');
            } catch (error) {
              outcomes.push((error as { code?: string }).code ?? String(error));
            }
          }
        },
      },
    ];
    try {
      expect(migrate(first, steps)).toEqual({ from: 0, to: 1 });
      expect(outcomes).toEqual(['SQLITE_BUSY']);
      expect(applied).toBe(1);
      expect(migrate(second, steps)).toEqual({ from: 1, to: 1 });
      expect(applied).toBe(1);
    } finally {
      first.close();
      second.close();
    }
  });

  it('refuses a database written by a newer server', () => {
    const db = openDatabase(dir);
    try {
      db.pragma('user_version = 99');
      expect(() => migrate(db)).toThrow(MigrationError);
      expect(() => migrate(db)).toThrow(/newer/);
    } finally {
      db.close();
    }
  });

  it('refuses a migration list with gaps', () => {
    const db = openDatabase(dir);
    try {
      expect(() => migrate(db, [{ version: 2, description: 'gap', up: () => undefined }])).toThrow(MigrationError);
    } finally {
      db.close();
    }
  });
});

describe('migration 3 (dm_queue, blobs)', () => {
  it('upgrades a version-2 database in place, keeping its users, and enforces the new tables\' constraints', () => {
    const db = openDatabase(dir);
    try {
      migrate(db, MIGRATIONS.slice(0, 2));
      db.prepare('INSERT INTO users (id, public_key, display_name, name_key, first_seen, last_seen) VALUES (?, ?, ?, ?, 1, 1)').run(
        'u'.repeat(32),
        Buffer.alloc(32, 1),
        'Old',
        'old',
      );
      expect(migrate(db)).toEqual({ from: 2, to: MIGRATIONS.length });
      expect(MIGRATIONS[2]?.version).toBe(3);
      const user = 'u'.repeat(32);
      const insertDm = db.prepare(
        'INSERT INTO dm_queue (recipient, sender, sender_key, group_id, kind, payload, size, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1)',
      );
      insertDm.run(user, user, Buffer.alloc(32), 'g', 'message', Buffer.alloc(3), 3);
      expect(() => insertDm.run(user, user, Buffer.alloc(32), 'g', 'other', Buffer.alloc(3), 3)).toThrow(/CHECK/);
      expect(() => insertDm.run(user, user, Buffer.alloc(32), 'g', 'message', Buffer.alloc(3), 4)).toThrow(/CHECK/);
      expect(() => insertDm.run('x'.repeat(32), user, Buffer.alloc(32), 'g', 'message', Buffer.alloc(3), 3)).toThrow(/FOREIGN KEY/);
      const insertBlob = db.prepare('INSERT INTO blobs (id, owner, size, received, complete, created_at) VALUES (?, ?, ?, ?, 0, 1)');
      insertBlob.run('f'.repeat(32), user, 10, 0);
      expect(() => insertBlob.run('e'.repeat(32), user, 10, 11)).toThrow(/CHECK/);
      db.prepare('DELETE FROM users WHERE id = ?').run(user);
      expect(db.prepare('SELECT (SELECT count(*) FROM dm_queue) + (SELECT count(*) FROM blobs) AS n').get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });
});
