/**
 * Voice latency through the real server on loopback, excluding the audio devices: from the
 * moment a 20 ms frame is complete at the microphone side until the listener's playout clock
 * starts playing it — Opus encode, SFrame, the WebSocket or a data channel up, the relay's
 * tick, down, SFrame, jitter buffer wait, decode, mix. Add 20 ms of framing and the devices'
 * own buffers (browser: typically 10–40 ms) for mouth to ear.
 * Run: node tools/bench/run.mjs voice-latency [--seconds 20] [--path websocket|datachannel]
 */
import { ChatClient } from '@lemon/chat';
import { FRAME_SAMPLES, createOpusDecoder, createOpusEncoder, sineFrames } from '@lemon/audio';
import { MlsClient } from '@lemon/crypto-wasm';
import { initCryptoFromFile } from '@lemon/crypto-wasm/node';
import { connectClient, connectVoiceDataChannel, removeTempDirs, startServerProcess, waitUntil, type TestClient, type VoiceDataChannel } from '@lemon/testing';
import { VoiceKeys, VoiceReceiver, VoiceSender } from '@lemon/voice';
import { runBench, saveResults } from './common';

function parseArgs(argv: string[]) {
  const opts = { seconds: 20, path: 'websocket' as 'websocket' | 'datachannel' };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--seconds') opts.seconds = Number(argv[++i]);
    else if (argv[i] === '--path') opts.path = argv[++i] === 'datachannel' ? 'datachannel' : 'websocket';
  }
  return opts;
}

const pct = (xs: number[], p: number) => +[...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!.toFixed(1);

interface Person {
  client: TestClient;
  chat: ChatClient;
  keys: VoiceKeys;
  dc?: VoiceDataChannel;
}

async function person(wsUrl: string, name: string): Promise<Person> {
  const client = await connectClient(wsUrl, name);
  const chat = new ChatClient({ session: client.session, mls: MlsClient.create(client.identity.exportSecretKey()), keyPackageTarget: 3 });
  const keys = new VoiceKeys(chat);
  chat.on('channel', () => keys.update(performance.now()));
  chat.start();
  return { client, chat, keys };
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  await initCryptoFromFile();
  const server = await startServerProcess();
  try {
    const ann = await person(server.wsUrl, 'Ann');
    const bob = await person(server.wsUrl, 'Bob');
    const { channel } = await ann.client.session.request('channel.create', { parentId: null, name: 'Latency' });
    for (const p of [ann, bob]) await p.client.session.request('channel.join', { channelId: channel.id });
    const ready = () => [ann, bob].every((p) => p.chat.canSendNow && p.chat.channelState?.phase === 'ready' && p.chat.channelState.memberKeys.length === 2 && p.keys.current()?.currentEpoch === p.chat.channelState.epoch);
    await waitUntil(ready, [ann, bob].map((p) => (f: () => void) => p.chat.on('channel', f)), 'the voice group');
    for (const p of [ann, bob]) {
      if (opts.path === 'datachannel') p.dc = await connectVoiceDataChannel(p.client.session);
      else await p.client.session.request('voice.path', { path: 'websocket' });
    }

    const completedAt = new Map<number, number>();
    const latencies: number[] = [];
    const receiver = new VoiceReceiver({
      sframe: bob.keys.current,
      makeDecoder: createOpusDecoder,
      userAt: (leaf) => bob.chat.memberAt(leaf),
      onPlayed: (_user, seq, now) => {
        const at = completedAt.get(seq);
        if (at !== undefined) latencies.push(now - at);
      },
    });
    const onPacket = (packet: Uint8Array) => receiver.receive(packet, performance.now());
    if (bob.dc) bob.dc.onPacket(onPacket);
    else bob.client.session.on('voice', onPacket);
    await createOpusDecoder().then((d) => d.close());

    // The listener's playout clock: one mixed frame every 20 ms.
    const out = new Float32Array(FRAME_SAMPLES);
    const playout = setInterval(() => receiver.pull(performance.now(), out), 20);
    // The speaker's microphone clock: a frame completes every 20 ms.
    const sender = new VoiceSender(await createOpusEncoder(), ann.keys.current);
    const frames = [...sineFrames(440, opts.seconds, 0.5)];
    const send = (packet: Uint8Array) => (ann.dc ? ann.dc.send(packet) : ann.client.session.sendVoice(packet));
    await new Promise<void>((resolve) => {
      let i = 0;
      const mic = setInterval(() => {
        completedAt.set(i & 0xffff, performance.now());
        void sender.frame(frames[i]!).then((packet) => packet && send(packet));
        if (++i === frames.length) {
          clearInterval(mic);
          resolve();
        }
      }, 20);
    });
    await waitUntil(() => latencies.length >= frames.length * 0.98, [(f) => { const t = setInterval(f, 20); return () => clearInterval(t); }], 'playout of the last frames', 5_000).catch(() => undefined);
    clearInterval(playout);
    const stable = latencies.slice(50);
    const row = {
      path: opts.path,
      frames: frames.length,
      played: latencies.length,
      'p50 ms': pct(stable, 50),
      'p90 ms': pct(stable, 90),
      'p99 ms': pct(stable, 99),
      'max ms': +Math.max(...stable).toFixed(1),
    };
    console.table([row]);
    saveResults('voice-latency', { options: opts, row });
    for (const p of [ann, bob]) {
      p.chat.stop();
      await p.dc?.close();
      p.client.session.close();
    }
  } finally {
    await server.stop();
    removeTempDirs();
  }
}

runBench(main, async () => undefined);
