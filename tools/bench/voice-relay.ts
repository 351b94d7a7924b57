/**
 * Voice relay capacity over the WebSocket path (the fallback when UDP is blocked), through the
 * real server process on loopback: one channel of `--listeners` members who all chose the
 * WebSocket path, of whom 1, 5, 10, 20 (`--speakers`) talk at once. Everyone in the channel
 * listens; a speaker hears everyone but itself.
 *
 * Clients are the real Session library (connectClient), spread round-robin over `--workers`
 * worker threads (default 2); the main thread only starts the server, coordinates and reads
 * /proc. Speakers are spread round-robin over the workers too. Each speaker sends one uplink
 * packet per 20 ms from its own timer (the microphone's clock, random phase): a fake 136-byte
 * "SFrame" (48 kbit/s Opus + SFrame overhead) carrying the speaker's index, a sequence number
 * and its send time on process.hrtime (one monotonic clock shared by every thread).
 *
 * Per configuration, after `--warmup` seconds of talking, a window of `--seconds`:
 *  - server CPU (utime + stime of the server process from /proc/<pid>/stat) as % of one core;
 *  - frames/s in (sent by the speakers), frames/s out (frames delivered to listeners, counted
 *    inside the batches), downlink packets/s received;
 *  - loss: frames sent in the window × (listeners − 1) expected deliveries vs. received ones
 *    (after a 1 s drain);
 *  - relay delay per delivery = receive time − send time. It includes the relay's batching
 *    wait: a frame waits for the next 20 ms tick, so 0–20 ms (uniform for random phases) by
 *    design. To separate it, one non-speaking "reference" listener's batches identify which
 *    frames left in the same tick; the first receipt of that tick by any listener (T0) is an
 *    upper bound of the tick's time. Then per frame "send → tick" = T0 − send (uplink + batching
 *    wait + the server's work up to its first send) and per tick "fan-out" = last listener's
 *    receipt − T0 (the server writing ~100 packets, loopback, and the client threads reading them).
 *  - bench process CPU (all threads, % of one core), the whole machine's busy % (from /proc/stat,
 *    of all cores), and the worker threads' event-loop delay p99 (are the clients keeping up?).
 * Run: node tools/bench/run.mjs voice-relay [--listeners 100] [--speakers 1,5,10,20] [--seconds 10] [--warmup 3] [--workers 2]
 */
import { decodeVoiceBatch, encodeVoiceEnd, encodeVoiceFrame } from '@lemon/protocol';
import { connectClient, makeTempDir, parseLogLine, removeTempDirs, startServerProcess, type TestClient } from '@lemon/testing';
import { initCryptoFromFile } from '@lemon/crypto-wasm/node';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { WorkerThread, runBench, saveResults, serveCommands } from './common';

const FRAME_BYTES = 136;
const FRAME_MS = 20;
/** Delay histogram: 10 µs bins up to 2 s, the last bin holds everything slower. */
const BIN_US = 10;
const BINS = 200_000;

interface WorkerSetup {
  wsUrl: string;
  /** process.hrtime.bigint() at the bench's start: every thread measures from it. */
  base: bigint;
  /** Whether this worker's last client is the reference listener (never a speaker). */
  reference: boolean;
}

type Command =
  | { op: 'connect'; names: string[]; parallel: number }
  | { op: 'create'; name: string }
  | { op: 'enter'; channelId: number }
  /** These local clients start talking; frames sent in [fromUs, toUs) are measured. */
  | { op: 'talk'; speakers: { local: number; global: number }[]; fromUs: number; toUs: number }
  | { op: 'stop' }
  | { op: 'collect' }
  | { op: 'close' };


/** What one worker measured in one configuration. */
interface Collected {
  framesSent: number;
  /** Deliveries of frames sent in the window. */
  deliveries: number;
  /** Downlink packets received within the window. */
  packets: number;
  /** Deliveries of frames outside the window, or of unknown frames (never expected). */
  other: number;
  histogram: Uint32Array;
  /** Per frame sent in the window: key, send time, first and last receipt here, receipts here. */
  frames: Float64Array;
  /** Reference listener only: frame key → index of the reference batch (tick) it came in. */
  ticks: Float64Array;
  loopDelayP99Ms: number;
  dropped: string[];
}

// ---- worker side ----------------------------------------------------------------------------

async function workerMain(setup: WorkerSetup): Promise<void> {
  const port = parentPort!;
  const ready = initCryptoFromFile();
  const nowUs = () => Number(process.hrtime.bigint() - setup.base) / 1000;
  const clients: TestClient[] = [];
  const dropped: string[] = [];
  let closing = false;

  // Measurement state of the current configuration.
  let fromUs = Infinity;
  let toUs = -Infinity;
  let framesSent = 0;
  let deliveries = 0;
  let packets = 0;
  let other = 0;
  let histogram = new Uint32Array(BINS);
  let perFrame = new Map<number, { send: number; first: number; last: number; n: number }>();
  let refTicks = new Map<number, number>();
  let refBatch = 0;
  const loop = monitorEventLoopDelay({ resolution: 1 });
  const timers: NodeJS.Timeout[] = [];
  const talking: TestClient[] = [];

  const listen = (client: TestClient, isReference: boolean) => {
    client.session.on('voice', (packet) => {
      const rx = nowUs();
      if (rx >= fromUs && rx < toUs) packets++;
      const frames = decodeVoiceBatch(packet);
      if (isReference) refBatch++;
      for (const f of frames) {
        if (f.length !== FRAME_BYTES) {
          other++;
          continue;
        }
        const view = new DataView(f.buffer, f.byteOffset, f.byteLength);
        const speaker = view.getUint16(0);
        const seq = view.getUint32(2);
        const send = view.getFloat64(6);
        if (!(send >= fromUs && send < toUs)) {
          other++;
          continue;
        }
        deliveries++;
        const delay = rx - send;
        histogram[Math.min(BINS - 1, Math.max(0, Math.floor(delay / BIN_US)))]! += 1;
        const key = speaker * 1e7 + seq;
        const entry = perFrame.get(key);
        if (entry) {
          entry.first = Math.min(entry.first, rx);
          entry.last = Math.max(entry.last, rx);
          entry.n++;
        } else perFrame.set(key, { send, first: rx, last: rx, n: 1 });
        if (isReference) refTicks.set(key, refBatch);
      }
    });
  };

  const startSpeaker = (client: TestClient, global: number) => {
    let seq = 0;
    const body = new Uint8Array(FRAME_BYTES).fill(0x5a);
    const view = new DataView(body.buffer);
    view.setUint16(0, global);
    const sendOne = () => {
      const send = nowUs();
      view.setUint32(2, seq++);
      view.setFloat64(6, send);
      if (client.session.sendVoice(encodeVoiceFrame(body)) && send >= fromUs && send < toUs) framesSent++;
    };
    // A random phase, as real microphones have; then the speaker's own 20 ms clock.
    const start = setTimeout(() => {
      sendOne();
      timers.push(setInterval(sendOne, FRAME_MS));
    }, Math.random() * FRAME_MS);
    timers.push(start);
    talking.push(client);
  };

  const handle = async (cmd: Command): Promise<unknown> => {
    await ready;
    switch (cmd.op) {
      case 'connect': {
        let next = 0;
        const one = async () => {
          for (let i = next++; i < cmd.names.length; i = next++) {
            const client = await connectClient(setup.wsUrl, cmd.names[i]!, { requestTimeoutMs: 60_000 });
            client.session.on('state', (state, detail) => {
              if (state !== 'online' && !closing) dropped.push(`${cmd.names[i]} (${detail?.error?.message ?? state})`);
            });
            clients[i] = client;
          }
        };
        await Promise.all(Array.from({ length: cmd.parallel }, one));
        clients.forEach((c, i) => listen(c, setup.reference && i === clients.length - 1));
        return null;
      }
      case 'create': {
        const { channel } = await clients[0]!.session.request('channel.create', { parentId: null, name: cmd.name });
        return channel.id;
      }
      case 'enter':
        await Promise.all(
          clients.map(async (c) => {
            await c.session.request('channel.join', { channelId: cmd.channelId });
            await c.session.request('voice.path', { path: 'websocket' });
          }),
        );
        return null;
      case 'talk':
        fromUs = cmd.fromUs;
        toUs = cmd.toUs;
        framesSent = deliveries = packets = other = refBatch = 0;
        histogram = new Uint32Array(BINS);
        perFrame = new Map();
        refTicks = new Map();
        loop.reset();
        loop.enable();
        for (const s of cmd.speakers) startSpeaker(clients[s.local]!, s.global);
        return null;
      case 'stop':
        for (const t of timers.splice(0)) clearInterval(t);
        for (const c of talking.splice(0)) c.session.sendVoice(encodeVoiceEnd());
        loop.disable();
        return null;
      case 'collect': {
        const frames = new Float64Array(perFrame.size * 5);
        let at = 0;
        for (const [key, e] of perFrame) frames.set([key, e.send, e.first, e.last, e.n], (at++) * 5);
        const ticks = new Float64Array(refTicks.size * 2);
        at = 0;
        for (const [key, tick] of refTicks) ticks.set([key, tick], (at++) * 2);
        return {
          framesSent,
          deliveries,
          packets,
          other,
          histogram,
          frames,
          ticks,
          loopDelayP99Ms: loop.percentile(99) / 1e6,
          dropped: dropped.slice(0, 5),
        } satisfies Collected;
      }
      case 'close':
        closing = true;
        for (const c of clients) c.session.close();
        return null;
    }
  };

  serveCommands<Command>(handle, port);
}

// ---- coordinator side -----------------------------------------------------------------------

interface Options {
  listeners: number;
  speakers: number[];
  seconds: number;
  warmup: number;
  workers: number;
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { listeners: 100, speakers: [1, 5, 10, 20], seconds: 10, warmup: 3, workers: 2 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--listeners') opts.listeners = Number(argv[++i]);
    else if (argv[i] === '--speakers') opts.speakers = argv[++i]!.split(',').map(Number);
    else if (argv[i] === '--seconds') opts.seconds = Number(argv[++i]);
    else if (argv[i] === '--warmup') opts.warmup = Number(argv[++i]);
    else if (argv[i] === '--workers') opts.workers = Number(argv[++i]);
  }
  if (!Number.isInteger(opts.listeners) || opts.listeners < 2) throw new Error('--listeners must be at least 2');
  if (opts.speakers.some((s) => !Number.isInteger(s) || s < 1 || s >= opts.listeners)) throw new Error('--speakers: each 1 … listeners − 1 (one listener never speaks)');
  if (!(opts.seconds > 0) || !(opts.warmup >= 0) || !Number.isInteger(opts.workers) || opts.workers < 1) throw new Error('bad --seconds, --warmup or --workers');
  return opts;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** CPU seconds (user + system, all threads) of a process, from /proc. */
function cpuSecondsOf(pid: number | 'self'): number {
  const { user, system } = cpuSplitOf(pid);
  return user + system;
}
/** User and system CPU seconds of a process (utime, stime; 100 ticks a second). */
function cpuSplitOf(pid: number | 'self'): { user: number; system: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return { user: Number(stat[11]) / 100, system: Number(stat[12]) / 100 };
}
function rssMiBOf(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
}
/** Whole machine: busy and total jiffies over all cores. */
function machineTicks(): { busy: number; total: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  const idle = f[3]! + (f[4] ?? 0);
  return { busy: total - idle, total };
}

/** Percentile (ms) of a 10 µs-bin histogram. */
function histPct(h: Uint32Array, total: number, p: number): number {
  if (total === 0) return NaN;
  const rank = Math.ceil((total * p) / 100);
  let seen = 0;
  for (let i = 0; i < h.length; i++) {
    seen += h[i]!;
    if (seen >= rank) return ((i + 0.5) * BIN_US) / 1000;
  }
  return NaN;
}
const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((s.length * p) / 100))]!;
};
const r1 = (x: number) => +x.toFixed(1);
const r2 = (x: number) => +x.toFixed(2);

async function runConfig(threads: WorkerThread<Command>[], serverPid: number, speakers: number, opts: Options, base: bigint) {
  const nowUs = () => Number(process.hrtime.bigint() - base) / 1000;
  const log = (text: string) => process.stderr.write(`voice-relay ${speakers} speakers: ${text}\n`);
  // Speaker g is client g overall: client i lives on worker i % workers at local index ⌊i / workers⌋.
  const fromUs = nowUs() + opts.warmup * 1e6 + 100_000;
  const toUs = fromUs + opts.seconds * 1e6;
  await Promise.all(
    threads.map((t, w) => {
      const mine = [];
      for (let g = 0; g < speakers; g++) if (g % threads.length === w) mine.push({ local: Math.floor(g / threads.length), global: g });
      return t.call({ op: 'talk', speakers: mine, fromUs, toUs });
    }),
  );
  log(`talking; warm-up ${opts.warmup} s, then ${opts.seconds} s measured`);
  await sleep((fromUs - nowUs()) / 1000);
  const split0 = cpuSplitOf(serverPid);
  const server0 = split0.user + split0.system;
  const self0 = cpuSecondsOf('self');
  const machine0 = machineTicks();
  const t0 = nowUs();
  await sleep((toUs - nowUs()) / 1000);
  const split1 = cpuSplitOf(serverPid);
  const server1 = split1.user + split1.system;
  const self1 = cpuSecondsOf('self');
  const machine1 = machineTicks();
  const elapsedS = (nowUs() - t0) / 1e6;
  const serverRssMiB = rssMiBOf(serverPid);
  await Promise.all(threads.map((t) => t.call({ op: 'stop' })));
  await sleep(1000); // drain: late deliveries still count, and the talking lights go out
  const got = await Promise.all(threads.map((t) => t.call<Collected>({ op: 'collect' })));

  const framesSent = got.reduce((n, c) => n + c.framesSent, 0);
  const deliveries = got.reduce((n, c) => n + c.deliveries, 0);
  const packets = got.reduce((n, c) => n + c.packets, 0);
  const other = got.reduce((n, c) => n + c.other, 0);
  const histogram = new Uint32Array(BINS);
  for (const c of got) for (let i = 0; i < BINS; i++) histogram[i]! += c.histogram[i]!;
  const expected = framesSent * (opts.listeners - 1);

  // Per frame across workers: send time, first and last receipt by anyone.
  const frames = new Map<number, { send: number; first: number; last: number; n: number }>();
  for (const c of got) {
    for (let i = 0; i < c.frames.length; i += 5) {
      const [key, send, first, last, n] = [c.frames[i]!, c.frames[i + 1]!, c.frames[i + 2]!, c.frames[i + 3]!, c.frames[i + 4]!];
      const e = frames.get(key);
      if (e) {
        e.first = Math.min(e.first, first);
        e.last = Math.max(e.last, last);
        e.n += n;
      } else frames.set(key, { send, first, last, n });
    }
  }
  // Ticks, as the reference listener saw them: T0 = first receipt of any of the tick's frames by anyone.
  const tickOf = new Map<number, number>();
  for (const c of got) for (let i = 0; i < c.ticks.length; i += 2) tickOf.set(c.ticks[i]!, c.ticks[i + 1]!);
  const ticks = new Map<number, { t0: number; last: number }>();
  for (const [key, tick] of tickOf) {
    const f = frames.get(key);
    if (!f) continue;
    const t = ticks.get(tick);
    if (t) {
      t.t0 = Math.min(t.t0, f.first);
      t.last = Math.max(t.last, f.last);
    } else ticks.set(tick, { t0: f.first, last: f.last });
  }
  const sendToTickMs: number[] = [];
  for (const [key, tick] of tickOf) {
    const f = frames.get(key);
    const t = ticks.get(tick);
    if (f && t) sendToTickMs.push((t.t0 - f.send) / 1000);
  }
  const fanoutMs = [...ticks.values()].map((t) => (t.last - t.t0) / 1000);
  const firstMs = [...frames.values()].map((f) => (f.first - f.send) / 1000);
  const dropped = got.flatMap((c) => c.dropped);
  for (const d of dropped) log(`connection ended: ${d}`);

  return {
    speakers,
    listeners: opts.listeners,
    serverCpuPct: r1(((server1 - server0) / elapsedS) * 100),
    /** Of which in the kernel (socket writes; on loopback the sender also runs the receiving TCP path). */
    serverSysPct: r1(((split1.system - split0.system) / elapsedS) * 100),
    framesInPerS: r1(framesSent / elapsedS),
    framesOutPerS: r1(deliveries / elapsedS),
    packetsOutPerS: r1(packets / elapsedS),
    lossPct: expected > 0 ? r2((1 - deliveries / expected) * 100) : NaN,
    delayP50Ms: r2(histPct(histogram, deliveries, 50)),
    delayP99Ms: r2(histPct(histogram, deliveries, 99)),
    delayMaxMs: r2(histPct(histogram, deliveries, 100)),
    firstRxMinMs: r2(pct(firstMs, 0)),
    sendToTickP50Ms: r2(pct(sendToTickMs, 50)),
    sendToTickP99Ms: r2(pct(sendToTickMs, 99)),
    fanoutP50Ms: r2(pct(fanoutMs, 50)),
    fanoutP99Ms: r2(pct(fanoutMs, 99)),
    clientCpuPct: r1(((self1 - self0) / elapsedS) * 100),
    machineBusyPct: r1(((machine1.busy - machine0.busy) / (machine1.total - machine0.total)) * 100),
    workerLoopP99Ms: r1(Math.max(...got.map((c) => c.loopDelayP99Ms))),
    serverRssMiB: r1(serverRssMiB),
    expected,
    deliveries,
    /** Frames sent during warm-up or drain (not measured). */
    unmeasuredFrames: other,
    ticksPerS: r1(ticks.size / elapsedS),
    droppedConnections: dropped.length,
  };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const base = process.hrtime.bigint();
  // Requests are few here (login, join, voice.path) and voice frames skip the request bucket;
  // the limits are lifted only so that logins from one address in parallel are never refused.
  const dataDir = makeTempDir('lemon-bench-');
  writeFileSync(
    join(dataDir, 'config.json'),
    JSON.stringify({ limits: { rateLimitPerSecond: 100_000, rateLimitBurst: 100_000, maxPendingLogins: 1024, maxPendingLoginsPerAddress: 1024 } }),
  );
  const server = await startServerProcess({ dataDir, args: ['--log-level', 'warn'] });
  const pid = server.child.pid!;
  const threads = Array.from({ length: opts.workers }, (_, w) => new WorkerThread<Command>(`client ${w}`, { wsUrl: server.wsUrl, base, reference: w === 0 } satisfies WorkerSetup));
  const rows = [];
  try {
    const started = performance.now();
    await Promise.all(
      threads.map((t, w) => {
        const names: string[] = [];
        for (let i = w; i < opts.listeners; i += opts.workers) names.push(`voice-${i}`);
        return t.call({ op: 'connect', names, parallel: 8 });
      }),
    );
    const channelId = await threads[0]!.call<number>({ op: 'create', name: 'Voice bench' });
    await Promise.all(threads.map((t) => t.call({ op: 'enter', channelId })));
    process.stderr.write(`voice-relay: ${opts.listeners} clients in the channel on the WebSocket path (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
    // The reference listener is worker 0's last client; it must never speak.
    const refGlobal = Math.floor((opts.listeners - 1) / opts.workers) * opts.workers;
    if (opts.speakers.some((s) => s > refGlobal)) throw new Error(`at most ${refGlobal} speakers with ${opts.listeners} listeners`);
    const idle0 = cpuSecondsOf(pid);
    await sleep(2000);
    process.stderr.write(`voice-relay: idle server CPU ${(((cpuSecondsOf(pid) - idle0) / 2) * 100).toFixed(1)} %\n`);

    for (const speakers of opts.speakers) {
      const logged = server.logLines.length;
      const row = await runConfig(threads, pid, speakers, opts, base);
      const said = server.logLines.slice(logged).filter((line) => parseLogLine(line) !== null);
      for (const line of said.slice(0, 10)) process.stderr.write(`voice-relay ${speakers}: server: ${line}\n`);
      rows.push({ ...row, serverLogLines: said.length });
      console.log(JSON.stringify(row));
      await sleep(1000);
    }
    await Promise.all(threads.map((t) => t.call({ op: 'close' })));
  } finally {
    await Promise.all(threads.map((t) => t.worker.terminate()));
    await server.stop();
    removeTempDirs();
  }
  console.table(
    rows.map((r) => ({
      speakers: r.speakers,
      'server CPU %': r.serverCpuPct,
      'of it sys %': r.serverSysPct,
      'frames in/s': r.framesInPerS,
      'frames out/s': r.framesOutPerS,
      'packets out/s': r.packetsOutPerS,
      'loss %': r.lossPct,
      'delay p50': r.delayP50Ms,
      'delay p99': r.delayP99Ms,
      'send→tick p50': r.sendToTickP50Ms,
      'fan-out p50': r.fanoutP50Ms,
      'fan-out p99': r.fanoutP99Ms,
      'client CPU %': r.clientCpuPct,
      'machine %': r.machineBusyPct,
    })),
  );
  saveResults('voice-relay', { options: opts, frameBytes: FRAME_BYTES, rows });
}

runBench(main, () => workerMain(workerData as WorkerSetup));
