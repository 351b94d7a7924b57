/**
 * Connection benchmark: N simulated clients log in (Ed25519 challenge signature) and join
 * channels on a real server process; reports login and join latency percentiles, server
 * RSS per connected user, server CPU time and presence events delivered.
 * Run: node tools/bench/run.mjs connections [--sizes 100,1000,5000] [--concurrency 64]
 */
import { Identity } from '@lemon/crypto-wasm';
import { initCryptoFromFile } from '@lemon/crypto-wasm/node';
import { encodeRequest, fromBase64Url, loginSignedBytes, serverAddressOf, toBase64Url } from '@lemon/protocol';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { REPO_ROOT, makeTempDir, removeTempDirs, startServerProcess, type ServerProcess } from '@lemon/testing';

interface Options {
  sizes: number[];
  concurrency: number;
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { sizes: [100, 1000, 5000], concurrency: 64 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--sizes') opts.sizes = argv[++i]!.split(',').map(Number);
    else if (argv[i] === '--concurrency') opts.concurrency = Number(argv[++i]);
  }
  return opts;
}

/** One lightweight client: raw ws, signs the challenge, counts (does not parse) events. */
class BenchClient {
  ws!: WebSocket;
  frames = 0;
  private nextId = 1;
  private pending = new Map<number, (ok: boolean) => void>();

  constructor(private readonly identity: Identity) {}

  async login(url: string, name: string): Promise<void> {
    this.ws = new WebSocket(url);
    const hello = await new Promise<{ serverKey: string; challenge: string }>((resolve, reject) => {
      this.ws.once('error', reject);
      this.ws.once('message', (data) => resolve(JSON.parse(data.toString()).data));
    });
    this.ws.on('message', (data) => {
      this.frames++;
      const text = data.toString();
      // Only answers need parsing; events are counted.
      if (text.includes('"kind":"event"')) return;
      const msg = JSON.parse(text) as { id: number; kind: string };
      const done = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      done?.(msg.kind === 'response');
    });
    const address = serverAddressOf(url);
    const signed = loginSignedBytes(fromBase64Url(hello.serverKey)!, fromBase64Url(hello.challenge)!, address);
    await this.request('auth.login', {
      publicKey: toBase64Url(this.identity.publicKey),
      challenge: hello.challenge,
      address,
      signature: toBase64Url(this.identity.sign(signed)),
      displayName: name,
    });
  }

  request(type: 'auth.login' | 'channel.join' | 'channel.create', data: unknown): Promise<void> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, (ok) => (ok ? resolve() : reject(new Error(`${type} failed`))));
      this.ws.send(encodeRequest(id, type as 'channel.join', data as { channelId: number }));
    });
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function procStats(pid: number): { rssKiB: number; cpuMs: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticks = Number(stat[11]) + Number(stat[12]); // utime + stime
  return { rssKiB, cpuMs: (ticks * 1000) / 100 };
}

async function runSize(n: number, concurrency: number) {
  // The default connection cap is 5,000; the benchmark measures the server, not the cap.
  const dataDir = makeTempDir('lemon-bench-');
  writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ limits: { maxConnections: n + 100, maxPendingLogins: 1024, maxPendingLoginsPerAddress: 1024 } }));
  const server: ServerProcess = await startServerProcess({ dataDir, timeoutMs: 60_000 });
  const pid = server.child.pid!;
  try {
    // Channels for people to spread over, made by a few owners (each stays within the rate limit's burst).
    const channelCount = Math.max(5, Math.round(n / 50));
    const owners: BenchClient[] = [];
    for (let c = 0; c < channelCount; c++) {
      if (c % 30 === 0) {
        owners.push(new BenchClient(Identity.generate()));
        await owners[owners.length - 1]!.login(server.wsUrl, `owner ${owners.length}`);
      }
      await owners[owners.length - 1]!.request('channel.create', { parentId: null, name: `room ${c}` });
    }
    const channelIds = Array.from({ length: channelCount }, (_, c) => c + 2); // Lobby is 1
    const before = procStats(pid);

    const identities = Array.from({ length: n }, () => Identity.generate());
    const clients: BenchClient[] = [];
    const loginMs: number[] = [];
    const joinMs: number[] = [];
    let next = 0;
    const started = performance.now();
    const worker = async () => {
      while (next < n) {
        const i = next++;
        const client = new BenchClient(identities[i]!);
        const t0 = performance.now();
        await client.login(server.wsUrl, `user ${i}`);
        const t1 = performance.now();
        await client.request('channel.join', { channelId: channelIds[i % channelIds.length] });
        const t2 = performance.now();
        loginMs.push(t1 - t0);
        joinMs.push(t2 - t1);
        clients.push(client);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
    const elapsedMs = performance.now() - started;
    // Let the presence fan-out finish: one more round trip per client orders it behind everything.
    await Promise.all(clients.map((c) => c.request('channel.join', { channelId: channelIds[0] })));
    const after = procStats(pid);
    const frames = clients.reduce((sum, c) => sum + c.frames, 0);
    for (const c of [...owners, ...clients]) c.ws.terminate();
    loginMs.sort((a, b) => a - b);
    joinMs.sort((a, b) => a - b);
    return {
      clients: n,
      channels: channelCount,
      loginP50Ms: +percentile(loginMs, 50).toFixed(2),
      loginP99Ms: +percentile(loginMs, 99).toFixed(2),
      joinP50Ms: +percentile(joinMs, 50).toFixed(2),
      joinP99Ms: +percentile(joinMs, 99).toFixed(2),
      rampSeconds: +(elapsedMs / 1000).toFixed(2),
      serverRssMiB: +(after.rssKiB / 1024).toFixed(1),
      rssPerUserKiB: +((after.rssKiB - before.rssKiB) / n).toFixed(1),
      serverCpuSeconds: +((after.cpuMs - before.cpuMs) / 1000).toFixed(2),
      framesDelivered: frames,
    };
  } finally {
    await server.stop();
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  await initCryptoFromFile(join(REPO_ROOT, 'libs/crypto-wasm/pkg/lemon_crypto_bg.wasm'));
  const rows = [];
  for (const n of opts.sizes) {
    process.stderr.write(`connections: ${n} clients…\n`);
    rows.push(await runSize(n, opts.concurrency));
  }
  console.table(rows);
  const outDir = join(REPO_ROOT, 'tools/bench/results');
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `connections-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version };
  writeFileSync(file, JSON.stringify({ benchmark: 'connections', date: new Date().toISOString(), machine, concurrency: opts.concurrency, rows }, null, 2));
  console.log(`written ${file}`);
  removeTempDirs();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
