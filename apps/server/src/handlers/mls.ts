// Channel group handlers (mls.*): being written.
import { ErrorCode, ProtocolError } from '@lemon/protocol';
import type { Handler } from './context';

const notYet = (): never => {
  throw new ProtocolError(ErrorCode.UNKNOWN_TYPE, 'not available yet');
};
export const mlsGroupInfo: Handler<'mls.groupInfo'> = notYet;
export const mlsCommit: Handler<'mls.commit'> = notYet;
export const mlsSend: Handler<'mls.send'> = notYet;
export const mlsRejoin: Handler<'mls.rejoin'> = notYet;
