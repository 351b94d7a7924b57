/**
 * Channel group requests (mls.*). The state machine lives in groups/channel-groups.ts; here
 * the requests are decoded and handed to it. The server never reads what the group says: it
 * checks the clear framing (group, epoch, sender) and relays. Payloads are never logged.
 */
import { fromBase64Url, ProtocolError } from '@lemon/protocol';
import { memberOf, type Handler } from './context';

function groupIdBytes(text: string): Uint8Array {
  // The protocol schema already checked the encoding and the length.
  const bytes = fromBase64Url(text);
  if (!bytes) throw ProtocolError.invalidPayload('bad group id');
  return bytes;
}

export const mlsGroupInfo: Handler<'mls.groupInfo'> = (ctx, session, data, payload) =>
  ctx.channelGroups.groupInfo(memberOf(session), data.channelId, groupIdBytes(data.groupId), payload);

export const mlsCommit: Handler<'mls.commit'> = (ctx, session, data, payload) =>
  ctx.channelGroups.commit(memberOf(session), data.channelId, groupIdBytes(data.groupId), data.epoch, data.commitBytes, payload);

export const mlsSend: Handler<'mls.send'> = (ctx, session, data, payload) =>
  ctx.channelGroups.send(memberOf(session), data.channelId, groupIdBytes(data.groupId), payload);

export const mlsRejoin: Handler<'mls.rejoin'> = (ctx, session, data) => ctx.channelGroups.rejoin(memberOf(session), data.channelId);
