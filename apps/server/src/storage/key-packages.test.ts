import { failure } from './test-helpers';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode } from '@lemon/protocol';
import { openStorage, type Storage } from './db';
import { KeyPackageRepository } from './key-packages';

const ALICE = 'a'.repeat(32);
const BOB = 'b'.repeat(32);
const pkg = (n: number) => new Uint8Array(64).fill(n);

let dir: string;
let storage: Storage;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lemon-key-packages-'));
  storage = openStorage(dir, { maxChannels: 10 });
  storage.users.loginOrCreate(ALICE, new Uint8Array(32).fill(1), 'Alice');
  storage.users.loginOrCreate(BOB, new Uint8Array(32).fill(2), 'Bob');
});
afterEach(() => {
  storage.close();
  rmSync(dir, { recursive: true, force: true });
});


describe('KeyPackageRepository', () => {
  it('stores per user, hands one-time packages out oldest first and once, then the last-resort one repeatedly', () => {
    const repo = storage.keyPackages;
    expect(repo.stock(ALICE)).toEqual({ stock: 0, hasLastResort: false });
    expect(repo.upload(ALICE, [pkg(1), pkg(2)], pkg(9))).toBe(2);
    expect(repo.upload(BOB, [pkg(3)], null)).toBe(1);
    expect(repo.stock(ALICE)).toEqual({ stock: 2, hasLastResort: true });
    expect(repo.claim(ALICE)).toEqual({ bytes: pkg(1), lastResort: false, stock: 1 });
    expect(repo.claim(ALICE)).toEqual({ bytes: pkg(2), lastResort: false, stock: 0 });
    expect(repo.claim(ALICE)).toEqual({ bytes: pkg(9), lastResort: true, stock: 0 });
    expect(repo.claim(ALICE)).toEqual({ bytes: pkg(9), lastResort: true, stock: 0 });
    expect(repo.stock(ALICE)).toEqual({ stock: 0, hasLastResort: true });
    expect(repo.stock(BOB)).toEqual({ stock: 1, hasLastResort: false });
    expect(repo.claim(BOB)).toEqual({ bytes: pkg(3), lastResort: false, stock: 0 });
    expect(repo.claim(BOB)).toBeNull();
  });

  it('keeps exactly one last-resort package, replaced on upload', () => {
    const repo = storage.keyPackages;
    repo.upload(ALICE, [], pkg(8));
    repo.upload(ALICE, [], pkg(9));
    expect(repo.stock(ALICE)).toEqual({ stock: 0, hasLastResort: true });
    expect(repo.claim(ALICE)).toEqual({ bytes: pkg(9), lastResort: true, stock: 0 });
    const rows = storage.db.prepare('SELECT count(*) AS n FROM key_packages WHERE user_id = ?').get(ALICE) as { n: number };
    expect(rows.n).toBe(1);
  });

  it('refuses a batch beyond the cap whole with KEY_PACKAGES_FULL, and duplicates with INVALID_PAYLOAD', () => {
    const repo = new KeyPackageRepository(storage.db, { maxStored: 3 });
    expect(repo.upload(ALICE, [pkg(1), pkg(2)], null)).toBe(2);
    expect(failure(() => repo.upload(ALICE, [pkg(3), pkg(4)], pkg(9))).code).toBe(ErrorCode.KEY_PACKAGES_FULL);
    expect(repo.stock(ALICE)).toEqual({ stock: 2, hasLastResort: false });
    expect(failure(() => repo.upload(ALICE, [pkg(1)], null)).code).toBe(ErrorCode.INVALID_PAYLOAD);
    expect(failure(() => repo.upload(BOB, [pkg(6), pkg(6)], null)).code).toBe(ErrorCode.INVALID_PAYLOAD);
    expect(repo.stock(ALICE)).toEqual({ stock: 2, hasLastResort: false });
    expect(repo.stock(BOB)).toEqual({ stock: 0, hasLastResort: false });
    expect(repo.upload(ALICE, [pkg(3)], null)).toBe(3);
  });

  it('survives closing and reopening the database, and goes with its user', () => {
    storage.keyPackages.upload(ALICE, [pkg(1), pkg(2)], pkg(9));
    storage.close();
    storage = openStorage(dir, { maxChannels: 10 });
    expect(storage.keyPackages.stock(ALICE)).toEqual({ stock: 2, hasLastResort: true });
    storage.db.prepare('DELETE FROM users WHERE id = ?').run(ALICE);
    expect(storage.keyPackages.stock(ALICE)).toEqual({ stock: 0, hasLastResort: false });
  });

  it('refuses packages of an unknown user (foreign key)', () => {
    expect(() => storage.keyPackages.upload('c'.repeat(32), [pkg(1)], null)).toThrow(/FOREIGN KEY/);
  });
});
