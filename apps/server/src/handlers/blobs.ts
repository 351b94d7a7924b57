/**
 * `blob.begin`, `blob.chunk`, `blob.status`, `blob.read`: encrypted blobs (pictures the
 * client encrypted; the key is inside an MLS message and never reaches the server), stored by
 * storage/blobs.ts. Uploads belong to their owner (anyone else gets NO_SUCH_BLOB, so ids
 * cannot be probed); complete blobs may be read by anyone logged in who knows the id. Only
 * ids and sizes are logged, never contents.
 */
import { ErrorCode, LIMITS, ProtocolError } from '@lemon/protocol';
import { logger } from '../log';
import { memberOf, type Handler } from './context';

const log = logger('blobs');

export const blobBegin: Handler<'blob.begin'> = (ctx, session, data) => {
  const { userId } = memberOf(session);
  const max = ctx.config.limits.maxBlobBytes;
  if (data.size > max) throw new ProtocolError(ErrorCode.BLOB_TOO_LARGE, `this server stores blobs of at most ${max} bytes`);
  const blobId = ctx.storage.blobs.begin(userId, data.size);
  log.info('blob upload started', { userId, blobId, size: data.size });
  return { blobId, chunkBytes: LIMITS.blobChunkBytes };
};

export const blobChunk: Handler<'blob.chunk'> = (ctx, session, data, payload) => {
  const { userId } = memberOf(session);
  const status = ctx.storage.blobs.append(userId, data.blobId, data.offset, payload);
  if (status.complete) log.info('blob upload complete', { userId, blobId: data.blobId, size: status.size });
  return { received: status.received, complete: status.complete };
};

export const blobStatus: Handler<'blob.status'> = (ctx, session, data) => {
  const { userId } = memberOf(session);
  return ctx.storage.blobs.status(userId, data.blobId);
};

export const blobRead: Handler<'blob.read'> = (ctx, session, data) => {
  memberOf(session);
  const { size, bytes } = ctx.storage.blobs.read(data.blobId, data.offset, data.length);
  return { offset: data.offset, size, payload: bytes };
};
