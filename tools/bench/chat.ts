/**
 * Encrypted chat through the real server process, with the real client libraries (Session +
 * ChatClient + MLS in WASM), the simulated clients spread over worker threads so that the
 * clients on the critical path do not wait for the MLS work of everyone else:
 *  - "committer" thread: the member present longest in the bench channel. The server asks it
 *    to commit every change, so it sits on every join's critical path; it also sends the
 *    measured messages.
 *  - "receiver" thread: the one member whose message latency is measured.
 *  - "joiner" thread: the user whose join latency is measured (lobby ↔ bench channel).
 *  - `--workers` "bulk" threads: every other member, spread round-robin.
 * The main thread only starts the server, coordinates the phases and reads the results; each
 * worker loads the WASM module itself. All threads and the server share the machine's cores.
 *
 * Join latency: from the joiner sending channel.join until its ChatClient can encrypt to the
 * group of N members. Message latency: the committer stamps a 100-character text with the
 * process's monotonic clock (shared by all threads) right before encrypting; the receiver
 * reads the clock right after decrypting. The next message is sent once every member has
 * decrypted the previous one.
 * Run: node tools/bench/run.mjs chat [--sizes 10,100] [--messages 200] [--joins 5] [--workers 2] [--batch 25]
 */
import { ChatClient } from '@lemon/chat';
import { MlsClient } from '@lemon/crypto-wasm';
import { initCryptoFromFile } from '@lemon/crypto-wasm/node';
import { toBase64Url } from '@lemon/protocol';
import { waitUntil, connectClient, makeTempDir, parseLogLine, removeTempDirs, startServerProcess, type TestClient } from '@lemon/testing';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { WorkerThread, runBench, saveResults, serveCommands } from './common';

// ---- coordinator ↔ worker messages ----------------------------------------------------------

type Role = 'committer' | 'receiver' | 'joiner' | 'bulk';

interface WorkerSetup {
  role: Role;
  wsUrl: string;
}

/** Channel id, or the lobby of each client. */
type Where = number | 'lobby';

type Command =
  /** Logs these users in (in the lobby), `parallel` at a time; `chat` starts their ChatClient right away. */
  | { op: 'connect'; names: string[]; chat: boolean; parallel: number }
  /** The first local client creates the bench channel; answers its id. */
  | { op: 'create'; name: string }
  /** These local clients join the channel, then start their ChatClient (uploads key packages). */
  | { op: 'enter'; channelId: number; indexes: number[] }
  /** Resolves when every client with a running ChatClient is in `where` and can send to `count` members. */
  | { op: 'settled'; where: Where; count: number; timeoutMs: number }
  /** The measured join (single-client worker); answers milliseconds. */
  | { op: 'join'; channelId: number; size: number; timeoutMs: number }
  /** Back to the lobby, alone in its group there. */
  | { op: 'leave'; timeoutMs: number }
  /** The first local client sends bench message k. */
  | { op: 'send'; k: number }
  /** Resolves when every member here decrypted message k; answers the slowest latency. */
  | { op: 'seen'; k: number; timeoutMs: number }
  | { op: 'close' };

/** Sent by the receiver without being asked, as soon as it decrypted a bench message. */
interface Received {
  event: 'received';
  k: number;
  ms: number;
}
interface Closed {
  problems: number;
  samples: string[];
}

const BENCH_TEXT = /^bench (\d+) (\d+) /;

// ---- worker side ----------------------------------------------------------------------------

interface Local {
  name: string;
  client: TestClient;
  chat: ChatClient | null;
  channelId: number | null;
  /** Members of its channel group while it can encrypt to them, else 0. */
  count: number;
  /** Highest bench message decrypted. */
  lastSeen: number;
}

async function workerMain(setup: WorkerSetup): Promise<void> {
  const port = parentPort!;
  const ready = initCryptoFromFile();
  const locals: Local[] = [];
  const watchers = new Set<() => void>();
  const changed = () => {
    for (const w of [...watchers]) w();
  };
  /** Clients whose connection ended (the bench never reconnects): a wait for them would never end. */
  const dropped: string[] = [];
  const until = async (check: () => boolean, what: string, timeoutMs: number) => {
    const subscribe = (recheck: () => void) => {
      watchers.add(recheck);
      return () => void watchers.delete(recheck);
    };
    await waitUntil(() => dropped.length > 0 || check(), [subscribe], `${setup.role}: ${what}`, timeoutMs);
    if (dropped.length > 0) throw new Error(`${setup.role}: ${dropped.length} connection(s) ended while waiting for ${what}: ${dropped.slice(0, 3).join('; ')}`);
  };
  let closing = false;
  const slowest = new Map<number, number>();
  let problems = 0;
  const samples: string[] = [];

  const startChat = (local: Local) => {
    const { client } = local;
    const chat = new ChatClient({ session: client.session, mls: MlsClient.create(client.identity.exportSecretKey()), keyPackageTarget: 3, readyTimeoutMs: 600_000 });
    // The state comes with the event; reading it again (mls.members) per check would cost O(N).
    chat.on('channel', (state) =>
      queueMicrotask(() => {
        local.channelId = state.channelId;
        local.count = state.phase === 'ready' && chat.canSendNow ? state.memberKeys.length : 0;
        changed();
      }),
    );
    chat.on('message', (m) => {
      const stamp = m.payload.t === 'text' && !m.self ? BENCH_TEXT.exec(m.payload.text) : null;
      if (!stamp) return;
      const ms = Number(process.hrtime.bigint() - BigInt(stamp[2]!)) / 1e6;
      const k = Number(stamp[1]);
      local.lastSeen = Math.max(local.lastSeen, k);
      slowest.set(k, Math.max(slowest.get(k) ?? 0, ms));
      if (setup.role === 'receiver') port.postMessage({ event: 'received', k, ms } satisfies Received);
      changed();
    });
    chat.on('problem', (text) => {
      problems++;
      if (samples.length < 5) samples.push(`${local.name}: ${text}`);
    });
    chat.start();
    local.chat = chat;
  };
  const lobbyOf = (local: Local) => local.client.world.defaultChannelId;
  const running = () => locals.filter((l) => l.chat);

  const handle = async (cmd: Command): Promise<unknown> => {
    await ready;
    switch (cmd.op) {
      case 'connect': {
        let next = 0;
        const connectNext = async () => {
          for (let i = next++; i < cmd.names.length; i = next++) {
            const client = await connectClient(setup.wsUrl, cmd.names[i]!, { requestTimeoutMs: 120_000 });
            const local: Local = { name: cmd.names[i]!, client, chat: null, channelId: client.world.defaultChannelId, count: 0, lastSeen: 0 };
            client.session.on('state', (state, detail) => {
              if (state === 'online' || closing) return;
              dropped.push(`${local.name} (${detail?.error?.message ?? state})`);
              changed();
            });
            locals[i] = local;
            if (cmd.chat) startChat(local);
          }
        };
        await Promise.all(Array.from({ length: cmd.parallel }, connectNext));
        return null;
      }
      case 'create': {
        const { channel } = await locals[0]!.client.session.request('channel.create', { parentId: null, name: cmd.name });
        return channel.id;
      }
      case 'enter':
        await Promise.all(
          cmd.indexes.map(async (i) => {
            const local = locals[i]!;
            await local.client.session.request('channel.join', { channelId: cmd.channelId });
            if (!local.chat) startChat(local);
          }),
        );
        return null;
      case 'settled':
        await until(
          () => running().every((l) => l.channelId === (cmd.where === 'lobby' ? lobbyOf(l) : cmd.where) && l.count === cmd.count),
          `${cmd.count} members in ${cmd.where}`,
          cmd.timeoutMs,
        );
        return null;
      case 'join': {
        const joiner = locals[0]!;
        const start = performance.now();
        await joiner.client.session.request('channel.join', { channelId: cmd.channelId });
        await until(() => joiner.channelId === cmd.channelId && joiner.count === cmd.size, `the join of ${cmd.size}`, cmd.timeoutMs);
        return performance.now() - start;
      }
      case 'leave': {
        const joiner = locals[0]!;
        await joiner.client.session.request('channel.join', { channelId: lobbyOf(joiner) });
        await until(() => joiner.channelId === lobbyOf(joiner) && joiner.count === 1, 'back in the lobby', cmd.timeoutMs);
        return null;
      }
      case 'send': {
        const text = `bench ${cmd.k} ${process.hrtime.bigint()} `.padEnd(100, 'x');
        await locals[0]!.chat!.sendToChannel({ t: 'text', id: toBase64Url(crypto.getRandomValues(new Uint8Array(16))), text });
        return null;
      }
      case 'seen': {
        await until(() => running().every((l) => l.lastSeen >= cmd.k), `message ${cmd.k} everywhere`, cmd.timeoutMs);
        const ms = slowest.get(cmd.k) ?? 0;
        slowest.delete(cmd.k);
        return ms;
      }
      case 'close':
        closing = true;
        for (const l of locals) {
          l.chat?.stop();
          l.client.session.close();
        }
        return { problems: problems + dropped.length, samples: [...dropped.slice(0, 3), ...samples] } satisfies Closed;
    }
  };

  serveCommands<Command>(handle, port);
}

// ---- coordinator side -----------------------------------------------------------------------

/** One worker thread and the requests waiting for its answers. */
/** A worker thread that also reports, unasked, when its receiver decrypted a bench message. */
class Thread extends WorkerThread<Command> {
  private readonly received = new Map<number, (ms: number) => void>();

  constructor(readonly role: Role, wsUrl: string) {
    super(role, { role, wsUrl } satisfies WorkerSetup, (msg) => {
      const report = msg as Received;
      this.received.get(report.k)?.(report.ms);
      this.received.delete(report.k);
    });
  }

  /** Resolves with the latency the receiver reports for message k (bounded). */
  receivedMs(k: number, timeoutMs: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.received.delete(k);
        reject(new Error(`message ${k} did not reach the receiver within ${timeoutMs} ms`));
      }, timeoutMs);
      this.received.set(k, (ms) => {
        clearTimeout(timer);
        resolve(ms);
      });
    });
  }
}

interface Options {
  sizes: number[];
  messages: number;
  joins: number;
  workers: number;
  batch: number;
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { sizes: [10, 100], messages: 200, joins: 5, workers: cpus().length, batch: 25 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--sizes') opts.sizes = argv[++i]!.split(',').map(Number);
    else if (argv[i] === '--messages') opts.messages = Number(argv[++i]);
    else if (argv[i] === '--joins') opts.joins = Number(argv[++i]);
    else if (argv[i] === '--workers') opts.workers = Number(argv[++i]);
    else if (argv[i] === '--batch') opts.batch = Number(argv[++i]);
  }
  if (opts.sizes.some((n) => !Number.isInteger(n) || n < 3)) throw new Error('--sizes: each size must be at least 3 (committer, receiver, joiner)');
  if (!(opts.workers >= 1) || !(opts.batch >= 1)) throw new Error('--workers and --batch must be at least 1');
  return opts;
}

const pct = (ms: number[], p: number) => +[...ms].sort((a, b) => a - b)[Math.min(ms.length - 1, Math.floor((ms.length * p) / 100))]!.toFixed(1);
const MINUTES = 60_000;

/** CPU seconds (user + system) and resident memory of another process, from /proc. */
function procStats(pid: number): { cpuS: number; rssMiB: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
  return { cpuS: (Number(stat[11]) + Number(stat[12])) / 100, rssMiB: rssKiB / 1024 };
}
/** CPU seconds of this process: all its threads. */
const ownCpuS = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

async function runSize(wsUrl: string, serverPid: number, size: number, opts: Options) {
  const started = performance.now();
  const log = (text: string) => process.stderr.write(`chat ${size}: ${text} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
  const committer = new Thread('committer', wsUrl);
  const receiver = new Thread('receiver', wsUrl);
  const joiner = new Thread('joiner', wsUrl);
  const bulk = Array.from({ length: opts.workers }, () => new Thread('bulk', wsUrl));
  const threads = [committer, receiver, joiner, ...bulk];
  // Bulk member i lives on bulk thread i % workers, at local index ⌊i / workers⌋.
  const bulkCount = size - 3;
  const group = [committer, receiver, ...bulk];
  const settled = (count: number, timeoutMs: number) => Promise.all(group.map((t) => t.call({ op: 'settled', where: channelId, count, timeoutMs })));
  let channelId = 0;
  // The server allows 16 logins in flight per address; stay below it.
  const parallel = Math.max(1, Math.floor(12 / opts.workers));
  try {
    const server0 = procStats(serverPid);
    const cpu0 = ownCpuS();
    await Promise.all([
      committer.call({ op: 'connect', names: [`bench-${size}-committer`], chat: false, parallel: 1 }),
      receiver.call({ op: 'connect', names: [`bench-${size}-receiver`], chat: false, parallel: 1 }),
      joiner.call({ op: 'connect', names: [`bench-${size}-joiner`], chat: true, parallel: 1 }),
      ...bulk.map((t, w) => {
        const names = Array.from({ length: Math.ceil((bulkCount - w) / opts.workers) }, (_, j) => `bench-${size}-${w + j * opts.workers}`);
        return t.call({ op: 'connect', names, chat: false, parallel });
      }),
    ]);
    await joiner.call({ op: 'settled', where: 'lobby', count: 1, timeoutMs: MINUTES });
    log(`${size} clients logged in`);

    // The committer enters first (so it is the member present longest); then the receiver; then the rest in batches.
    channelId = await committer.call<number>({ op: 'create', name: `Bench ${size}` });
    await committer.call({ op: 'enter', channelId, indexes: [0] });
    await settled(1, MINUTES);
    await receiver.call({ op: 'enter', channelId, indexes: [0] });
    await settled(2, MINUTES);
    let inGroup = 2;
    for (let from = 0; from < bulkCount; from += opts.batch) {
      const to = Math.min(bulkCount, from + opts.batch);
      const indexes = bulk.map((): number[] => []);
      for (let i = from; i < to; i++) indexes[i % opts.workers]!.push(Math.floor(i / opts.workers));
      await Promise.all(bulk.map((t, w) => (indexes[w]!.length > 0 ? t.call({ op: 'enter', channelId, indexes: indexes[w]! }) : null)));
      inGroup += to - from;
      await settled(inGroup, 15 * MINUTES);
      log(`group of ${inGroup}`);
    }
    const setupS = (performance.now() - started) / 1000;
    const server1 = procStats(serverPid);
    const benchRssMiB = process.memoryUsage().rss / 2 ** 20;

    const joinMs: number[] = [];
    for (let j = 0; j < opts.joins; j++) {
      joinMs.push(await joiner.call<number>({ op: 'join', channelId, size, timeoutMs: 5 * MINUTES }));
      await joiner.call({ op: 'leave', timeoutMs: 5 * MINUTES });
      await settled(size - 1, 10 * MINUTES);
    }
    log(`joins: ${joinMs.map((ms) => ms.toFixed(0)).join(', ')} ms`);
    const server2 = procStats(serverPid);
    const cpu2 = ownCpuS();

    const receiverMs: number[] = [];
    const everyoneMs: number[] = [];
    const others = [receiver, ...bulk];
    for (let k = 1; k <= opts.messages; k++) {
      const got = receiver.receivedMs(k, 5 * MINUTES);
      await committer.call({ op: 'send', k });
      receiverMs.push(await got);
      const slowest = await Promise.all(others.map((t) => t.call<number>({ op: 'seen', k, timeoutMs: 10 * MINUTES })));
      everyoneMs.push(Math.max(...slowest));
      if (k % 50 === 0) log(`${k} messages`);
    }
    const server3 = procStats(serverPid);
    const cpu3 = ownCpuS();
    const closed = await Promise.all(threads.map((t) => t.call<Closed>({ op: 'close' })));
    const problems = closed.reduce((n, c) => n + c.problems, 0);
    for (const c of closed) for (const s of c.samples) process.stderr.write(`chat ${size}: client problem: ${s}\n`);
    return {
      members: size,
      threads: threads.length,
      setupS: +setupS.toFixed(1),
      joinP50Ms: pct(joinMs, 50),
      joinMaxMs: pct(joinMs, 100),
      messageP50Ms: pct(receiverMs, 50),
      messageP99Ms: pct(receiverMs, 99),
      allDecryptedP50Ms: pct(everyoneMs, 50),
      serverCpuSetupS: +(server1.cpuS - server0.cpuS).toFixed(1),
      serverCpuPerJoinMs: +(((server2.cpuS - server1.cpuS) * 1000) / Math.max(1, opts.joins)).toFixed(0),
      serverCpuPerMessageMs: +(((server3.cpuS - server2.cpuS) * 1000) / Math.max(1, opts.messages)).toFixed(1),
      clientCpuPerMessageMs: +(((cpu3 - cpu2) * 1000) / Math.max(1, opts.messages)).toFixed(0),
      clientCpuTotalS: +(cpu3 - cpu0).toFixed(0),
      serverRssMiB: +server1.rssMiB.toFixed(0),
      benchRssMiB: +benchRssMiB.toFixed(0),
      joins: joinMs.length,
      messages: receiverMs.length,
      clientProblems: problems,
    };
  } finally {
    await Promise.all(threads.map((t) => t.worker.terminate()));
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  // The per-connection rate limit (20 requests/s) would throttle a message loop; lift it here.
  const dataDir = makeTempDir('lemon-bench-');
  writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ limits: { rateLimitPerSecond: 100_000, rateLimitBurst: 100_000 } }));
  const server = await startServerProcess({ dataDir, args: ['--log-level', 'warn'] });
  const rows = [];
  try {
    for (const size of opts.sizes) {
      const logged = server.logLines.length;
      const row = await runSize(server.wsUrl, server.child.pid!, size, opts);
      // The server logs at warn level here: anything it said is worth seeing.
      const said = server.logLines.slice(logged).filter((line) => parseLogLine(line) !== null);
      for (const line of said.slice(0, 10)) process.stderr.write(`chat ${size}: server: ${line}\n`);
      rows.push({ ...row, serverLogLines: said.length });
      console.log(JSON.stringify(row));
    }
  } finally {
    await server.stop();
    removeTempDirs();
  }
  console.table(rows);
  saveResults('chat', { options: opts, rows });
}

runBench(main, () => workerMain(workerData as WorkerSetup));
