import { randomBytes } from 'node:crypto';
import { ErrorCode, LIMITS, ProtocolError, toBase64Url } from '@lemon/protocol';
import type { Member } from '../presence/registry';
import type { Storage } from '../storage/db';
import { blobBegin, blobChunk, blobRead, blobStatus } from './blobs';
import type { ServerContext, Session } from './context';
import { createTestContext, type TestContext } from './test-context';

let storage: Storage;
let ctx: ServerContext;
let logged: string[];
let test: TestContext;
beforeEach(() => {
  test = createTestContext('lemon-blob-handlers-');
  ({ ctx, storage, logged } = test);
});
afterEach(() => test.close());

function sessionOf(n: number, name: string): Session {
  const userId = String(n).repeat(32);
  const key = new Uint8Array(32).fill(n);
  storage.users.loginOrCreate(userId, key, name);
  const member: Member = { userId, publicKey: toBase64Url(key), send: () => undefined, sendEvent: () => undefined, close: () => undefined };
  ctx.presence.join(member, name, storage.channels.defaultChannelId);
  return { id: name, member, hostHeader: null, takeChallenge: () => null, becomeMember: () => member, closeAfterReply: () => undefined };
}

function failure(fn: () => unknown): ProtocolError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ProtocolError) return error;
    throw error;
  }
  throw new Error('expected a ProtocolError');
}

describe('blob handlers', () => {
  it('uploads in chunks, resumes from blob.status and lets another user read it back byte-exact', () => {
    const alice = sessionOf(1, 'Alice');
    const bob = sessionOf(2, 'Bob');
    const data = new Uint8Array(randomBytes(LIMITS.blobChunkBytes * 2 + 123));
    const { blobId, chunkBytes } = blobBegin(ctx, alice, { size: data.length });
    expect(chunkBytes).toBe(LIMITS.blobChunkBytes);
    expect(blobChunk(ctx, alice, { blobId, offset: 0 }, data.subarray(0, chunkBytes))).toEqual({ received: chunkBytes, complete: false });
    const status = blobStatus(ctx, alice, { blobId });
    expect(status).toEqual({ size: data.length, received: chunkBytes, complete: false });
    for (let offset = status.received; offset < data.length; offset += chunkBytes) {
      blobChunk(ctx, alice, { blobId, offset }, data.subarray(offset, offset + chunkBytes));
    }
    expect(blobStatus(ctx, alice, { blobId })).toEqual({ size: data.length, received: data.length, complete: true });
    const parts: Uint8Array[] = [];
    for (let offset = 0; offset < data.length; offset += chunkBytes) {
      const read = blobRead(ctx, bob, { blobId, offset, length: chunkBytes });
      expect(read).toMatchObject({ offset, size: data.length });
      parts.push(read.payload);
    }
    expect(Buffer.concat(parts)).toEqual(Buffer.from(data));
    const text = logged.join('\n');
    expect(text).toContain('blob upload complete');
    expect(text).not.toContain(Buffer.from(data.subarray(0, 24)).toString('base64').slice(0, 24));
  });

  it('refuses sizes beyond the configured limit with BLOB_TOO_LARGE (the limit itself fits)', () => {
    const alice = sessionOf(1, 'Alice');
    const max = ctx.config.limits.maxBlobBytes;
    expect(failure(() => blobBegin(ctx, alice, { size: max + 1 })).code).toBe(ErrorCode.BLOB_TOO_LARGE);
    expect(blobBegin(ctx, alice, { size: max }).blobId).toMatch(/^[0-9a-f]{32}$/);
  });

  it("hides others' uploads (NO_SUCH_BLOB), names the count in BLOB_OFFSET and refuses reads of unfinished blobs", () => {
    const alice = sessionOf(1, 'Alice');
    const eve = sessionOf(3, 'Eve');
    const { blobId } = blobBegin(ctx, alice, { size: 10 });
    blobChunk(ctx, alice, { blobId, offset: 0 }, new Uint8Array(4));
    expect(failure(() => blobStatus(ctx, eve, { blobId })).code).toBe(ErrorCode.NO_SUCH_BLOB);
    expect(failure(() => blobChunk(ctx, eve, { blobId, offset: 4 }, new Uint8Array(1))).code).toBe(ErrorCode.NO_SUCH_BLOB);
    const offset = failure(() => blobChunk(ctx, alice, { blobId, offset: 8 }, new Uint8Array(1)));
    expect(offset.code).toBe(ErrorCode.BLOB_OFFSET);
    expect(offset.message).toContain('4');
    expect(failure(() => blobRead(ctx, eve, { blobId, offset: 0, length: 4 })).code).toBe(ErrorCode.NO_SUCH_BLOB);
    expect(failure(() => blobChunk(ctx, alice, { blobId, offset: 4 }, new Uint8Array(7))).code).toBe(ErrorCode.INVALID_PAYLOAD);
    expect(failure(() => blobChunk(ctx, alice, { blobId, offset: 4 }, new Uint8Array(LIMITS.blobChunkBytes + 1))).code).toBe(ErrorCode.INVALID_PAYLOAD);
    expect(blobChunk(ctx, alice, { blobId, offset: 4 }, new Uint8Array(6))).toEqual({ received: 10, complete: true });
    expect(failure(() => blobRead(ctx, eve, { blobId, offset: 10, length: 4 })).code).toBe(ErrorCode.INVALID_PAYLOAD);
    expect(blobRead(ctx, eve, { blobId, offset: 8, length: 100 })).toEqual({ offset: 8, size: 10, payload: new Uint8Array(2) });
  });

  it('limits unfinished uploads per user with RATE_LIMITED', () => {
    const alice = sessionOf(1, 'Alice');
    for (let i = 0; i < 4; i++) blobBegin(ctx, alice, { size: 10 });
    const limited = failure(() => blobBegin(ctx, alice, { size: 10 }));
    expect(limited.code).toBe(ErrorCode.RATE_LIMITED);
    expect(limited.message).toMatch(/unfinished uploads/);
  });
});
