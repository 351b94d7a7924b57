import { failure } from './test-helpers';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, LIMITS } from '@lemon/protocol';
import { openStorage, type Storage } from './db';
import { DmQueueRepository, type NewDm } from './dm-queue';

const ALICE = 'a'.repeat(32);
const BOB = 'b'.repeat(32);
const CAROL = 'c'.repeat(32);
const GROUP = 'g'.repeat(22);

let dir: string;
let storage: Storage;
let clock: number;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lemon-dm-queue-'));
  clock = 1_000_000;
  storage = openStorage(dir, { maxChannels: 10, now: () => clock });
  storage.users.loginOrCreate(ALICE, new Uint8Array(32).fill(1), 'Alice');
  storage.users.loginOrCreate(BOB, new Uint8Array(32).fill(2), 'Bob');
  storage.users.loginOrCreate(CAROL, new Uint8Array(32).fill(3), 'Carol');
});
afterEach(() => {
  storage.close();
  rmSync(dir, { recursive: true, force: true });
});


const dm = (recipient: string, sender: string, fill: number, bytes = 10): NewDm => ({
  recipient,
  sender,
  senderKey: new Uint8Array(32).fill(sender === ALICE ? 1 : sender === BOB ? 2 : 3),
  groupId: GROUP,
  kind: fill === 0 ? 'welcome' : 'message',
  payload: new Uint8Array(bytes).fill(fill),
});

describe('DmQueueRepository', () => {
  it('queues per recipient with increasing ids and hands them back byte-exact, oldest first', () => {
    const q = storage.dmQueue;
    expect(q.maxMessages).toBe(LIMITS.dmQueueMaxMessages);
    expect(q.maxBytes).toBe(LIMITS.dmQueueMaxBytes);
    const first = q.enqueue(dm(BOB, ALICE, 0));
    clock += 5;
    const second = q.enqueue(dm(BOB, CAROL, 7, 300));
    const other = q.enqueue(dm(ALICE, BOB, 9));
    expect(second.id).toBeGreaterThan(first.id);
    expect(first).toMatchObject({ recipient: BOB, sender: ALICE, kind: 'welcome', sentAt: 1_000_000 });
    expect(q.pending(BOB)).toEqual([
      { ...dm(BOB, ALICE, 0), id: first.id, sentAt: 1_000_000 },
      { ...dm(BOB, CAROL, 7, 300), id: second.id, sentAt: 1_000_005 },
    ]);
    expect(q.pending(BOB, first.id)).toEqual([expect.objectContaining({ id: second.id })]);
    expect(q.pending(BOB, 0, 1)).toEqual([expect.objectContaining({ id: first.id })]);
    expect(q.pending(ALICE).map((m) => m.id)).toEqual([other.id]);
    expect(q.usageOf(BOB)).toEqual({ messages: 2, bytes: 310 });
    expect(q.usageOf(CAROL)).toEqual({ messages: 0, bytes: 0 });
  });

  it('acks only the caller\'s own ids, ignoring unknown and foreign ones and duplicates', () => {
    const q = storage.dmQueue;
    const a = q.enqueue(dm(BOB, ALICE, 1));
    const b = q.enqueue(dm(BOB, ALICE, 2));
    const forAlice = q.enqueue(dm(ALICE, BOB, 3));
    expect(q.ack(BOB, [a.id, a.id, forAlice.id, 999_999])).toBe(1);
    expect(q.pending(BOB).map((m) => m.id)).toEqual([b.id]);
    expect(q.pending(ALICE).map((m) => m.id)).toEqual([forAlice.id]);
    expect(q.ack(BOB, [a.id])).toBe(0);
  });

  it('refuses with QUEUE_FULL beyond the message bound, storing nothing, and frees room on ack', () => {
    const q = new DmQueueRepository(storage.db, { maxMessages: 3, now: () => clock });
    const ids = [1, 2, 3].map((n) => q.enqueue(dm(BOB, ALICE, n)).id);
    const full = failure(() => q.enqueue(dm(BOB, CAROL, 4)));
    expect(full.code).toBe(ErrorCode.QUEUE_FULL);
    expect(full.message).toContain('3 undelivered messages');
    expect(q.usageOf(BOB)).toEqual({ messages: 3, bytes: 30 });
    // Another recipient is not affected.
    expect(q.enqueue(dm(ALICE, BOB, 5)).id).toBeGreaterThan(0);
    q.ack(BOB, [ids[0]!]);
    expect(q.enqueue(dm(BOB, CAROL, 6)).id).toBeGreaterThan(ids[2]!);
  });

  it('refuses with QUEUE_FULL beyond the byte bound (exactly the bound fits)', () => {
    const q = new DmQueueRepository(storage.db, { maxBytes: 100, now: () => clock });
    q.enqueue(dm(BOB, ALICE, 1, 60));
    expect(failure(() => q.enqueue(dm(BOB, ALICE, 2, 41))).code).toBe(ErrorCode.QUEUE_FULL);
    q.enqueue(dm(BOB, ALICE, 3, 40));
    expect(q.usageOf(BOB)).toEqual({ messages: 2, bytes: 100 });
    expect(failure(() => q.enqueue(dm(BOB, ALICE, 4, 1))).code).toBe(ErrorCode.QUEUE_FULL);
  });

  it('sweeps messages older than the retention by the injected clock, keeping younger ones', () => {
    const q = storage.dmQueue;
    const old = q.enqueue(dm(BOB, ALICE, 1));
    clock += 1000;
    const young = q.enqueue(dm(BOB, ALICE, 2));
    clock += 500;
    expect(q.sweep(1500)).toBe(0); // exactly the retention old: kept
    clock += 1;
    expect(q.sweep(1500)).toBe(1);
    expect(q.pending(BOB).map((m) => m.id)).toEqual([young.id]);
    expect(q.pending(BOB)[0]!.id).not.toBe(old.id);
  });

  it('survives a reopen, keeps ids increasing after deletes, and goes with its recipient', () => {
    const first = storage.dmQueue.enqueue(dm(BOB, ALICE, 1));
    storage.dmQueue.ack(BOB, [first.id]);
    const kept = storage.dmQueue.enqueue(dm(BOB, ALICE, 2, 5));
    storage.close();
    storage = openStorage(dir, { maxChannels: 10, now: () => clock });
    expect(storage.dmQueue.pending(BOB)).toEqual([kept]);
    // AUTOINCREMENT: an id is never reused, so an old ack cannot delete a new message.
    expect(storage.dmQueue.enqueue(dm(BOB, ALICE, 3)).id).toBeGreaterThan(kept.id);
    storage.db.prepare('DELETE FROM users WHERE id = ?').run(BOB);
    expect(storage.dmQueue.usageOf(BOB)).toEqual({ messages: 0, bytes: 0 });
  });
});
