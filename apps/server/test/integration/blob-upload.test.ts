import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LIMITS } from '@lemon/protocol';
import { DEFAULT_LIMITS } from '../../src/config';
import { codeOf, connectClient, makeTempDir, openRaw, sharedServer, startServerProcess } from './helpers';

describe('encrypted blobs through the real server', () => {
  const shared = sharedServer();

  it('uploads 3 MB in chunks, resumes after a reconnect, and another user reads it back byte-exact', async () => {
    const ada = await shared.join('Ada');
    const data = new Uint8Array(randomBytes(3 * 1024 * 1024));
    const { blobId, chunkBytes } = await ada.session.request('blob.begin', { size: data.length });
    expect(blobId).toMatch(/^[0-9a-f]{32}$/);
    expect(chunkBytes).toBe(LIMITS.blobChunkBytes);
    for (let offset = 0; offset < 5 * chunkBytes; offset += chunkBytes) {
      expect(await ada.session.request('blob.chunk', { blobId, offset }, data.subarray(offset, offset + chunkBytes))).toEqual({
        received: offset + chunkBytes,
        complete: false,
      });
    }
    ada.session.close();

    // A new connection of the same identity asks where the upload stands and continues there.
    const again = await connectClient(shared.server.wsUrl, 'Ada', { identity: ada.identity });
    try {
      const status = await again.session.request('blob.status', { blobId });
      expect(status).toEqual({ size: data.length, received: 5 * chunkBytes, complete: false });
      // Out of order: refused with the count the server holds.
      const wrong = again.session.request('blob.chunk', { blobId, offset: 0 }, data.subarray(0, chunkBytes));
      await expect(wrong).rejects.toMatchObject({ code: 'BLOB_OFFSET', message: expect.stringContaining(String(5 * chunkBytes)) });
      let last = { received: 0, complete: false };
      for (let offset = status.received; offset < data.length; offset += chunkBytes) {
        last = await again.session.request('blob.chunk', { blobId, offset }, data.subarray(offset, offset + chunkBytes));
      }
      expect(last).toEqual({ received: data.length, complete: true });
      expect(await again.session.request('blob.status', { blobId })).toEqual({ size: data.length, received: data.length, complete: true });
    } finally {
      again.session.close();
    }

    const bob = await shared.join('Bob');
    const parts: Uint8Array[] = [];
    for (let offset = 0; offset < data.length; offset += chunkBytes) {
      const read = await bob.session.request('blob.read', { blobId, offset, length: chunkBytes });
      expect(read).toMatchObject({ offset, size: data.length });
      parts.push(read.payload);
    }
    expect(Buffer.concat(parts).equals(Buffer.from(data))).toBe(true);
    // A read near the end returns what is left.
    const tail = await bob.session.request('blob.read', { blobId, offset: data.length - 10, length: 100 });
    expect(Buffer.from(tail.payload).equals(Buffer.from(data.subarray(data.length - 10)))).toBe(true);

    // On disk: one private file per blob, holding exactly the ciphertext; the contents never reach the log.
    const folder = join(shared.server.dataDir, 'blobs');
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    expect(statSync(join(folder, blobId)).mode & 0o777).toBe(0o600);
    expect(statSync(join(folder, blobId)).size).toBe(data.length);
    expect(readdirSync(folder)).toContain(blobId);
    const logs = shared.server.logLines.join('\n');
    expect(logs).toContain('blob upload complete');
    expect(logs).not.toContain(Buffer.from(data.subarray(0, 24)).toString('base64url'));
    expect(logs).not.toContain(Buffer.from(data.subarray(0, 24)).toString('hex'));
  });

  it("answers NO_SUCH_BLOB for others' uploads, unfinished and unknown blobs, and BLOB_OFFSET / INVALID_PAYLOAD for bad chunks", async () => {
    const ada = await shared.join('Ada');
    const eve = await shared.join('Eve');
    const { blobId } = await ada.session.request('blob.begin', { size: 100 });
    expect(await ada.session.request('blob.chunk', { blobId, offset: 0 }, new Uint8Array(40))).toEqual({ received: 40, complete: false });
    expect(await codeOf(eve.session.request('blob.status', { blobId }))).toBe('NO_SUCH_BLOB');
    expect(await codeOf(eve.session.request('blob.chunk', { blobId, offset: 40 }, new Uint8Array(10)))).toBe('NO_SUCH_BLOB');
    expect(await codeOf(eve.session.request('blob.read', { blobId, offset: 0, length: 10 }))).toBe('NO_SUCH_BLOB');
    expect(await codeOf(ada.session.request('blob.read', { blobId, offset: 0, length: 10 }))).toBe('NO_SUCH_BLOB');
    expect(await codeOf(eve.session.request('blob.read', { blobId: 'f'.repeat(32), offset: 0, length: 10 }))).toBe('NO_SUCH_BLOB');
    expect(await codeOf(ada.session.request('blob.chunk', { blobId, offset: 50 }, new Uint8Array(10)))).toBe('BLOB_OFFSET');
    expect(await codeOf(ada.session.request('blob.chunk', { blobId, offset: 40 }, new Uint8Array(61)))).toBe('INVALID_PAYLOAD');
    expect(await ada.session.request('blob.chunk', { blobId, offset: 40 }, new Uint8Array(60).fill(7))).toEqual({ received: 100, complete: true });
    expect(await codeOf(ada.session.request('blob.chunk', { blobId, offset: 100 }, new Uint8Array(1)))).toBe('BLOB_OFFSET');
    expect(await codeOf(eve.session.request('blob.read', { blobId, offset: 100, length: 1 }))).toBe('INVALID_PAYLOAD');
    const read = await eve.session.request('blob.read', { blobId, offset: 90, length: 10 });
    expect(read).toMatchObject({ offset: 90, size: 100 });
    expect(read.payload).toEqual(new Uint8Array(10).fill(7));
  });

  it('refuses blobs larger than the limit the server announces with BLOB_TOO_LARGE', async () => {
    const ada = await shared.join('Ada');
    const max = DEFAULT_LIMITS.maxBlobBytes;
    expect(await codeOf(ada.session.request('blob.begin', { size: max + 1 }))).toBe('BLOB_TOO_LARGE');
    const { blobId } = await ada.session.request('blob.begin', { size: max });
    expect(existsSync(join(shared.server.dataDir, 'blobs', blobId))).toBe(true);
  });

  it('uses the configured limit (announced in hello) and sweeps leftovers of a crash at start', async () => {
    const dataDir = makeTempDir();
    writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ limits: { maxBlobBytes: 4096 } }));
    // A file without a row, as a crash between writing the file and its row would leave.
    mkdirSync(join(dataDir, 'blobs'), { recursive: true, mode: 0o700 });
    const orphan = join(dataDir, 'blobs', 'e'.repeat(32));
    writeFileSync(orphan, 'left over');
    const server = await startServerProcess({ dataDir });
    try {
      // The sweep runs before the server listens.
      expect(existsSync(orphan)).toBe(false);
      expect(server.logLines.some((l) => l.includes('retention sweep') && l.includes('"orphanFiles":1'))).toBe(true);
      const { raw, hello } = await openRaw(server.wsUrl);
      expect(hello.data.limits.maxBlobBytes).toBe(4096);
      raw.close();
      const ada = await connectClient(server.wsUrl, 'Ada');
      try {
        expect(await codeOf(ada.session.request('blob.begin', { size: 4097 }))).toBe('BLOB_TOO_LARGE');
        const { blobId } = await ada.session.request('blob.begin', { size: 4096 });
        expect(await ada.session.request('blob.chunk', { blobId, offset: 0 }, new Uint8Array(4096))).toEqual({ received: 4096, complete: true });
      } finally {
        ada.session.close();
      }
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});
