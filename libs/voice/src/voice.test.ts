// The voice engine end to end without a network: real MLS groups (crypto-wasm), real Opus
// (libopus-wasm) and real SFrame. Tones go in at the sender; the receiver's mixed output is
// checked for the tones' frequencies. Time is simulated: one tick every 20 ms.
import { FRAME_SAMPLES, concatFrames, createOpusDecoder, createOpusEncoder, dominantFrequency, goertzelPower, sineFrames } from '@lemon/audio';
import { MlsClient, MlsExternalSender, SframeContext, userIdFromPublicKey } from '@lemon/crypto-wasm';
import { initCryptoFromFile } from '@lemon/crypto-wasm/node';
import { encodeVoiceBatch, decodeVoiceUplink } from '@lemon/protocol';
import { RETAIN_MS, VoiceKeys } from './keys';
import { VoiceReceiver, unwrap } from './receiver';
import { VoiceSender } from './sender';

const GROUP = new TextEncoder().encode('voice-test-group');
const secret = (byte: number) => new Uint8Array(32).fill(byte);
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);
const TONES = [300, 440, 660, 880, 1000];
let server: MlsExternalSender;

beforeAll(async () => {
  await initCryptoFromFile();
  server = MlsExternalSender.fromSecretKey(secret(0xaa));
});

function add(committer: MlsClient, others: MlsClient[], joiner: MlsClient): void {
  const [keyPackage] = joiner.keyPackages(1);
  const proposal = server.proposeAdd(GROUP, committer.epoch(GROUP), keyPackage!);
  for (const member of [committer, ...others]) member.processMessage(GROUP, proposal);
  const bundle = committer.commitPendingProposals(GROUP);
  committer.mergePendingCommit(GROUP);
  for (const other of others) other.processMessage(GROUP, bundle.commit);
  joiner.joinFromWelcome(bundle.welcome!);
}

function remove(committer: MlsClient, members: MlsClient[], leaving: MlsClient): void {
  const index = committer.members(GROUP).find((m) => same(m.publicKey, leaving.publicKey))!.index;
  const proposal = server.proposeRemove(GROUP, committer.epoch(GROUP), index);
  for (const member of [committer, ...members, leaving]) member.processMessage(GROUP, proposal);
  const bundle = committer.commitPendingProposals(GROUP);
  committer.mergePendingCommit(GROUP);
  for (const member of [...members, leaving]) member.processMessage(GROUP, bundle.commit);
}

interface Member {
  mls: MlsClient;
  sframe: SframeContext;
  userId: string;
}

function group(n: number): Member[] {
  const clients = Array.from({ length: n }, (_, i) => MlsClient.create(secret(i + 1)));
  clients[0]!.createGroup(GROUP, server.publicKey, new TextEncoder().encode('lemon-server'));
  for (let i = 1; i < n; i++) add(clients[0]!, clients.slice(1, i), clients[i]!);
  return clients.map((mls) => {
    const sframe = SframeContext.create();
    sframe.setEpochFromMls(mls, GROUP);
    return { mls, sframe, userId: userIdFromPublicKey(mls.publicKey) };
  });
}

function receiverFor(member: Member, volumes: Record<string, number> = {}): VoiceReceiver {
  return new VoiceReceiver({
    sframe: member.sframe,
    makeDecoder: createOpusDecoder,
    userAt: (leaf) => {
      const key = member.mls.members(GROUP).find((m) => m.index === leaf)?.publicKey;
      return key ? userIdFromPublicKey(key) : null;
    },
    volumeOf: (userId) => volumes[userId] ?? 1,
  });
}

/** The server's part: frames of one tick, batched for one listener. */
const relay = (uplinks: (Uint8Array | null)[]) => {
  if (uplinks.includes(null)) throw new Error('a sender had no keys');
  const frames = (uplinks as Uint8Array[]).map((p) => decodeVoiceUplink(p)).flatMap((u) => (u.type === 'frame' ? [u.frame] : []));
  return encodeVoiceBatch(frames);
};

/** Lets the decoders (created asynchronously on a speaker's first frame) finish loading. */
const codecLoaded = () => createOpusDecoder().then((d) => d.close());

describe('voice engine', () => {
  it('carries a tone from one member to another, and nothing to someone outside the group', async () => {
    const [alice, bob] = group(2);
    const outsider = group(1)[0]!; // same group id, different group: other keys
    const sender = new VoiceSender(await createOpusEncoder(), alice!.sframe);
    const bobHears = receiverFor(bob!);
    const outsiderHears = receiverFor(outsider);
    const out = new Float32Array(FRAME_SAMPLES);
    const heard: Float32Array[] = [];
    let t = 0;
    let first = true;
    for (const frame of sineFrames(440, 1.5, 0.5)) {
      const packet = relay([await sender.frame(frame)]);
      bobHears.receive(packet, t);
      outsiderHears.receive(packet, t);
      if (first) {
        await codecLoaded();
        first = false;
      }
      const levels = bobHears.pull(t, out);
      if (levels.length > 0) expect(levels[0]!.userId).toBe(alice!.userId);
      heard.push(out.slice());
      outsiderHears.pull(t, new Float32Array(FRAME_SAMPLES));
      t += 20;
    }
    const played = concatFrames(heard.slice(10));
    expect(dominantFrequency(played, TONES)).toBe(440);
    expect(bobHears.stats()).toMatchObject({ undecryptable: 0, unknownSender: 0, speakers: 1 });
    const o = outsiderHears.stats();
    expect(o.decrypted).toBe(0);
    expect(o.undecryptable + o.waiting).toBe(75);
    expect(o.speakers).toBe(0);
  });

  it('mixes two speakers at once, with per-person volume', async () => {
    const [alice, bob, carol] = group(3);
    const a = new VoiceSender(await createOpusEncoder(), alice!.sframe);
    const c = new VoiceSender(await createOpusEncoder(), carol!.sframe);
    const volumes: Record<string, number> = {};
    const bobHears = receiverFor(bob!, volumes);
    const out = new Float32Array(FRAME_SAMPLES);
    const tones440 = [...sineFrames(440, 2, 0.3)];
    const tones880 = [...sineFrames(880, 2, 0.3)];
    const firstHalf: Float32Array[] = [];
    const secondHalf: Float32Array[] = [];
    for (let i = 0; i < tones440.length; i++) {
      if (i === 50) volumes[carol!.userId] = 0; // Bob turns Carol down to nothing after 1 s
      bobHears.receive(relay([await a.frame(tones440[i]!), await c.frame(tones880[i]!)]), i * 20);
      if (i === 0) await codecLoaded();
      const levels = bobHears.pull(i * 20, out);
      if (i > 10 && i < 50) expect(new Set(levels.map((l) => l.userId))).toEqual(new Set([alice!.userId, carol!.userId]));
      (i < 50 ? firstHalf : secondHalf).push(out.slice());
    }
    const both = concatFrames(firstHalf.slice(10));
    const aliceOnly = concatFrames(secondHalf.slice(5));
    expect(goertzelPower(both, 440)).toBeGreaterThan(0.005);
    expect(goertzelPower(both, 880)).toBeGreaterThan(0.005);
    expect(goertzelPower(aliceOnly, 440)).toBeGreaterThan(0.005);
    expect(goertzelPower(aliceOnly, 880)).toBeLessThan(goertzelPower(aliceOnly, 440) / 100);
  });

  it('goes through an epoch change without a gap, and a removed member hears nothing after it', async () => {
    const [alice, bob, carol] = group(3);
    const sender = new VoiceSender(await createOpusEncoder(), alice!.sframe);
    const bobHears = receiverFor(bob!);
    const carolHears = receiverFor(carol!);
    const out = new Float32Array(FRAME_SAMPLES);
    const heardBob: Float32Array[] = [];
    const frames = [...sineFrames(660, 2, 0.5)];
    let carolBefore = 0;
    for (let i = 0; i < frames.length; i++) {
      if (i === 50) {
        // Carol is removed; Alice moves to the new epoch first and keeps talking, Bob a moment later.
        remove(alice!.mls, [bob!.mls], carol!.mls);
        alice!.sframe.setEpochFromMls(alice!.mls, GROUP);
        carolBefore = carolHears.stats().decrypted;
      }
      const packet = relay([await sender.frame(frames[i]!)]);
      bobHears.receive(packet, i * 20);
      carolHears.receive(packet, i * 20);
      if (i === 52) {
        bob!.sframe.setEpochFromMls(bob!.mls, GROUP);
        bobHears.epochChanged(i * 20);
      }
      if (i === 0) await codecLoaded();
      bobHears.pull(i * 20, out);
      heardBob.push(out.slice());
      carolHears.pull(i * 20, new Float32Array(FRAME_SAMPLES));
    }
    // Bob: continuous tone across the change — no frame lost, none concealed after the start.
    expect(bobHears.stats().undecryptable).toBe(0);
    const afterStart = heardBob.slice(10);
    expect(afterStart.every((f) => dominantFrequency(f, TONES) === 660)).toBe(true);
    // Carol decrypted the first 50 frames and none after her removal.
    expect(carolBefore).toBe(50);
    expect(carolHears.stats().decrypted).toBe(50);
  });

  it('conceals lost frames and keeps the tone through 10 % loss and reordering', async () => {
    const [alice, bob] = group(2);
    const sender = new VoiceSender(await createOpusEncoder(), alice!.sframe);
    const bobHears = receiverFor(bob!);
    const out = new Float32Array(FRAME_SAMPLES);
    const heard: Float32Array[] = [];
    const packets: Uint8Array[] = [];
    for (const frame of sineFrames(880, 2, 0.5)) packets.push(relay([await sender.frame(frame)]));
    for (let i = 0; i < packets.length; i++) {
      // Swap neighbours now and then; lose every tenth.
      const index = i % 7 === 3 && i + 1 < packets.length ? i + 1 : i % 7 === 4 ? i - 1 : i;
      if (index % 10 !== 9) bobHears.receive(packets[index]!, i * 20);
      if (i === 0) await codecLoaded();
      bobHears.pull(i * 20, out);
      heard.push(out.slice());
    }
    expect(dominantFrequency(concatFrames(heard.slice(10)), TONES)).toBe(880);
    expect(heard.slice(10).every((f) => f.every(Number.isFinite))).toBe(true);
  });

  it('keys follow the group: next epoch on the same context, a fresh context for a new group, old epochs retired', () => {
    const [alice, bob, carol] = group(3);
    let groupId = 'g1';
    const keys = new VoiceKeys({
      get channelState() {
        return { phase: 'ready' as const, groupId };
      },
      voiceEpoch: (sframe) => {
        if (sframe.currentEpoch === undefined || sframe.currentEpoch < alice!.mls.epoch(GROUP)) sframe.setEpochFromMls(alice!.mls, GROUP);
        return alice!.mls.epoch(GROUP);
      },
    });
    expect(keys.update(0)).toBe(true);
    const first = keys.current()!;
    expect(first.currentEpoch).toBe(2);
    expect(keys.update(10)).toBe(false);
    const oldFrame = first.encrypt(new Uint8Array([1, 2, 3]));
    remove(alice!.mls, [bob!.mls], carol!.mls);
    expect(keys.update(1000)).toBe(true);
    expect(keys.current()).toBe(first);
    expect(first.keptEpochs).toEqual([2, 3]);
    // Bob keeps reading Alice's last epoch-2 frame until it is retired.
    bob!.sframe.setEpochFromMls(bob!.mls, GROUP);
    expect(bob!.sframe.decrypt(oldFrame).epoch).toBe(2);
    keys.update(1000 + RETAIN_MS);
    expect(first.keptEpochs).toEqual([3]);
    groupId = 'g2';
    keys.update(7000);
    expect(keys.current()).not.toBe(first);
  });

  it('tells an idle playout when a talk spurt is due, so it can start then instead of at the next frame', async () => {
    const [alice, bob] = group(2);
    const sender = new VoiceSender(await createOpusEncoder(), alice!.sframe);
    const bobHears = receiverFor(bob!);
    const out = new Float32Array(FRAME_SAMPLES);
    expect(bobHears.idleWaitMs(0)).toBeNull();
    const frames = [...sineFrames(440, 0.2, 0.5)];
    bobHears.receive(relay([await sender.frame(frames[0]!)]), 1000);
    await codecLoaded();
    const wait = bobHears.idleWaitMs(1001);
    expect(wait).not.toBeNull();
    expect(wait!).toBeGreaterThan(0);
    // Not yet due: silence; due: the spurt starts, and from then on the phase is the stream's.
    expect(bobHears.pull(1001 + wait! - 1, out)).toEqual([]);
    expect(bobHears.pull(1001 + wait!, out).map((l) => l.userId)).toEqual([alice!.userId]);
    bobHears.receive(relay([await sender.frame(frames[1]!)]), 1020);
    expect(bobHears.idleWaitMs(1021)).toBeNull();
  });

  it('unwraps 16-bit sequence numbers across the wrap, either way', () => {
    expect(unwrap(null, 5)).toBe(5);
    expect(unwrap(65_534, 1)).toBe(65_537);
    expect(unwrap(65_537, 65_535)).toBe(65_535);
    expect(unwrap(10, 9)).toBe(9);
    expect(unwrap(3, 65_535)).toBe(0);
  });
});
