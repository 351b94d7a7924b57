/**
 * Encrypted blobs (pictures encrypted by the client; the key travels inside the MLS message,
 * never here). Each blob is the file `<data-dir>/blobs/<blobId>` (folder 0700, files 0600)
 * plus a row in `blobs` with its owner, announced size, bytes received so far and whether it
 * is complete. Uploads are written in order, each chunk at its offset, so a chunk repeated
 * after a crash between the file write and the row update simply overwrites the same bytes.
 *
 * All file access is synchronous, like SQLite: a request is handled to its end before the next.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, mkdirSync, openSync, readSync, readdirSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Database, Statement } from 'better-sqlite3';
import { ErrorCode, LIMITS, ProtocolError } from '@lemon/protocol';

export const BLOB_DIR = 'blobs';

/** File names the store owns: a blob id. Anything else in the folder is left alone. */
const BLOB_FILE = /^[0-9a-f]{32}$/;

export interface BlobStatus {
  size: number;
  received: number;
  complete: boolean;
}

export interface BlobInfo extends BlobStatus {
  id: string;
  owner: string;
  createdAt: number;
}

export interface BlobOptions {
  /** Most unfinished uploads one user may have at a time. */
  maxUnfinishedPerUser?: number;
  /** Largest chunk accepted by append(). */
  chunkBytes?: number;
  now?: () => number;
}

export interface BlobSweepLimits {
  /** Blobs (complete or not) older than this are deleted. */
  retentionMs: number;
  /** Unfinished uploads older than this are deleted. */
  uploadTimeoutMs: number;
}

export interface BlobSweepResult {
  /** Rows (and their files) deleted for age. */
  expired: number;
  /** Rows whose file was missing. */
  missingFiles: number;
  /** Files without a row. */
  orphanFiles: number;
}

interface Row {
  id: string;
  owner: string;
  size: number;
  received: number;
  complete: number;
  created_at: number;
}

const errno = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | null)?.code;

const noSuchBlob = () => new ProtocolError(ErrorCode.NO_SUCH_BLOB);

export class BlobRepository {
  readonly dir: string;
  readonly maxUnfinishedPerUser: number;
  readonly chunkBytes: number;
  private readonly now: () => number;
  private readonly byId: Statement<[string], Row>;
  private readonly unfinishedOf: Statement<[string], { n: number }>;
  private readonly insert: Statement<[string, string, number, number, number]>;
  private readonly advance: Statement<[number, number, string, number]>;
  private readonly expiredRows: Statement<[number, number], { id: string }>;
  private readonly allIds: Statement<[], { id: string }>;
  private readonly deleteRow: Statement<[string]>;

  constructor(
    private readonly db: Database,
    dataDir: string,
    options: BlobOptions = {},
  ) {
    this.dir = join(dataDir, BLOB_DIR);
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    try {
      chmodSync(this.dir, 0o700);
    } catch {
      // Not ours to change; the files themselves are still 0600.
    }
    this.maxUnfinishedPerUser = options.maxUnfinishedPerUser ?? 4;
    this.chunkBytes = options.chunkBytes ?? LIMITS.blobChunkBytes;
    this.now = options.now ?? Date.now;
    this.byId = db.prepare('SELECT * FROM blobs WHERE id = ?');
    this.unfinishedOf = db.prepare('SELECT count(*) AS n FROM blobs WHERE owner = ? AND complete = 0');
    this.insert = db.prepare('INSERT INTO blobs (id, owner, size, received, complete, created_at) VALUES (?, ?, ?, 0, ?, ?)');
    this.advance = db.prepare('UPDATE blobs SET received = ?, complete = ? WHERE id = ? AND received = ?');
    this.expiredRows = db.prepare('SELECT id FROM blobs WHERE created_at < ? OR (complete = 0 AND created_at < ?)');
    this.allIds = db.prepare('SELECT id FROM blobs');
    this.deleteRow = db.prepare('DELETE FROM blobs WHERE id = ?');
  }

  pathOf(id: string): string {
    if (!BLOB_FILE.test(id)) throw new Error('not a blob id');
    return join(this.dir, id);
  }

  get(id: string): BlobInfo | null {
    const row = this.byId.get(id);
    return row
      ? { id: row.id, owner: row.owner, size: row.size, received: row.received, complete: row.complete === 1, createdAt: row.created_at }
      : null;
  }

  /**
   * Starts an upload of `size` bytes for `owner`: an empty file (0600) and its row. Throws
   * RATE_LIMITED if the owner already has as many unfinished uploads as allowed. The caller
   * checks `size` against the server's limit.
   */
  begin(owner: string, size: number): string {
    return this.db
      .transaction((): string => {
        const unfinished = this.unfinishedOf.get(owner)?.n ?? 0;
        if (unfinished >= this.maxUnfinishedPerUser) {
          throw new ProtocolError(
            ErrorCode.RATE_LIMITED,
            `you already have ${unfinished} unfinished uploads (at most ${this.maxUnfinishedPerUser}); finish them or wait until they expire`,
          );
        }
        const id = randomBytes(16).toString('hex');
        // The file first: a crash after it leaves a file without a row, which the sweep removes.
        closeSync(openSync(this.pathOf(id), 'wx', 0o600));
        try {
          this.insert.run(id, owner, size, size === 0 ? 1 : 0, this.now());
        } catch (error) {
          this.removeFile(id);
          throw error;
        }
        return id;
      })
      .immediate();
  }

  /** Owner-only status; NO_SUCH_BLOB for anyone else (existence is not revealed). */
  status(owner: string, id: string): BlobStatus {
    const row = this.byId.get(id);
    if (!row || row.owner !== owner) throw noSuchBlob();
    return { size: row.size, received: row.received, complete: row.complete === 1 };
  }

  /**
   * Writes `bytes` at `offset` of an upload of `owner`'s. The offset must be exactly what
   * was received so far (BLOB_OFFSET otherwise, naming the count) and the chunk must fit the
   * announced size (INVALID_PAYLOAD). Returns the new count and whether the blob is complete.
   */
  append(owner: string, id: string, offset: number, bytes: Uint8Array): BlobStatus {
    const row = this.byId.get(id);
    if (!row || row.owner !== owner) throw noSuchBlob();
    if (row.complete === 1) throw new ProtocolError(ErrorCode.BLOB_OFFSET, `the upload is complete (${row.received} of ${row.size} bytes)`);
    if (offset !== row.received) {
      throw new ProtocolError(ErrorCode.BLOB_OFFSET, `the server holds ${row.received} bytes of this upload; continue at offset ${row.received}`);
    }
    if (bytes.length > this.chunkBytes) throw ProtocolError.invalidPayload(`a chunk may hold at most ${this.chunkBytes} bytes`);
    if (row.received + bytes.length > row.size) {
      throw ProtocolError.invalidPayload(`the chunk runs past the announced size (${row.received} + ${bytes.length} > ${row.size})`);
    }
    let fd: number;
    try {
      fd = openSync(this.pathOf(id), 'r+');
    } catch (error) {
      if (errno(error) === 'ENOENT') throw noSuchBlob();
      throw error;
    }
    try {
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written, offset + written);
    } finally {
      closeSync(fd);
    }
    const received = row.received + bytes.length;
    const complete = received === row.size;
    if (this.advance.run(received, complete ? 1 : 0, id, row.received).changes !== 1) throw noSuchBlob();
    return { size: row.size, received, complete };
  }

  /**
   * Up to `length` bytes of a complete blob from `offset` (which must lie inside it). Anyone
   * may read; an unfinished or unknown blob is NO_SUCH_BLOB.
   */
  read(id: string, offset: number, length: number): { size: number; bytes: Uint8Array } {
    const row = this.byId.get(id);
    if (!row || row.complete !== 1) throw noSuchBlob();
    if (offset >= row.size && !(offset === 0 && row.size === 0)) {
      throw ProtocolError.invalidPayload(`offset ${offset} is not inside the blob (${row.size} bytes)`);
    }
    const want = Math.max(0, Math.min(length, row.size - offset));
    const out = new Uint8Array(want);
    let fd: number;
    try {
      fd = openSync(this.pathOf(id), 'r');
    } catch (error) {
      if (errno(error) === 'ENOENT') throw noSuchBlob();
      throw error;
    }
    let got = 0;
    try {
      while (got < want) {
        const n = readSync(fd, out, got, want - got, offset + got);
        if (n === 0) break; // shorter than recorded (damaged): hand out what is there
        got += n;
      }
    } finally {
      closeSync(fd);
    }
    return { size: row.size, bytes: got === want ? out : out.subarray(0, got) };
  }

  /** Deletes one blob (row and file). */
  delete(id: string): void {
    this.deleteRow.run(id);
    this.removeFile(id);
  }

  /**
   * Deletes blobs older than the retention, unfinished uploads older than the upload
   * timeout, rows whose file is gone and files without a row (a crash between the two).
   */
  sweep(limits: BlobSweepLimits): BlobSweepResult {
    const t = this.now();
    const result: BlobSweepResult = { expired: 0, missingFiles: 0, orphanFiles: 0 };
    for (const { id } of this.expiredRows.all(t - limits.retentionMs, t - limits.uploadTimeoutMs)) {
      this.delete(id);
      result.expired += 1;
    }
    const files = new Set(readdirSync(this.dir).filter((name) => BLOB_FILE.test(name)));
    for (const { id } of this.allIds.all()) {
      if (files.delete(id)) continue;
      this.deleteRow.run(id);
      result.missingFiles += 1;
    }
    for (const name of files) {
      this.removeFile(name);
      result.orphanFiles += 1;
    }
    return result;
  }

  private removeFile(id: string): void {
    try {
      unlinkSync(this.pathOf(id));
    } catch (error) {
      if (errno(error) !== 'ENOENT') throw error;
    }
  }
}
