// DM handlers (dm.*): being written.
import { ErrorCode, ProtocolError } from '@lemon/protocol';
import type { Handler } from './context';

const notYet = (): never => {
  throw new ProtocolError(ErrorCode.UNKNOWN_TYPE, 'not available yet');
};
export const dmSend: Handler<'dm.send'> = notYet;
export const dmAck: Handler<'dm.ack'> = notYet;
