/**
 * `dm.send`, `dm.ack` and the delivery of `dm.message`: ciphertext of two-member MLS groups
 * (a Welcome or a PrivateMessage), opaque to the server, queued per recipient in SQLite
 * (storage/dm-queue.ts) until the recipient acknowledges it. Delivery is at least once: a
 * message is pushed live if the recipient is online and again on every login until acked.
 *
 * Per connection, messages go out oldest first and each at most once. A login's backlog is
 * pushed only after the login response has been written (the client needs its snapshot
 * first). What one connection has been sent but not acknowledged is bounded by
 * IN_FLIGHT_BYTES: beyond it, the rest follows as the client acks (its acks are the credit),
 * so a long backlog never piles up in the socket's buffer (the transport cuts clients that
 * do not read). Payloads are never logged, only ids and sizes.
 */
import { ErrorCode, LIMITS, ProtocolError, encodeBinaryEvent, fromBase64Url, toBase64Url } from '@lemon/protocol';
import { errorFields, logger } from '../log';
import type { Member } from '../presence/registry';
import type { QueuedDm } from '../storage/dm-queue';
import { memberOf, type Handler, type ServerContext } from './context';

const log = logger('dm');

/** Bytes of DM payload one connection may have been sent without acknowledging them. */
export const IN_FLIGHT_BYTES = 4 * 1024 * 1024;

interface Delivery {
  /** False until the login response is out; nothing is pushed before. */
  ready: boolean;
  /** Highest message id sent on this connection. */
  lastSentId: number;
  /** Sent on this connection and not acknowledged yet: id → payload bytes. */
  inFlight: Map<number, number>;
  inFlightBytes: number;
}

/** Delivery state per logged-in connection; dropped with the member object. */
const deliveries = new WeakMap<Member, Delivery>();

function deliveryOf(member: Member): Delivery {
  let state = deliveries.get(member);
  if (!state) {
    // A member that did not log in through startDmDelivery (tests) is ready at once.
    state = { ready: true, lastSentId: 0, inFlight: new Map(), inFlightBytes: 0 };
    deliveries.set(member, state);
  }
  return state;
}

/** The binary dm.message event for one queued message. */
export function dmMessageFrame(dm: QueuedDm): Uint8Array {
  return encodeBinaryEvent(
    'dm.message',
    { messageId: dm.id, from: dm.sender, fromKey: toBase64Url(dm.senderKey), groupId: dm.groupId, kind: dm.kind, sentAt: dm.sentAt },
    dm.payload,
  );
}

/** Whether `member` is still the current connection of its user. */
function isCurrent(ctx: ServerContext, member: Member): boolean {
  return ctx.presence.get(member.userId)?.member === member;
}

/**
 * Sends `member` its queued messages it has not been sent yet, oldest first, while the
 * in-flight budget lasts (at least one message when nothing is in flight, whatever its size).
 */
export function pumpDms(ctx: ServerContext, member: Member): number {
  const state = deliveryOf(member);
  if (!state.ready || !ctx.storage.isOpen || ctx.isShuttingDown() || !isCurrent(ctx, member)) return 0;
  let sent = 0;
  for (;;) {
    const batch = ctx.storage.dmQueue.pending(member.userId, state.lastSentId, 32);
    if (batch.length === 0) return sent;
    for (const dm of batch) {
      if (state.inFlight.size > 0 && state.inFlightBytes + dm.payload.length > IN_FLIGHT_BYTES) return sent;
      member.send(dmMessageFrame(dm));
      state.lastSentId = dm.id;
      state.inFlight.set(dm.id, dm.payload.length);
      state.inFlightBytes += dm.payload.length;
      sent += 1;
    }
  }
}

/**
 * Called by login once `member` is present: its backlog goes out right after the login
 * response (setImmediate runs after the reply of the current frame has been written).
 */
export function startDmDelivery(ctx: ServerContext, member: Member): void {
  deliveries.set(member, { ready: false, lastSentId: 0, inFlight: new Map(), inFlightBytes: 0 });
  setImmediate(() => {
    const state = deliveries.get(member);
    if (!state) return;
    state.ready = true;
    try {
      const sent = pumpDms(ctx, member);
      if (sent > 0) log.info('queued DMs delivered', { userId: member.userId, count: sent });
    } catch (error) {
      log.error('could not deliver queued DMs', { userId: member.userId, ...errorFields(error) });
    }
  });
}

export const dmSend: Handler<'dm.send'> = (ctx, session, data, payload) => {
  const sender = memberOf(session);
  if (data.to === sender.userId) throw ProtocolError.invalidPayload('a DM cannot be sent to yourself');
  if (!ctx.storage.users.get(data.to)) throw new ProtocolError(ErrorCode.NO_SUCH_USER);
  if (payload.length > LIMITS.maxMlsPayloadBytes) {
    throw ProtocolError.invalidPayload(`a DM payload may hold at most ${LIMITS.maxMlsPayloadBytes} bytes`);
  }
  const senderKey = fromBase64Url(sender.publicKey);
  if (!senderKey) throw new Error('a member without a decodable public key');
  const queued = ctx.storage.dmQueue.enqueue({
    recipient: data.to,
    sender: sender.userId,
    senderKey,
    groupId: data.groupId,
    kind: data.kind,
    payload,
  });
  const online = ctx.presence.get(data.to);
  const delivered = online ? pumpDms(ctx, online.member) > 0 : false;
  log.info('dm queued', { from: sender.userId, to: data.to, messageId: queued.id, kind: data.kind, bytes: payload.length, delivered });
  return { messageId: queued.id };
};

export const dmAck: Handler<'dm.ack'> = (ctx, session, data) => {
  const member = memberOf(session);
  const deleted = ctx.storage.dmQueue.ack(member.userId, data.messageIds);
  const state = deliveryOf(member);
  for (const id of data.messageIds) {
    const bytes = state.inFlight.get(id);
    if (bytes === undefined) continue;
    state.inFlight.delete(id);
    state.inFlightBytes -= bytes;
  }
  log.debug('dm acked', { userId: member.userId, asked: data.messageIds.length, deleted });
  // Acks free in-flight budget: what waited behind it goes out now (after this response's events).
  pumpDms(ctx, member);
  return { deleted };
};
