// SFrame through the real WebAssembly module, keyed from a real MLS group (channel group with
// the server as external sender, like mls.test.ts).
import { readFileSync } from 'node:fs';
import path from 'node:path';

import {
  MlsClient,
  MlsExternalSender,
  SFRAME_AES_256_GCM_SHA512_128,
  SFRAME_EXPORTER_LABEL,
  SframeContext,
  sframeEpochSecretLength,
} from './index';
import { initCryptoFromFile } from './node';
import { codeOf } from './test-support';

const GROUP = new TextEncoder().encode('voice-channel-1');
const SERVER_NAME = new TextEncoder().encode('lemon-server');
const bytes = (s: string) => new TextEncoder().encode(s);
const secret = (byte: number) => new Uint8Array(32).fill(byte);
const fromHex = (hex: string) => Uint8Array.from(hex.match(/../g) ?? [], (b) => parseInt(b, 16));
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

let server: MlsExternalSender;


/** Server proposes; `committer` commits; the others follow; the joiner joins. */
function add(committer: MlsClient, others: MlsClient[], joiner: MlsClient): void {
  const [keyPackage] = joiner.keyPackages(1);
  const proposal = server.proposeAdd(GROUP, committer.epoch(GROUP), keyPackage as Uint8Array);
  for (const member of [committer, ...others]) member.processMessage(GROUP, proposal);
  const bundle = committer.commitPendingProposals(GROUP);
  committer.mergePendingCommit(GROUP);
  for (const other of others) other.processMessage(GROUP, bundle.commit);
  joiner.joinFromWelcome(bundle.welcome as Uint8Array);
}

function remove(committer: MlsClient, members: MlsClient[], leaving: MlsClient): void {
  const index = committer.members(GROUP).find((m) => same(m.publicKey, leaving.publicKey))?.index as number;
  const proposal = server.proposeRemove(GROUP, committer.epoch(GROUP), index);
  for (const member of [committer, ...members, leaving]) member.processMessage(GROUP, proposal);
  const bundle = committer.commitPendingProposals(GROUP);
  committer.mergePendingCommit(GROUP);
  for (const member of [...members, leaving]) member.processMessage(GROUP, bundle.commit);
}

function three(): [MlsClient, MlsClient, MlsClient] {
  const alice = MlsClient.create(secret(1));
  const bob = MlsClient.create(secret(2));
  const carol = MlsClient.create(secret(3));
  alice.createGroup(GROUP, server.publicKey, SERVER_NAME);
  add(alice, [], bob);
  add(alice, [bob], carol);
  return [alice, bob, carol];
}

/** One SframeContext per member, at the group's current epoch. */
function contexts(...clients: MlsClient[]): SframeContext[] {
  return clients.map((client) => {
    const context = SframeContext.create();
    context.setEpochFromMls(client, GROUP);
    return context;
  });
}

beforeAll(async () => {
  await initCryptoFromFile();
  server = MlsExternalSender.fromSecretKey(secret(0xaa));
});

describe('SframeContext', () => {
  it('decrypts the RFC 9605 C.3 vector for AES_128_GCM_SHA256_128 (KID 0x123 = leaf 0x12, epoch 3)', () => {
    const text = readFileSync(path.join(__dirname, '..', 'testdata', 'sframe-rfc9605-encryption.txt'), 'utf8');
    const block = text.split('\n\n').find((b) => b.includes('cipher_suite: 0004')) as string;
    const v = Object.fromEntries(block.split('\n').map((line) => line.split(': ') as [string, string]));
    expect(v['kid']).toBe('0000000000000123');
    const receiver = SframeContext.create();
    receiver.setEpoch(3, fromHex(v['base_key'] as string), 0);
    const got = receiver.decrypt(fromHex(v['ct'] as string), fromHex(v['metadata'] as string));
    expect(got).toEqual({ payload: fromHex(v['pt'] as string), senderLeafIndex: 0x12, epoch: 3, counter: 0x4567 });
  });

  it('members of a real MLS group exchange frames; the exporter secret is the same for all', () => {
    const [alice, bob, carol] = three();
    const exported = [alice, bob, carol].map((c) => c.exportSecret(GROUP, SFRAME_EXPORTER_LABEL, new Uint8Array(0), 16));
    expect(same(exported[0] as Uint8Array, exported[1] as Uint8Array)).toBe(true);
    expect(same(exported[0] as Uint8Array, exported[2] as Uint8Array)).toBe(true);

    const [a, b, c] = contexts(alice, bob, carol) as [SframeContext, SframeContext, SframeContext];
    expect(a.currentEpoch).toBe(2);
    const indexOf = (client: MlsClient) => alice.members(GROUP).find((m) => same(m.publicKey, client.publicKey))?.index;

    const frame = a.encrypt(bytes('hello from alice'), bytes('rtp'));
    // Header: KID = (leaf << 4) | (epoch % 16) = 0x02 < 8, in the config byte; CTR 0 too.
    expect(frame[0]).toBe(0x20);
    expect(frame).toHaveLength(1 + 'hello from alice'.length + 16);
    for (const receiver of [b, c]) {
      expect(receiver.decrypt(frame, bytes('rtp'))).toEqual({
        payload: bytes('hello from alice'),
        senderLeafIndex: indexOf(alice),
        epoch: 2,
        counter: 0,
      });
    }
    const fromBob = b.encrypt(bytes('and bob'));
    expect(a.decrypt(fromBob)).toMatchObject({ payload: bytes('and bob'), senderLeafIndex: indexOf(bob) });
    expect(c.decrypt(fromBob).payload).toEqual(bytes('and bob'));
    // Own frames never decrypt with the own (sending) key.
    expect(codeOf(() => a.decrypt(a.encrypt(bytes('me'))))).toBe('SFRAME_UNKNOWN_KEY');
  });

  it('tampering with the ciphertext, header or metadata fails authentication', () => {
    const [alice, bob] = three();
    const [a, b] = contexts(alice, bob) as [SframeContext, SframeContext];
    const frame = a.encrypt(bytes('do not touch'), bytes('meta'));
    const flipped = (i: number) => {
      const copy = frame.slice();
      copy[i] = (copy[i] as number) ^ 0x01;
      return copy;
    };
    expect(codeOf(() => b.decrypt(flipped(frame.length - 1), bytes('meta')))).toBe('SFRAME_AUTHENTICATION_FAILED');
    expect(codeOf(() => b.decrypt(flipped(3), bytes('meta')))).toBe('SFRAME_AUTHENTICATION_FAILED');
    expect(codeOf(() => b.decrypt(frame, bytes('other')))).toBe('SFRAME_AUTHENTICATION_FAILED');
    expect(codeOf(() => b.decrypt(frame))).toBe('SFRAME_AUTHENTICATION_FAILED');
    // Header: another counter (0 -> 1) is another nonce; a KID naming another sender, another key.
    expect(codeOf(() => b.decrypt(flipped(0), bytes('meta')))).toBe('SFRAME_AUTHENTICATION_FAILED');
    const otherSender = Uint8Array.from([0x80, 0x32, ...frame.slice(1)]); // KID 0x32: leaf 3, epoch 2
    expect(codeOf(() => b.decrypt(otherSender, bytes('meta')))).toBe('SFRAME_AUTHENTICATION_FAILED');
    // Malformed headers: empty, truncated, non-minimal.
    expect(codeOf(() => b.decrypt(new Uint8Array(0)))).toBe('SFRAME_MALFORMED_HEADER');
    expect(codeOf(() => b.decrypt(Uint8Array.from([0x88, 0x12])))).toBe('SFRAME_MALFORMED_HEADER');
    expect(codeOf(() => b.decrypt(Uint8Array.from([0x80, 0x02, ...frame.slice(1)])))).toBe('SFRAME_MALFORMED_HEADER');
    // None of that consumed the counter: the genuine frame still decrypts, once.
    expect(b.decrypt(frame, bytes('meta')).payload).toEqual(bytes('do not touch'));
    expect(codeOf(() => b.decrypt(frame, bytes('meta')))).toBe('SFRAME_REPLAY');
  });

  it('rejects replays and counters older than the window, accepts reordering inside it', () => {
    const [alice, bob] = three();
    const [a, b] = contexts(alice, bob) as [SframeContext, SframeContext];
    const frames = Array.from({ length: 200 }, (_, i) => a.encrypt(bytes(`frame ${i}`)));
    expect(b.decrypt(frames[5] as Uint8Array).counter).toBe(5);
    expect(codeOf(() => b.decrypt(frames[5] as Uint8Array))).toBe('SFRAME_REPLAY');
    expect(b.decrypt(frames[199] as Uint8Array).counter).toBe(199);
    expect(b.decrypt(frames[72] as Uint8Array).counter).toBe(72); // 127 below the highest
    expect(codeOf(() => b.decrypt(frames[71] as Uint8Array))).toBe('SFRAME_REPLAY'); // 128 below
    expect(codeOf(() => b.decrypt(frames[199] as Uint8Array))).toBe('SFRAME_REPLAY');
  });

  it('keeps the previous epoch until retired, and a removed member cannot follow', () => {
    const [alice, bob, carol] = three();
    const [a, b, c] = contexts(alice, bob, carol) as [SframeContext, SframeContext, SframeContext];
    const late = a.encrypt(bytes('sent in epoch 2'));
    const lateFromBob = b.encrypt(bytes('bob in epoch 2'));
    const carolsLastSecret = carol.exportSecret(GROUP, SFRAME_EXPORTER_LABEL, new Uint8Array(0), 16);

    remove(alice, [bob], carol); // epoch 3 without carol
    expect(a.setEpochFromMls(alice, GROUP).epoch).toBe(3);
    const next = a.encrypt(bytes('sent in epoch 3'));
    // Bob has not entered epoch 3 yet: unknown key (he may retry after setEpoch).
    expect(codeOf(() => b.decrypt(next))).toBe('SFRAME_UNKNOWN_KEY');
    b.setEpochFromMls(bob, GROUP);
    expect(b.keptEpochs).toEqual([2, 3]);
    expect(b.decrypt(next)).toMatchObject({ payload: bytes('sent in epoch 3'), epoch: 3, counter: 0 });
    expect(b.decrypt(late)).toMatchObject({ payload: bytes('sent in epoch 2'), epoch: 2 });
    expect(a.decrypt(lateFromBob)).toMatchObject({ payload: bytes('bob in epoch 2'), epoch: 2 });

    // Carol (removed) still has epoch 2 only: the new frames are not for her.
    expect(codeOf(() => c.decrypt(next))).toBe('SFRAME_UNKNOWN_KEY');
    // Even entering "epoch 3" with the last secret she had does not give her the new keys.
    c.setEpoch(3, carolsLastSecret, 2);
    expect(codeOf(() => c.decrypt(next))).toBe('SFRAME_AUTHENTICATION_FAILED');

    // After retiring, epoch 2's frames fail with the unknown-key code.
    const evenLater = b.encrypt(bytes('another epoch-3 frame'));
    b.retireBefore(3);
    a.retireBefore(3);
    expect(b.keptEpochs).toEqual([3]);
    expect(codeOf(() => b.decrypt(late))).toBe('SFRAME_UNKNOWN_KEY');
    expect(a.decrypt(evenLater).epoch).toBe(3);
    expect(codeOf(() => a.decrypt(lateFromBob))).toBe('SFRAME_UNKNOWN_KEY');
  });

  it('argument and state errors', () => {
    const context = SframeContext.create();
    expect(context.currentEpoch).toBeUndefined();
    expect(codeOf(() => context.encrypt(bytes('x')))).toBe('SFRAME_INVALID_STATE');
    expect(codeOf(() => context.setEpoch(1, new Uint8Array(32), 0))).toBe('SFRAME_INVALID_ARGUMENT');
    context.setEpoch(5, new Uint8Array(16), 0);
    expect(codeOf(() => context.setEpoch(5, new Uint8Array(16), 0))).toBe('SFRAME_INVALID_ARGUMENT');
    expect(codeOf(() => context.setEpoch(4, new Uint8Array(16), 0))).toBe('SFRAME_INVALID_ARGUMENT');
    expect(codeOf(() => context.setEpoch(-1, new Uint8Array(16), 0))).toBe('INVALID_INPUT');
    expect(codeOf(() => context.setEpoch(6, new Uint8Array(16), -1))).toBe('INVALID_INPUT');
    expect(codeOf(() => context.setEpoch(6, [1, 2] as unknown as Uint8Array, 0))).toBe('INVALID_INPUT');
    expect(codeOf(() => context.encrypt('x' as unknown as Uint8Array))).toBe('INVALID_INPUT');
    expect(codeOf(() => SframeContext.create({ cipherSuite: 1 as 4 }))).toBe('SFRAME_INVALID_ARGUMENT');
    expect(sframeEpochSecretLength()).toBe(16);
    expect(sframeEpochSecretLength(SFRAME_AES_256_GCM_SHA512_128)).toBe(32);
  });

  it('AES_256_GCM_SHA512_128 works with a 32-byte exported secret', () => {
    const [alice, bob] = three();
    const [a, b] = [alice, bob].map((client) => {
      const context = SframeContext.create({ cipherSuite: SFRAME_AES_256_GCM_SHA512_128 });
      context.setEpochFromMls(client, GROUP);
      return context;
    }) as [SframeContext, SframeContext];
    expect(b.decrypt(a.encrypt(bytes('256'))).payload).toEqual(bytes('256'));
  });

  it('sanity: 1000 frames of 100 bytes', () => {
    const [alice, bob] = three();
    const [a, b] = contexts(alice, bob) as [SframeContext, SframeContext];
    const payload = new Uint8Array(100).map((_, i) => i);
    const start = performance.now();
    for (let i = 0; i < 1000; i += 1) {
      const frame = a.encrypt(payload);
      const got = b.decrypt(frame);
      if (got.counter !== i || !same(got.payload, payload)) throw new Error(`frame ${i} did not round-trip`);
    }
    const ms = performance.now() - start;
    // Informational only, not an assertion on speed.
    console.info(`sframe: 1000 x (encrypt + decrypt) of 100 bytes in ${ms.toFixed(1)} ms`);
  });
});
