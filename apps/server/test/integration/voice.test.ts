/**
 * Voice end to end through the real server process with the real client libraries: Opus
 * (libopus-wasm), SFrame keyed from each channel's MLS group (ChatClient + crypto-wasm), the
 * relay's per-tick batches, here over the WebSocket path (the fallback when UDP is blocked).
 * Two people talk at once with different tones; each hears the other's tone. Someone in
 * another channel receives nothing, and a member who left cannot decrypt what follows.
 */
import { ChatClient } from '@lemon/chat';
import { FRAME_SAMPLES, concatFrames, createOpusDecoder, createOpusEncoder, dominantFrequency, sineFrames } from '@lemon/audio';
import { MlsClient, type SframeContext } from '@lemon/crypto-wasm';
import { connectVoiceDataChannel, waitUntil, type VoiceDataChannel } from '@lemon/testing';
import { VoiceKeys, VoiceReceiver, VoiceSender } from '@lemon/voice';
import { sharedServer, type TestClient } from './helpers';

const TONES = [300, 440, 660, 880, 1000];

interface Talker {
  client: TestClient;
  chat: ChatClient;
  keys: VoiceKeys;
  /** Downlink packets with their arrival time (ms, performance clock). */
  packets: { at: number; packet: Uint8Array }[];
  /** Uplink: the WebSocket unless a data channel is up. */
  send: (packet: Uint8Array) => boolean;
  dc?: VoiceDataChannel;
}

/** Moves a talker's voice onto a WebRTC data channel with the server. */
async function useDataChannel(t: Talker): Promise<void> {
  const dc = await connectVoiceDataChannel(t.client.session);
  t.dc = dc;
  t.send = (packet) => dc.send(packet);
  dc.onPacket((packet) => t.packets.push({ at: performance.now(), packet: packet.slice() }));
}

function talker(client: TestClient): Talker {
  const chat = new ChatClient({ session: client.session, mls: MlsClient.create(client.identity.exportSecretKey()), keyPackageTarget: 3, readyTimeoutMs: 20_000 });
  const t: Talker = { client, chat, keys: new VoiceKeys(chat), packets: [], send: (packet) => client.session.sendVoice(packet) };
  // Voice keys follow the channel group.
  chat.on('channel', () => t.keys.update(performance.now()));
  client.session.on('voice', (packet) => t.packets.push({ at: performance.now(), packet: packet.slice() }));
  chat.start();
  return t;
}

const groupOf = (ts: Talker[], size: number) => () =>
  ts.every((t) => t.chat.canSendNow && t.chat.channelState?.phase === 'ready' && t.chat.channelState.memberKeys.length === size && t.keys.current()?.currentEpoch === t.chat.channelState.epoch);

const until = (ts: Talker[], check: () => boolean, what: string) =>
  waitUntil(check, ts.map((t) => (f: () => void) => t.chat.on('channel', f)), what);

/** Sends a tone at the microphone's pace (one 20 ms frame per 20 ms), then the end marker. */
async function speak(t: Talker, freq: number, seconds: number): Promise<void> {
  const sender = new VoiceSender(await createOpusEncoder(), t.keys.current);
  const frames = [...sineFrames(freq, seconds, 0.5)];
  await new Promise<void>((resolve, reject) => {
    let i = 0;
    const timer = setInterval(() => {
      sender.frame(frames[i]!).then((packet) => {
        if (packet) t.send(packet);
      }, reject);
      if (++i === frames.length) {
        clearInterval(timer);
        resolve();
      }
    }, 20);
  });
  t.send(sender.end());
}

/** Plays what `t` received through a VoiceReceiver on a 20 ms playout clock; returns the output. */
async function playback(t: Talker, sframe: SframeContext | (() => SframeContext | null) = t.keys.current, userAt = (leaf: number) => t.chat.memberAt(leaf)): Promise<{ out: Float32Array; receiver: VoiceReceiver }> {
  const receiver = new VoiceReceiver({ sframe, makeDecoder: createOpusDecoder, userAt });
  await createOpusDecoder().then((d) => d.close());
  const start = t.packets[0]?.at ?? 0;
  const end = (t.packets.at(-1)?.at ?? 0) + 300;
  const frames: Float32Array[] = [];
  const out = new Float32Array(FRAME_SAMPLES);
  let next = 0;
  for (let now = start; now <= end; now += 20) {
    while (next < t.packets.length && t.packets[next]!.at <= now) receiver.receive(t.packets[next]!.packet, t.packets[next++]!.at);
    if (frames.length === 0) await createOpusDecoder().then((d) => d.close()); // decoders made on first frames finish loading
    receiver.pull(now, out);
    frames.push(out.slice());
  }
  return { out: concatFrames(frames), receiver };
}

describe('voice through the real server', () => {
  const shared = sharedServer();
  const people: Talker[] = [];
  afterEach(async () => {
    for (const t of people.splice(0)) {
      t.chat.stop();
      await t.dc?.close();
    }
  });

  it('two talk at once: each hears the other’s tone; another channel hears nothing; a leaver cannot decrypt what follows', async () => {
    const [ann, bob, cid, dan] = await Promise.all(['TAnn', 'TBob', 'TCid', 'TDan'].map(async (n) => talker(await shared.join(n))));
    people.push(ann!, bob!, cid!, dan!);
    const { channel } = await ann!.client.session.request('channel.create', { parentId: null, name: 'Tone Room' });
    const { channel: elsewhere } = await ann!.client.session.request('channel.create', { parentId: null, name: 'Elsewhere' });
    for (const t of [ann!, bob!, dan!]) await t.client.session.request('channel.join', { channelId: channel.id });
    await cid!.client.session.request('channel.join', { channelId: elsewhere.id });
    for (const t of [ann!, bob!, cid!, dan!]) await t.client.session.request('voice.path', { path: 'websocket' });
    await until([ann!, bob!, dan!], groupOf([ann!, bob!, dan!], 3), 'three in the voice group');

    // Dan leaves the channel; what follows is in a new epoch he is not part of.
    const dansOldKeys = dan!.keys.current()!;
    await dan!.client.session.request('channel.join', { channelId: elsewhere.id });
    await until([ann!, bob!], groupOf([ann!, bob!], 2), 'two left in the voice group');

    await Promise.all([speak(ann!, 440, 1.5), speak(bob!, 880, 1.5)]);
    await waitUntil(
      () => ann!.packets.length >= 60 && bob!.packets.length >= 60,
      [ann!, bob!].map((t) => (f: () => void) => t.client.session.on('voice', f)),
      'the tones at both ends',
    );

    const annHears = await playback(ann!);
    const bobHears = await playback(bob!);
    expect(dominantFrequency(annHears.out, TONES)).toBe(880);
    expect(dominantFrequency(bobHears.out, TONES)).toBe(440);
    expect(annHears.receiver.stats()).toMatchObject({ undecryptable: 0, unknownSender: 0 });
    expect(bobHears.receiver.stats().decrypted).toBeGreaterThanOrEqual(60);
    // The relay batches per 20 ms tick: never more packets than frames.
    expect(bob!.packets.length).toBeLessThanOrEqual(bobHears.receiver.stats().framesIn);

    // Elsewhere: nothing arrived at all.
    expect(cid!.packets).toEqual([]);
    // Dan, given every packet Bob got, decrypts none of it with the keys he had.
    const danTries = await playback({ ...bob!, packets: bob!.packets }, dansOldKeys, () => 'someone');
    expect(danTries.receiver.stats().decrypted).toBe(0);
  });

  it('carries voice over WebRTC data channels with the server (werift), both ways', async () => {
    const [eve, fay] = await Promise.all(['DEve', 'DFay'].map(async (n) => talker(await shared.join(n))));
    people.push(eve!, fay!);
    const { channel } = await eve!.client.session.request('channel.create', { parentId: null, name: 'Wire Room' });
    for (const t of [eve!, fay!]) await t.client.session.request('channel.join', { channelId: channel.id });
    await until([eve!, fay!], groupOf([eve!, fay!], 2), 'two in the voice group');
    await Promise.all([useDataChannel(eve!), useDataChannel(fay!)]);

    let wsPackets = 0;
    for (const t of [eve!, fay!]) t.client.session.on('voice', () => (wsPackets += 1));
    await Promise.all([speak(eve!, 300, 1.5), speak(fay!, 1000, 1.5)]);
    await waitUntil(
      () => eve!.packets.length >= 60 && fay!.packets.length >= 60,
      [eve!, fay!].map((t) => (f: () => void) => t.dc!.onPacket(f)),
      'the tones over the data channels',
    );
    expect(dominantFrequency((await playback(eve!)).out, TONES)).toBe(1000);
    expect(dominantFrequency((await playback(fay!)).out, TONES)).toBe(300);
    // Nothing took the WebSocket path.
    expect(wsPackets).toBe(0);
  });
});
