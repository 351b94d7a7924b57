import { ErrorCode, ProtocolError, decodeServerBinaryFrame, decodeServerFrame, toBase64Url, type ServerMessage } from '@lemon/protocol';
import type { Member } from '../presence/registry';
import type { Storage } from '../storage/db';
import type { ServerContext, Session } from './context';
import { IN_FLIGHT_BYTES, dmAck, dmSend, startDmDelivery } from './dm';
import { createTestContext, type TestContext } from './test-context';

let storage: Storage;
let ctx: ServerContext;
let logged: string[];
let test: TestContext;
beforeEach(() => {
  test = createTestContext('lemon-dm-handlers-');
  ({ ctx, storage, logged } = test);
});
afterEach(() => test.close());

const GROUP = toBase64Url(new Uint8Array(16).fill(9));

interface Person {
  userId: string;
  publicKey: string;
  member: Member;
  session: Session;
  /** Everything sent to this connection, decoded, in order (binary and text). */
  frames: ServerMessage[];
}

/** A Member.send that decodes every frame (text or binary) into `frames`. */
function recorder(frames: ServerMessage[]): Member['send'] {
  return (frame) => {
    const decoded = typeof frame === 'string' ? decodeServerFrame(frame) : decodeServerBinaryFrame(frame);
    if (!decoded.ok) throw decoded.error;
    frames.push(decoded.value);
  };
}

function person(n: number, name: string, online = true): Person {
  const userId = String(n).repeat(32);
  const key = new Uint8Array(32).fill(n);
  storage.users.loginOrCreate(userId, key, name);
  const frames: ServerMessage[] = [];
  const member: Member = { userId, publicKey: toBase64Url(key), send: recorder(frames), sendEvent: () => undefined, close: () => undefined };
  if (online) ctx.presence.join(member, name, storage.channels.defaultChannelId);
  const session: Session = {
    id: name,
    member,
    hostHeader: null,
    takeChallenge: () => null,
    becomeMember: () => member,
    closeAfterReply: () => undefined,
  };
  return { userId, publicKey: member.publicKey, member, session, frames };
}

/** A fresh connection of the same user (as after a new login). */
function reconnect(p: Person): Person {
  const current = ctx.presence.get(p.userId);
  if (current) ctx.presence.leave(current.member);
  const frames: ServerMessage[] = [];
  const member: Member = { ...p.member, send: recorder(frames) };
  ctx.presence.join(member, 'again', storage.channels.defaultChannelId);
  return { ...p, member, session: { ...p.session, member }, frames };
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

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
const payload = (n: number, bytes = 16) => new Uint8Array(bytes).fill(n);
const send = (from: Person, to: Person, n: number, bytes = 16) => dmSend(ctx, from.session, { to: to.userId, groupId: GROUP, kind: 'message' }, payload(n, bytes));
const dmIds = (p: Person) => p.frames.flatMap((f) => (f.kind === 'event' && f.event === 'dm.message' ? [f.data.messageId] : []));

describe('dm.send', () => {
  it('queues for an offline user and delivers live, byte-exact, to an online one', () => {
    const alice = person(1, 'Alice');
    const bob = person(2, 'Bob', false);
    const queued = send(alice, bob, 7);
    expect(queued.messageId).toBeGreaterThan(0);
    expect(storage.dmQueue.pending(bob.userId)).toHaveLength(1);

    const carol = person(3, 'Carol');
    const live = dmSend(ctx, alice.session, { to: carol.userId, groupId: GROUP, kind: 'welcome' }, payload(8, 100));
    expect(carol.frames).toEqual([
      {
        kind: 'event',
        event: 'dm.message',
        data: { messageId: live.messageId, from: alice.userId, fromKey: alice.publicKey, groupId: GROUP, kind: 'welcome', sentAt: expect.any(Number) },
        payload: payload(8, 100),
      },
    ]);
    // Still queued until acked.
    expect(storage.dmQueue.pending(carol.userId).map((m) => m.id)).toEqual([live.messageId]);
    expect(alice.frames).toEqual([]);
    // Only ids and sizes are logged.
    const text = logged.join('\n');
    expect(text).toContain('dm queued');
    expect(text).not.toContain(toBase64Url(payload(8, 100)).slice(0, 20));
  });

  it('refuses unknown users, yourself and oversize payloads', () => {
    const alice = person(1, 'Alice');
    expect(failure(() => dmSend(ctx, alice.session, { to: 'f'.repeat(32), groupId: GROUP, kind: 'message' }, payload(1))).code).toBe(ErrorCode.NO_SUCH_USER);
    expect(failure(() => send(alice, alice, 1)).code).toBe(ErrorCode.INVALID_PAYLOAD);
    const bob = person(2, 'Bob', false);
    expect(failure(() => send(alice, bob, 1, 1024 * 1024)).code).toBe(ErrorCode.INVALID_PAYLOAD);
    expect(storage.dmQueue.usageOf(bob.userId)).toEqual({ messages: 0, bytes: 0 });
  });

  it('answers QUEUE_FULL when the recipient\'s queue is at its bound', () => {
    const alice = person(1, 'Alice');
    const bob = person(2, 'Bob', false);
    // Fill Bob's queue to the byte bound with large messages (fewer rows than the count bound).
    const chunk = 1024 * 1024 - 8 * 1024;
    let stored = 0;
    while (stored + chunk <= storage.dmQueue.maxBytes) {
      send(alice, bob, 1, chunk);
      stored += chunk;
    }
    const rest = storage.dmQueue.maxBytes - stored;
    if (rest > 0) send(alice, bob, 2, rest);
    expect(storage.dmQueue.usageOf(bob.userId).bytes).toBe(storage.dmQueue.maxBytes);
    expect(failure(() => send(alice, bob, 3, 1)).code).toBe(ErrorCode.QUEUE_FULL);
  });
});

describe('delivery after login', () => {
  it('pushes the backlog oldest first only after the login turn, once, and not again after ack', async () => {
    const alice = person(1, 'Alice');
    const bob = person(2, 'Bob', false);
    const ids = [1, 2, 3].map((n) => send(alice, bob, n).messageId);
    const online = reconnect(bob);
    startDmDelivery(ctx, online.member);
    // A message sent in the same turn as the login waits for the backlog (order is kept).
    ids.push(send(alice, online, 4).messageId);
    expect(online.frames).toEqual([]);
    await nextTurn();
    expect(dmIds(online)).toEqual(ids);
    expect(online.frames.map((f) => (f as { payload: Uint8Array }).payload[0])).toEqual([1, 2, 3, 4]);
    // Live messages after that are sent once each.
    ids.push(send(alice, online, 5).messageId);
    expect(dmIds(online)).toEqual(ids);

    expect(dmAck(ctx, online.session, { messageIds: [ids[0]!, ids[1]!] })).toEqual({ deleted: 2 });
    const later = reconnect(bob);
    startDmDelivery(ctx, later.member);
    await nextTurn();
    expect(dmIds(later)).toEqual(ids.slice(2));
  });

  it('ignores ids of other recipients in dm.ack', () => {
    const alice = person(1, 'Alice');
    const bob = person(2, 'Bob');
    const carol = person(3, 'Carol', false);
    const forCarol = send(alice, carol, 1).messageId;
    const forBob = send(alice, bob, 2).messageId;
    expect(dmAck(ctx, bob.session, { messageIds: [forCarol, forBob, 12345] })).toEqual({ deleted: 1 });
    expect(storage.dmQueue.pending(carol.userId).map((m) => m.id)).toEqual([forCarol]);
  });

  it('keeps at most IN_FLIGHT_BYTES unacknowledged on a connection; acks release the rest', async () => {
    const alice = person(1, 'Alice');
    const bob = person(2, 'Bob', false);
    const size = 1000 * 1024;
    const count = Math.floor(IN_FLIGHT_BYTES / size) + 3;
    const ids = Array.from({ length: count }, (_, i) => send(alice, bob, i, size).messageId);
    const online = reconnect(bob);
    startDmDelivery(ctx, online.member);
    await nextTurn();
    const first = dmIds(online);
    expect(first).toEqual(ids.slice(0, Math.floor(IN_FLIGHT_BYTES / size)));
    dmAck(ctx, online.session, { messageIds: first.slice(0, 2) });
    expect(dmIds(online)).toEqual(ids.slice(0, first.length + 2));
    dmAck(ctx, online.session, { messageIds: dmIds(online) });
    expect(dmIds(online)).toEqual(ids);
    // A live message waits behind a full budget too, and follows the next ack.
    const inFlight = dmIds(online).slice(-1);
    const more = Array.from({ length: Math.floor(IN_FLIGHT_BYTES / size) }, (_, i) => send(alice, online, i, size).messageId);
    expect(dmIds(online)).toEqual([...ids, ...more.slice(0, -1)]);
    dmAck(ctx, online.session, { messageIds: inFlight });
    expect(dmIds(online)).toEqual([...ids, ...more]);
  });

  it('sends nothing to a connection that was replaced before its turn came', async () => {
    const alice = person(1, 'Alice');
    const bob = person(2, 'Bob', false);
    send(alice, bob, 1);
    const first = reconnect(bob);
    startDmDelivery(ctx, first.member);
    const second = reconnect(bob);
    startDmDelivery(ctx, second.member);
    await nextTurn();
    expect(first.frames).toEqual([]);
    expect(dmIds(second)).toHaveLength(1);
  });
});
