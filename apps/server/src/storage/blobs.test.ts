import { failure } from './test-helpers';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, LIMITS } from '@lemon/protocol';
import { BLOB_DIR, BlobRepository } from './blobs';
import { openStorage, type Storage } from './db';

const ALICE = 'a'.repeat(32);
const BOB = 'b'.repeat(32);
const HOUR = 3_600_000;

let dir: string;
let storage: Storage;
let clock: number;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lemon-blobs-'));
  clock = 10 * HOUR;
  storage = openStorage(dir, { maxChannels: 10, now: () => clock });
  storage.users.loginOrCreate(ALICE, new Uint8Array(32).fill(1), 'Alice');
  storage.users.loginOrCreate(BOB, new Uint8Array(32).fill(2), 'Bob');
});
afterEach(() => {
  storage.close();
  rmSync(dir, { recursive: true, force: true });
});


const bytes = (n: number) => new Uint8Array(randomBytes(n));

describe('BlobRepository', () => {
  it('creates a private folder and 0600 files, appends in order and reads back byte-exact', () => {
    const blobs = storage.blobs;
    expect(blobs.dir).toBe(join(dir, BLOB_DIR));
    expect(statSync(blobs.dir).mode & 0o777).toBe(0o700);
    const data = bytes(1000);
    const id = blobs.begin(ALICE, data.length);
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(statSync(blobs.pathOf(id)).mode & 0o777).toBe(0o600);
    expect(blobs.status(ALICE, id)).toEqual({ size: 1000, received: 0, complete: false });
    expect(blobs.append(ALICE, id, 0, data.subarray(0, 400))).toEqual({ size: 1000, received: 400, complete: false });
    expect(blobs.append(ALICE, id, 400, data.subarray(400))).toEqual({ size: 1000, received: 1000, complete: true });
    expect(new Uint8Array(readFileSync(blobs.pathOf(id)))).toEqual(data);
    expect(blobs.read(id, 0, 1000)).toEqual({ size: 1000, bytes: data });
    expect(blobs.read(id, 990, 500)).toEqual({ size: 1000, bytes: data.subarray(990) });
    expect(blobs.read(id, 100, 1)).toEqual({ size: 1000, bytes: data.subarray(100, 101) });
    expect(blobs.get(id)).toMatchObject({ owner: ALICE, size: 1000, received: 1000, complete: true, createdAt: clock });
  });

  it('answers NO_SUCH_BLOB to everybody but the owner while uploading, and to readers until complete', () => {
    const blobs = storage.blobs;
    const id = blobs.begin(ALICE, 10);
    expect(failure(() => blobs.status(BOB, id)).code).toBe(ErrorCode.NO_SUCH_BLOB);
    expect(failure(() => blobs.append(BOB, id, 0, bytes(5))).code).toBe(ErrorCode.NO_SUCH_BLOB);
    expect(failure(() => blobs.read(id, 0, 10)).code).toBe(ErrorCode.NO_SUCH_BLOB);
    expect(failure(() => blobs.status(ALICE, 'f'.repeat(32))).code).toBe(ErrorCode.NO_SUCH_BLOB);
    expect(failure(() => blobs.read('f'.repeat(32), 0, 10)).code).toBe(ErrorCode.NO_SUCH_BLOB);
    blobs.append(ALICE, id, 0, bytes(10));
    expect(blobs.read(id, 0, 10).bytes).toHaveLength(10);
    // Status stays owner-only once complete, too.
    expect(failure(() => blobs.status(BOB, id)).code).toBe(ErrorCode.NO_SUCH_BLOB);
  });

  it('refuses chunks at the wrong offset with BLOB_OFFSET naming the count, and chunks past the size', () => {
    const blobs = storage.blobs;
    const id = blobs.begin(ALICE, 100);
    blobs.append(ALICE, id, 0, bytes(30));
    const ahead = failure(() => blobs.append(ALICE, id, 60, bytes(10)));
    expect(ahead.code).toBe(ErrorCode.BLOB_OFFSET);
    expect(ahead.message).toContain('30');
    expect(failure(() => blobs.append(ALICE, id, 0, bytes(10))).code).toBe(ErrorCode.BLOB_OFFSET);
    expect(failure(() => blobs.append(ALICE, id, 30, bytes(71))).code).toBe(ErrorCode.INVALID_PAYLOAD);
    expect(blobs.status(ALICE, id)).toEqual({ size: 100, received: 30, complete: false });
    expect(blobs.append(ALICE, id, 30, bytes(70)).complete).toBe(true);
    expect(failure(() => blobs.append(ALICE, id, 100, bytes(1))).code).toBe(ErrorCode.BLOB_OFFSET);
    expect(failure(() => blobs.read(id, 100, 1)).code).toBe(ErrorCode.INVALID_PAYLOAD);
  });

  it('refuses chunks larger than the chunk size', () => {
    const blobs = new BlobRepository(storage.db, dir, { chunkBytes: 8 });
    const id = blobs.begin(ALICE, 100);
    expect(failure(() => blobs.append(ALICE, id, 0, bytes(9))).code).toBe(ErrorCode.INVALID_PAYLOAD);
    expect(blobs.append(ALICE, id, 0, bytes(8)).received).toBe(8);
    expect(storage.blobs.chunkBytes).toBe(LIMITS.blobChunkBytes);
  });

  it('allows at most four unfinished uploads per user (RATE_LIMITED), counting only unfinished ones', () => {
    const blobs = storage.blobs;
    const ids = [1, 2, 3, 4].map(() => blobs.begin(ALICE, 5));
    const limited = failure(() => blobs.begin(ALICE, 5));
    expect(limited.code).toBe(ErrorCode.RATE_LIMITED);
    expect(limited.message).toContain('unfinished uploads');
    expect(blobs.begin(BOB, 5)).toMatch(/^[0-9a-f]{32}$/);
    blobs.append(ALICE, ids[0]!, 0, bytes(5));
    expect(blobs.begin(ALICE, 5)).toMatch(/^[0-9a-f]{32}$/);
    expect(failure(() => blobs.begin(ALICE, 5)).code).toBe(ErrorCode.RATE_LIMITED);
  });

  it('resumes after a reopen where the upload stood', () => {
    const data = bytes(64);
    const id = storage.blobs.begin(ALICE, 64);
    storage.blobs.append(ALICE, id, 0, data.subarray(0, 20));
    storage.close();
    storage = openStorage(dir, { maxChannels: 10, now: () => clock });
    expect(storage.blobs.status(ALICE, id)).toEqual({ size: 64, received: 20, complete: false });
    storage.blobs.append(ALICE, id, 20, data.subarray(20));
    expect(storage.blobs.read(id, 0, 64).bytes).toEqual(data);
  });

  it('sweeps old blobs, stale uploads, rows without files and files without rows, by the injected clock', () => {
    const blobs = storage.blobs;
    const limits = { retentionMs: 48 * HOUR, uploadTimeoutMs: 2 * HOUR };
    const old = blobs.begin(ALICE, 1);
    blobs.append(ALICE, old, 0, bytes(1));
    clock += 47 * HOUR;
    const staleUpload = blobs.begin(ALICE, 10);
    const young = blobs.begin(BOB, 1);
    blobs.append(BOB, young, 0, bytes(1));
    const lostFile = blobs.begin(BOB, 1);
    blobs.append(BOB, lostFile, 0, bytes(1));
    unlinkSync(blobs.pathOf(lostFile));
    const orphan = 'e'.repeat(32);
    writeFileSync(join(blobs.dir, orphan), 'left by a crash');
    writeFileSync(join(blobs.dir, 'README'), 'not ours');
    expect(blobs.sweep(limits)).toEqual({ expired: 0, missingFiles: 1, orphanFiles: 1 });
    expect(blobs.get(lostFile)).toBeNull();
    expect(existsSync(join(blobs.dir, orphan))).toBe(false);
    expect(existsSync(join(blobs.dir, 'README'))).toBe(true);

    clock += 2 * HOUR + 1; // `old` is now 49 h old, `staleUpload` 2 h + 1 ms
    expect(blobs.sweep(limits)).toEqual({ expired: 2, missingFiles: 0, orphanFiles: 0 });
    for (const id of [old, staleUpload]) {
      expect(blobs.get(id)).toBeNull();
      expect(existsSync(blobs.pathOf(id))).toBe(false);
    }
    expect(blobs.read(young, 0, 1).bytes).toHaveLength(1);
    expect(blobs.sweep(limits)).toEqual({ expired: 0, missingFiles: 0, orphanFiles: 0 });
  });

  it('answers NO_SUCH_BLOB when a complete blob\'s file vanished under it', () => {
    const id = storage.blobs.begin(ALICE, 3);
    storage.blobs.append(ALICE, id, 0, bytes(3));
    unlinkSync(storage.blobs.pathOf(id));
    expect(failure(() => storage.blobs.read(id, 0, 3)).code).toBe(ErrorCode.NO_SUCH_BLOB);
  });

  it('sweeps DMs and blobs together through Storage.sweep', () => {
    storage.dmQueue.enqueue({ recipient: BOB, sender: ALICE, senderKey: new Uint8Array(32).fill(1), groupId: 'g'.repeat(22), kind: 'message', payload: bytes(3) });
    storage.blobs.begin(ALICE, 3);
    clock += 3 * HOUR;
    expect(storage.sweep({ dmRetentionMs: HOUR, blobRetentionMs: 10 * HOUR, blobUploadTimeoutMs: HOUR })).toEqual({
      dms: 1,
      blobs: { expired: 1, missingFiles: 0, orphanFiles: 0 },
    });
  });
});
