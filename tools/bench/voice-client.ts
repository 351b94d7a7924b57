/**
 * Client CPU for voice: what one listener's VoiceReceiver costs to decrypt (SFrame), buffer,
 * decode (Opus, libopus-wasm) and mix N simultaneous speakers, and what one VoiceSender costs
 * to encode and encrypt the microphone — in Node, with real MLS keys. Speakers' frames are made
 * beforehand, so only the listener's work is timed.
 * Run: node tools/bench/run.mjs voice-client [--speakers 1,5,10] [--seconds 20]
 */
import { FRAME_SAMPLES, createOpusDecoder, createOpusEncoder, sineFrames } from '@lemon/audio';
import { MlsClient, MlsExternalSender, SframeContext, userIdFromPublicKey } from '@lemon/crypto-wasm';
import { initCryptoFromFile } from '@lemon/crypto-wasm/node';
import { decodeVoiceUplink, encodeVoiceBatch } from '@lemon/protocol';
import { VoiceReceiver, VoiceSender } from '@lemon/voice';
import { runBench, saveResults } from './common';

const GROUP = new TextEncoder().encode('bench-voice');

function parseArgs(argv: string[]) {
  const opts = { speakers: [1, 5, 10], seconds: 20 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--speakers') opts.speakers = argv[++i]!.split(',').map(Number);
    else if (argv[i] === '--seconds') opts.seconds = Number(argv[++i]);
  }
  return opts;
}

/** A channel group of n members made the way the server's proposals make it. */
function group(n: number): MlsClient[] {
  const server = MlsExternalSender.fromSecretKey(new Uint8Array(32).fill(0xee));
  const clients = Array.from({ length: n }, (_, i) => MlsClient.create(new Uint8Array(32).fill(i + 1)));
  clients[0]!.createGroup(GROUP, server.publicKey, new TextEncoder().encode('bench'));
  const [first, ...rest] = clients;
  const packages = rest.map((c) => c.keyPackages(1)[0]!);
  for (const kp of packages) first!.processMessage(GROUP, server.proposeAdd(GROUP, first!.epoch(GROUP), kp));
  const bundle = first!.commitPendingProposals(GROUP);
  first!.mergePendingCommit(GROUP);
  for (const c of rest) c.joinFromWelcome(bundle.welcome!);
  return clients;
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  await initCryptoFromFile();
  const rows: Record<string, number>[] = [];
  for (const speakers of opts.speakers) {
    const members = group(speakers + 1);
    const contexts = members.map((m) => {
      const c = SframeContext.create();
      c.setEpochFromMls(m, GROUP);
      return c;
    });
    const ticks = opts.seconds * 50;
    // The speakers' packets, made first (their cost is theirs, not the listener's).
    const senders = await Promise.all(contexts.slice(1).map(async (c) => new VoiceSender(await createOpusEncoder(), c)));
    const tones = senders.map((_, i) => [...sineFrames(300 + 100 * i, opts.seconds, 0.3)]);
    const batches: Uint8Array[] = [];
    const encodeStart = cpuMs();
    for (let t = 0; t < ticks; t++) {
      const uplinks = await Promise.all(senders.map((s, i) => s.frame(tones[i]![t]!)));
      batches.push(encodeVoiceBatch(uplinks.map((u) => decodeVoiceUplink(u!)).map((u) => (u.type === 'frame' ? u.frame : new Uint8Array()))));
    }
    const encodeCpu = (cpuMs() - encodeStart) / senders.length;

    const listener = members[0]!;
    const receiver = new VoiceReceiver({
      sframe: contexts[0]!,
      makeDecoder: createOpusDecoder,
      userAt: (leaf) => {
        const key = listener.members(GROUP).find((m) => m.index === leaf)?.publicKey;
        return key ? userIdFromPublicKey(key) : null;
      },
    });
    const out = new Float32Array(FRAME_SAMPLES);
    receiver.receive(batches[0]!, 0);
    await createOpusDecoder().then((d) => d.close()); // speakers' decoders finish loading
    const start = cpuMs();
    const wall = performance.now();
    for (let t = 1; t < ticks; t++) {
      receiver.receive(batches[t]!, t * 20);
      receiver.pull(t * 20, out);
    }
    const listenCpu = cpuMs() - start;
    const listenWall = performance.now() - wall;
    const audioMs = (ticks - 1) * 20;
    rows.push({
      speakers,
      'listener CPU % of one core': +((listenCpu / audioMs) * 100).toFixed(2),
      'listener µs per 20 ms tick': +((listenWall / (ticks - 1)) * 1000).toFixed(0),
      'sender CPU % (encode+encrypt)': +((encodeCpu / (ticks * 20)) * 100).toFixed(2),
      'frames decrypted': receiver.stats().decrypted,
    });
    receiver.close();
  }
  console.table(rows);
  saveResults('voice-client', { options: opts, rows });
}

runBench(main, async () => undefined);
