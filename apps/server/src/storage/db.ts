/**
 * Opens `<data-dir>/lemon.sqlite` (creating the folder, mode 0700), in WAL mode with
 * foreign keys on, applies pending migrations and hands out the repositories.
 */
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { BlobRepository, type BlobSweepResult } from './blobs';
import { ChannelRepository } from './channels';
import { DmQueueRepository } from './dm-queue';
import { KeyPackageRepository } from './key-packages';
import { migrate } from './migrations';
import { SettingsRepository } from './settings';
import { UserRepository } from './users';

export const DATABASE_FILE = 'lemon.sqlite';

export interface StorageOptions {
  maxChannels: number;
  /** Wall clock for first/last seen and created_at; Date.now unless a test pins it. */
  now?: () => number;
}

export interface Storage {
  readonly db: Database;
  readonly path: string;
  readonly users: UserRepository;
  readonly channels: ChannelRepository;
  readonly settings: SettingsRepository;
  readonly keyPackages: KeyPackageRepository;
  readonly dmQueue: DmQueueRepository;
  /** Encrypted blob files in `<data-dir>/blobs` and their rows. */
  readonly blobs: BlobRepository;
  /** Schema versions before and after the migrations of this start. */
  readonly migrated: { from: number; to: number };
  readonly isOpen: boolean;
  /** Deletes expired DMs and blobs (see RetentionLimits); returns what it removed. */
  sweep(limits: RetentionLimits): SweepResult;
  close(): void;
}

export interface RetentionLimits {
  dmRetentionMs: number;
  blobRetentionMs: number;
  blobUploadTimeoutMs: number;
}

export interface SweepResult {
  dms: number;
  blobs: BlobSweepResult;
}

export function openDatabase(dataDir: string): Database {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, DATABASE_FILE);
  const db = new BetterSqlite3(path);
  try {
    // Public keys and names are metadata, not secrets, but nobody else on the machine needs them.
    chmodSync(path, 0o600);
  } catch {
    // Not ours to change (another owner); SQLite still works.
  }
  try {
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new Error(`could not switch the database to WAL mode (got ${String(mode)})`);
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

export function openStorage(dataDir: string, options: StorageOptions): Storage {
  const db = openDatabase(dataDir);
  try {
    const now = options.now ?? Date.now;
    const migrated = migrate(db, undefined, now);
    const users = new UserRepository(db, now);
    const channels = new ChannelRepository(db, { maxChannels: options.maxChannels, now });
    const settings = new SettingsRepository(db);
    const keyPackages = new KeyPackageRepository(db, { now });
    const dmQueue = new DmQueueRepository(db, { now });
    const blobs = new BlobRepository(db, dataDir, { now });
    return {
      db,
      path: db.name,
      users,
      channels,
      settings,
      keyPackages,
      dmQueue,
      blobs,
      migrated,
      get isOpen() {
        return db.open;
      },
      sweep(limits) {
        return {
          dms: dmQueue.sweep(limits.dmRetentionMs),
          blobs: blobs.sweep({ retentionMs: limits.blobRetentionMs, uploadTimeoutMs: limits.blobUploadTimeoutMs }),
        };
      },
      close() {
        if (db.open) db.close();
      },
    };
  } catch (error) {
    db.close();
    throw error;
  }
}
