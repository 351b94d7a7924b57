// Commit-processing cost per member in Node, through the built WebAssembly module:
//   node libs/crypto-wasm/scripts/bench-mls.mjs [members=100] [receivers=20]
// Builds a group of `members` (one commit adding everyone through external Adds), of whom
// `receivers` + 1 actually join from the Welcome (the others are leaves that stay silent). Then
// times, over the `receivers`: processing another member's empty (key-rotating) commit,
// processing a commit that adds one member, and decrypting an application message.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

import { initSync, MlsClientHandle, MlsExternalSenderHandle } from '../pkg/lemon_crypto.js';

const members = Number(process.argv[2] ?? 100);
const receivers = Math.min(Number(process.argv[3] ?? 20), members - 2);
initSync({ module: readFileSync(fileURLToPath(new URL('../pkg/lemon_crypto_bg.wasm', import.meta.url))) });

const group = new TextEncoder().encode('bench');
const secret = (i) => {
  const s = new Uint8Array(32);
  new DataView(s.buffer).setUint32(0, i + 1);
  return s;
};
const server = MlsExternalSenderHandle.fromSecretKey(new Uint8Array(32).fill(0xaa));
const stats = (ms) => {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(2);
  return `median ${at(0.5)} ms, p90 ${at(0.9)} ms, max ${at(1)} ms (n=${ms.length})`;
};
const timed = (run) => {
  const start = performance.now();
  run();
  return performance.now() - start;
};

const clients = Array.from({ length: members }, (_, i) => MlsClientHandle.create(secret(i)));
const creator = clients[0];
creator.createGroup(group, server.publicKey(), new TextEncoder().encode('server'));
let setup;
const build = timed(() => {
  for (const joiner of clients.slice(1)) {
    creator.processMessage(group, server.proposeAdd(group, 0, joiner.keyPackage())).free();
  }
  setup = creator.commitPendingProposals(group);
  creator.mergePendingCommit(group).free();
});
const active = clients.slice(0, receivers + 2); // creator, receivers..., committer
const joinTimes = active.slice(1).map((joiner) => timed(() => joiner.joinFromWelcome(setup.welcome())));
console.log(`${members} members: one commit adding ${members - 1}: ${build.toFixed(0)} ms; join from Welcome: ${stats(joinTimes)}`);

// (a) an empty commit (update path) by the last active member.
const committer = active[active.length - 1];
const receiving = active.slice(0, -1);
let update;
const create = timed(() => {
  update = committer.commitPendingProposals(group);
});
committer.mergePendingCommit(group).free();
const updateTimes = receiving.map((r) => timed(() => r.processMessage(group, update.commit()).free()));
console.log(`update commit: create ${create.toFixed(2)} ms; process per member: ${stats(updateTimes)}`);

// (b) a commit adding one member (everyone active stored the proposal first).
const newcomer = MlsClientHandle.create(secret(members));
const proposal = server.proposeAdd(group, creator.epoch(group), newcomer.keyPackage());
for (const member of active) member.processMessage(group, proposal).free();
const addCommit = committer.commitPendingProposals(group);
committer.mergePendingCommit(group).free();
const addTimes = receiving.map((r) => timed(() => r.processMessage(group, addCommit.commit()).free()));
const newcomerJoin = timed(() => newcomer.joinFromWelcome(addCommit.welcome()));
console.log(`add-one commit: process per member: ${stats(addTimes)}; newcomer join ${newcomerJoin.toFixed(2)} ms`);

// (c) an application message.
const message = committer.encrypt(group, new TextEncoder().encode('x'.repeat(200)));
const appTimes = receiving.map((r) => timed(() => r.processMessage(group, message).free()));
console.log(`200-byte application message: decrypt per member: ${stats(appTimes)}; client state ${creator.exportState().length} B`);
