import { randomBytes } from 'node:crypto';
import { Identity } from '@lemon/crypto-wasm';
import { LIMITS, toBase64Url, type ServerEvent } from '@lemon/protocol';
import { Session } from '@lemon/session';
import { nodeSocket } from '@lemon/testing';
import { codeOf, nextEvent, sharedServer } from './helpers';

type DmEvent = Extract<ServerEvent, { event: 'dm.message' }>;

interface Recipient {
  session: Session;
  /** Every dm.message received, in order, from the very first frame after login. */
  dms: DmEvent[];
}

/**
 * Logs `identity` in with the real session library, listening for dm.message before the
 * socket even opens (the backlog follows the login response at once), and then makes one
 * ping round trip: the server pushes the backlog before it reads any later request, so
 * once the ping is answered everything it pushed has arrived.
 */
async function login(wsUrl: string, identity: Identity, name: string): Promise<Recipient> {
  const session = new Session({ url: wsUrl, identity, displayName: name, createSocket: nodeSocket, reconnect: false });
  const dms: DmEvent[] = [];
  session.on('event', (e) => {
    if (e.event === 'dm.message') dms.push(e);
  });
  await session.connect();
  await session.request('ping', {});
  return { session, dms };
}

/** Closes `who` and waits until `observer` hears that the server let them go. */
async function logout(who: Recipient, userId: string, observer: Session): Promise<void> {
  const gone = nextEvent(observer, 'user.disconnected', (e) => e.data.userId === userId);
  who.session.close();
  await gone;
}

const groupId = () => toBase64Url(new Uint8Array(randomBytes(LIMITS.groupIdBytes)));
const randomPayload = (n: number) => new Uint8Array(randomBytes(n));

describe('direct messages through the real server', () => {
  const shared = sharedServer();

  it('queues DMs for an offline user, delivers them byte-exact at login, and again until acknowledged', async () => {
    const ada = await shared.join('Ada');
    const bobId = Identity.generate();
    await logout(await login(shared.server.wsUrl, bobId, 'Bob'), bobId.userId, ada.session);

    const group = groupId();
    const sent = [
      { kind: 'welcome' as const, payload: randomPayload(3000) },
      { kind: 'message' as const, payload: randomPayload(1) },
      { kind: 'message' as const, payload: randomPayload(200_000) },
    ];
    const ids: number[] = [];
    for (const m of sent) {
      const { messageId } = await ada.session.request('dm.send', { to: bobId.userId, groupId: group, kind: m.kind }, m.payload);
      ids.push(messageId);
    }
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);

    const bob = await login(shared.server.wsUrl, bobId, 'Bob');
    expect(bob.dms.map((e) => e.data)).toEqual(
      sent.map((m, i) => ({
        messageId: ids[i],
        from: ada.identity.userId,
        fromKey: toBase64Url(ada.identity.publicKey),
        groupId: group,
        kind: m.kind,
        sentAt: expect.any(Number),
      })),
    );
    bob.dms.forEach((e, i) => expect(Buffer.from(e.payload).equals(Buffer.from(sent[i]!.payload))).toBe(true));

    // Two acknowledged (plus ids that are not Bob's): only the third comes again.
    expect(await bob.session.request('dm.ack', { messageIds: [ids[0]!, ids[1]!, 999_999_999] })).toEqual({ deleted: 2 });
    await logout(bob, bobId.userId, ada.session);
    const again = await login(shared.server.wsUrl, bobId, 'Bob');
    expect(again.dms.map((e) => e.data.messageId)).toEqual([ids[2]]);
    expect(Buffer.from(again.dms[0]!.payload).equals(Buffer.from(sent[2]!.payload))).toBe(true);

    // Online now: a new DM arrives live, once.
    const live = randomPayload(64);
    const arrived = nextEvent(again.session, 'dm.message', (e) => e.data.kind === 'message' && e.data.messageId > ids[2]!);
    const { messageId } = await ada.session.request('dm.send', { to: bobId.userId, groupId: group, kind: 'message' }, live);
    const event = await arrived;
    expect(event.data.messageId).toBe(messageId);
    expect(Buffer.from(event.payload).equals(Buffer.from(live))).toBe(true);
    expect(await again.session.request('dm.ack', { messageIds: [ids[2]!, messageId] })).toEqual({ deleted: 2 });
    await logout(again, bobId.userId, ada.session);
    const last = await login(shared.server.wsUrl, bobId, 'Bob');
    expect(last.dms).toEqual([]);
    last.session.close();

    // Ciphertext is never logged.
    const logs = shared.server.logLines.join('\n');
    expect(logs).toContain('dm queued');
    // Only payloads long enough that their encoding cannot turn up in a log line by chance
    // (a 1-byte payload encodes to 2 characters, e.g. "sg" as in "msg").
    const canaries = [...sent.map((m) => m.payload), live].filter((p) => p.length >= 16);
    expect(canaries.length).toBeGreaterThanOrEqual(2);
    for (const payload of canaries) {
      expect(logs).not.toContain(toBase64Url(payload.subarray(0, 24)));
      expect(logs).not.toContain(Buffer.from(payload.subarray(0, 24)).toString('base64'));
      expect(logs).not.toContain(Buffer.from(payload.subarray(0, 24)).toString('hex'));
    }
  });

  it('refuses unknown recipients, yourself and a full queue (QUEUE_FULL), and drains a full queue as it is acked', async () => {
    const ada = await shared.join('Ada');
    const group = groupId();
    expect(await codeOf(ada.session.request('dm.send', { to: Identity.generate().userId, groupId: group, kind: 'message' }, randomPayload(5)))).toBe(
      'NO_SUCH_USER',
    );
    expect(await codeOf(ada.session.request('dm.send', { to: ada.identity.userId, groupId: group, kind: 'message' }, randomPayload(5)))).toBe(
      'INVALID_PAYLOAD',
    );

    const carolId = Identity.generate();
    await logout(await login(shared.server.wsUrl, carolId, 'Carol'), carolId.userId, ada.session);
    // The byte bound (a protocol constant) is reached with the largest payloads a DM may carry.
    const size = LIMITS.maxMlsPayloadBytes;
    const fits = Math.floor(LIMITS.dmQueueMaxBytes / size);
    const payloads = Array.from({ length: fits }, (_, i) => new Uint8Array(size).fill(i + 1));
    const ids: number[] = [];
    for (const p of payloads) ids.push((await ada.session.request('dm.send', { to: carolId.userId, groupId: group, kind: 'message' }, p)).messageId);
    expect(await codeOf(ada.session.request('dm.send', { to: carolId.userId, groupId: group, kind: 'message' }, new Uint8Array(size)))).toBe('QUEUE_FULL');

    // Carol gets the backlog a few megabytes at a time, each batch after acking the last.
    const carol = await login(shared.server.wsUrl, carolId, 'Carol');
    expect(carol.dms.length).toBeGreaterThan(0);
    expect(carol.dms.length).toBeLessThan(fits);
    const received: DmEvent[] = [];
    while (received.length < fits) {
      const batch = carol.dms.splice(0);
      expect(batch.length).toBeGreaterThan(0);
      received.push(...batch);
      // The next batch is sent before the ack's response, so it is here when the ack resolves.
      await carol.session.request('dm.ack', { messageIds: batch.map((e) => e.data.messageId) });
    }
    expect(carol.dms).toEqual([]);
    expect(received.map((e) => e.data.messageId)).toEqual(ids);
    received.forEach((e, i) => {
      expect(e.payload.length).toBe(size);
      expect(e.payload[0]).toBe(i + 1);
      expect(e.payload[size - 1]).toBe(i + 1);
    });
    // Room again once acked.
    expect((await ada.session.request('dm.send', { to: carolId.userId, groupId: group, kind: 'message' }, randomPayload(5))).messageId).toBeGreaterThan(ids[ids.length - 1]!);
    carol.session.close();
  });
});
