/**
 * Encrypted chat through the real server process, with the real client libraries (Session +
 * ChatClient + MLS in WASM), all clients in this one Node process (so every member's MLS work
 * shares one core with the others — pessimistic for latency):
 *  - join latency: an N-1 member channel group exists; one more user joins the channel; time
 *    from sending channel.join until that user can encrypt to the group (Add proposal, commit
 *    by a member, Welcome, join). Median of several joins.
 *  - message latency: encrypt + send + server relay + receive + decrypt at one receiver,
 *    p50/p99 over sequential messages.
 * Run: node tools/bench/run.mjs chat [--sizes 10,100] [--messages 200] [--joins 5]
 */
import { ChatClient } from '@lemon/chat';
import { MlsClient } from '@lemon/crypto-wasm';
import { initCryptoFromFile } from '@lemon/crypto-wasm/node';
import { toBase64Url } from '@lemon/protocol';
import { waitUntil, connectClient, makeTempDir, removeTempDirs, startServerProcess, REPO_ROOT, type TestClient } from '@lemon/testing';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

function parseArgs(argv: string[]) {
  const opts = { sizes: [10, 100], messages: 200, joins: 5 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--sizes') opts.sizes = argv[++i]!.split(',').map(Number);
    else if (argv[i] === '--messages') opts.messages = Number(argv[++i]);
    else if (argv[i] === '--joins') opts.joins = Number(argv[++i]);
  }
  return opts;
}

const pct = (ms: number[], p: number) => +[...ms].sort((a, b) => a - b)[Math.min(ms.length - 1, Math.floor((ms.length * p) / 100))]!.toFixed(1);
const id = () => toBase64Url(crypto.getRandomValues(new Uint8Array(16)));

interface Member {
  client: TestClient;
  chat: ChatClient;
}

const untilChats = (check: () => boolean, chats: ChatClient[]) =>
  waitUntil(check, chats.flatMap((c) => [(f: () => void) => c.on('channel', f), (f: () => void) => c.on('message', f)]), 'the bench channel', 600_000);

const members = (m: Member) => {
  const s = m.chat.channelState;
  return s?.phase === 'ready' && m.chat.canSendNow ? s.memberKeys.length : 0;
};

async function runSize(wsUrl: string, size: number, messages: number, joins: number) {
  const everyone: Member[] = [];
  const connect = async (name: string) => {
    const client = await connectClient(wsUrl, name, { requestTimeoutMs: 120_000 });
    const chat = new ChatClient({ session: client.session, mls: MlsClient.create(client.identity.exportSecretKey()), keyPackageTarget: 3, readyTimeoutMs: 600_000 });
    chat.start();
    const m = { client, chat };
    everyone.push(m);
    return m;
  };
  const { channel } = await (await connect(`bench-${size}-0`)).client.session.request('channel.create', { parentId: null, name: `Bench ${size}` });
  const lobbyOf = (m: Member) => m.client.world.defaultChannelId;
  // Everyone but the measured joiner goes into the bench channel, in batches (a commit can add many).
  const setupStart = performance.now();
  for (let i = 1; i < size - 1; i++) await connect(`bench-${size}-${i}`);
  const group = everyone.slice();
  await Promise.all(group.map((m) => m.client.session.request('channel.join', { channelId: channel.id })));
  await untilChats(() => group.every((m) => members(m) === group.length), group.map((m) => m.chat));
  const setupMs = performance.now() - setupStart;

  const joiner = await connect(`bench-${size}-joiner`);
  await untilChats(() => members(joiner) >= 1, [joiner.chat]);
  const joinMs: number[] = [];
  for (let j = 0; j < joins; j++) {
    const start = performance.now();
    await joiner.client.session.request('channel.join', { channelId: channel.id });
    await untilChats(() => joiner.chat.channelState?.channelId === channel.id && members(joiner) === size, [joiner.chat]);
    joinMs.push(performance.now() - start);
    await joiner.client.session.request('channel.join', { channelId: lobbyOf(joiner) });
    await untilChats(() => group.every((m) => members(m) === size - 1) && members(joiner) === 1, [...group, joiner].map((m) => m.chat));
  }

  const sender = group[0]!;
  const receiver = group[group.length - 1]!;
  const latency: number[] = [];
  for (let k = 0; k < messages; k++) {
    const mid = id();
    const start = performance.now();
    const got = new Promise<void>((resolve) => {
      const off = receiver.chat.on('message', (m) => {
        if (m.payload.id === mid) {
          off();
          resolve();
        }
      });
    });
    await sender.chat.sendToChannel({ t: 'text', id: mid, text: 'x'.repeat(100) });
    await got;
    latency.push(performance.now() - start);
  }
  for (const m of everyone) {
    m.chat.stop();
    m.client.session.close();
  }
  return {
    members: size,
    setupMs: +setupMs.toFixed(0),
    joinP50Ms: pct(joinMs, 50),
    joinMaxMs: pct(joinMs, 100),
    messageP50Ms: pct(latency, 50),
    messageP99Ms: pct(latency, 99),
    messages,
  };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  await initCryptoFromFile();
  // The per-connection rate limit (20 requests/s) would throttle a message loop; lift it here.
  const dataDir = makeTempDir('lemon-bench-');
  writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ limits: { rateLimitPerSecond: 100_000, rateLimitBurst: 100_000 } }));
  const server = await startServerProcess({ dataDir, args: ['--log-level', 'warn'] });
  const rows = [];
  try {
    for (const size of opts.sizes) {
      const row = await runSize(server.wsUrl, size, opts.messages, opts.joins);
      rows.push(row);
      console.log(JSON.stringify(row));
    }
  } finally {
    await server.stop();
    removeTempDirs();
  }
  console.table(rows);
  const dir = join(REPO_ROOT, 'tools/bench/results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `chat-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ machine: { cpus: cpus().length, node: process.version }, rows }, null, 2));
  console.log(`wrote ${file}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
