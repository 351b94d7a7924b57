// Blob handlers (blob.*): being written.
import { ErrorCode, ProtocolError } from '@lemon/protocol';
import type { Handler } from './context';

const notYet = (): never => {
  throw new ProtocolError(ErrorCode.UNKNOWN_TYPE, 'not available yet');
};
export const blobBegin: Handler<'blob.begin'> = notYet;
export const blobChunk: Handler<'blob.chunk'> = notYet;
export const blobStatus: Handler<'blob.status'> = notYet;
export const blobRead: Handler<'blob.read'> = notYet;
