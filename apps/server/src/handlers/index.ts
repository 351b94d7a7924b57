/**
 * Routes decoded requests to the handler of their message family and turns the outcome
 * into exactly one reply frame: the response, the ProtocolError the handler threw, or
 * INTERNAL for anything unexpected (logged, never crashing the process).
 */
import {
  ErrorCode,
  ProtocolError,
  allowedBeforeLogin,
  encodeBinaryResponse,
  encodeError,
  encodeResponse,
  hasPayloadResponse,
  type BinaryRequestType,
  type ClientRequest,
  type RequestData,
  type RequestType,
  type ResponseData,
  type ResponseOf,
} from '@lemon/protocol';
import { errorFields, logger } from '../log';
import { login } from './auth';
import { createChannel, deleteChannel, joinChannel, updateChannel } from './channels';
import type { Handler, ServerContext, Session } from './context';
import { claimKeyPackage, keyPackageStock, uploadKeyPackages } from './key-packages';
import { blobBegin, blobChunk, blobRead, blobStatus } from './blobs';
import { dmAck, dmSend } from './dm';
import { mlsCommit, mlsGroupInfo, mlsRejoin, mlsSend } from './mls';
import { ping } from './ping';
import { rename } from './users';
import { voiceAnswer, voiceCandidate, voiceConnect, voicePath, voiceState } from './voice';

const log = logger('dispatch');

const HANDLERS: { readonly [K in RequestType]: Handler<K> } = {
  'auth.login': login,
  'user.rename': rename,
  'channel.join': joinChannel,
  'channel.create': createChannel,
  'channel.update': updateChannel,
  'channel.delete': deleteChannel,
  'keyPackages.upload': uploadKeyPackages,
  'keyPackages.claim': claimKeyPackage,
  'keyPackages.stock': keyPackageStock,
  'mls.groupInfo': mlsGroupInfo,
  'mls.commit': mlsCommit,
  'mls.send': mlsSend,
  'mls.rejoin': mlsRejoin,
  'dm.send': dmSend,
  'dm.ack': dmAck,
  'blob.begin': blobBegin,
  'blob.chunk': blobChunk,
  'blob.status': blobStatus,
  'blob.read': blobRead,
  'voice.connect': voiceConnect,
  'voice.answer': voiceAnswer,
  'voice.candidate': voiceCandidate,
  'voice.path': voicePath,
  'voice.state': voiceState,
  ping,
};

export interface Reply {
  frame: string | Uint8Array;
  ok: boolean;
  /** Set for errors. */
  code?: ErrorCode;
}

export function errorReply(id: number | null, error: ProtocolError): Reply {
  return { frame: encodeError(id, error), ok: false, code: error.code };
}

function run<K extends RequestType>(
  ctx: ServerContext,
  session: Session,
  type: K,
  data: RequestData<K>,
  payload: Uint8Array | undefined,
): ResponseOf<K> {
  const handler: Handler<K> = HANDLERS[type];
  return handler(ctx, session, data, payload as K extends BinaryRequestType ? Uint8Array : void);
}

function encodeResult<K extends RequestType>(id: number, type: K, result: ResponseOf<K>): string | Uint8Array {
  if (!hasPayloadResponse(type)) return encodeResponse(id, type, result as ResponseData<K>);
  const { payload, ...rest } = result as ResponseOf<'blob.read'>;
  return encodeBinaryResponse(id, 'blob.read', rest, payload);
}

export function dispatch(ctx: ServerContext, session: Session, request: ClientRequest): Reply {
  const { id, type } = request;
  if (ctx.isShuttingDown()) return errorReply(id, new ProtocolError(ErrorCode.SERVER_SHUTTING_DOWN));
  if (!session.member && !allowedBeforeLogin(type)) return errorReply(id, new ProtocolError(ErrorCode.NOT_AUTHENTICATED));
  try {
    // `request` is a union over types; its `data` matches its `type` by construction.
    const payload = 'payload' in request ? request.payload : undefined;
    const result = run(ctx, session, type, request.data as RequestData<typeof type>, payload);
    return { frame: encodeResult(id, type, result), ok: true };
  } catch (error) {
    if (error instanceof ProtocolError) return errorReply(id, error);
    log.error('handler failed', { type, conn: session.id, userId: session.member?.userId, ...errorFields(error) });
    return errorReply(id, new ProtocolError(ErrorCode.INTERNAL));
  }
}
