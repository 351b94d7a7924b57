/**
 * MLS cost in Node through the real WASM core: for a group of N members (one commit adds
 * everyone through the server's external Add proposals), R of them actually join and then
 * process (a) another member's update commit, (b) a commit adding one member, and (c) a
 * 200-byte application message. Prints per-member medians and writes JSON.
 * Run: node tools/bench/run.mjs mls [--sizes 100,1000] [--receivers 20]
 */
import { MlsClient, MlsExternalSender } from '@lemon/crypto-wasm';
import { initCryptoFromFile } from '@lemon/crypto-wasm/node';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '@lemon/testing';

function parseArgs(argv: string[]) {
  const opts = { sizes: [100, 1000], receivers: 20 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--sizes') opts.sizes = argv[++i]!.split(',').map(Number);
    else if (argv[i] === '--receivers') opts.receivers = Number(argv[++i]);
  }
  return opts;
}

const timed = (run: () => void): number => {
  const start = performance.now();
  run();
  return performance.now() - start;
};
const median = (ms: number[]): number => +[...ms].sort((a, b) => a - b)[Math.floor(ms.length / 2)]!.toFixed(2);

function secretFor(i: number): Uint8Array {
  const s = new Uint8Array(32);
  new DataView(s.buffer).setUint32(0, i + 1);
  return s;
}

function runSize(members: number, receiverCount: number) {
  const groupId = new TextEncoder().encode(`bench-${members}`);
  const server = MlsExternalSender.fromSecretKey(new Uint8Array(32).fill(0xaa));
  const clients = Array.from({ length: members }, (_, i) => MlsClient.create(secretFor(i)));
  const creator = clients[0]!;
  creator.createGroup(groupId, server.publicKey, new TextEncoder().encode('server'));
  let welcome!: Uint8Array;
  const buildMs = timed(() => {
    for (const joiner of clients.slice(1)) creator.processMessage(groupId, server.proposeAdd(groupId, 0, joiner.keyPackages(1)[0]!));
    welcome = creator.commitPendingProposals(groupId).welcome!;
    creator.mergePendingCommit(groupId);
  });
  const active = clients.slice(0, Math.min(receiverCount, members - 2) + 2);
  const joinMs = active.slice(1).map((c) => timed(() => c.joinFromWelcome(welcome)));

  const committer = active[active.length - 1]!;
  const receiving = active.slice(0, -1);
  const update = committer.commitPendingProposals(groupId);
  committer.mergePendingCommit(groupId);
  const updateMs = receiving.map((r) => timed(() => r.processMessage(groupId, update.commit)));

  const newcomer = MlsClient.create(secretFor(members));
  const proposal = server.proposeAdd(groupId, creator.epoch(groupId), newcomer.keyPackages(1)[0]!);
  for (const m of active) m.processMessage(groupId, proposal);
  const add = committer.commitPendingProposals(groupId);
  committer.mergePendingCommit(groupId);
  const addMs = receiving.map((r) => timed(() => r.processMessage(groupId, add.commit)));
  const newcomerJoinMs = timed(() => newcomer.joinFromWelcome(add.welcome!));

  const message = committer.encrypt(groupId, new TextEncoder().encode('x'.repeat(200)));
  const decryptMs = receiving.map((r) => timed(() => r.processMessage(groupId, message)));
  return {
    members,
    receiversMeasured: receiving.length,
    buildGroupMs: +buildMs.toFixed(0),
    joinFromWelcomeMs: median(joinMs),
    processUpdateCommitMs: median(updateMs),
    processAddCommitMs: median(addMs),
    newcomerJoinMs: +newcomerJoinMs.toFixed(1),
    decryptMessageMs: median(decryptMs),
    clientStateKiB: +(creator.exportState().length / 1024).toFixed(0),
  };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  await initCryptoFromFile(join(REPO_ROOT, 'libs/crypto-wasm/pkg/lemon_crypto_bg.wasm'));
  const rows = opts.sizes.map((n) => {
    process.stderr.write(`mls: ${n} members…\n`);
    return runSize(n, opts.receivers);
  });
  console.table(rows);
  const outDir = join(REPO_ROOT, 'tools/bench/results');
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `mls-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version };
  writeFileSync(file, JSON.stringify({ benchmark: 'mls', date: new Date().toISOString(), machine, rows }, null, 2));
  console.log(`written ${file}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
