import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, LIMITS, ProtocolError } from '@lemon/protocol';
import { openStorage, type Storage } from './db';

let dir: string;
let storage: Storage;
let clock = 1_000;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lemon-users-'));
  clock = 1_000;
  storage = openStorage(dir, { maxChannels: 100, now: () => clock });
});
afterEach(() => {
  storage.close();
  rmSync(dir, { recursive: true, force: true });
});

let seq = 0;
function newUser(): { id: string; key: Uint8Array } {
  seq += 1;
  const key = new Uint8Array(32).fill(seq % 256);
  key[0] = seq >> 8;
  return { id: seq.toString(16).padStart(32, '0'), key };
}

function create(name: string): string {
  const { id, key } = newUser();
  return storage.users.loginOrCreate(id, key, name).user.displayName;
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof ProtocolError) return error.code;
    throw error;
  }
  throw new Error('expected a ProtocolError');
}

describe('new users', () => {
  it('get their wanted name, normalised', () => {
    expect(create('  Ada   Lovelace ')).toBe('Ada Lovelace');
    expect(create('😀 Ωμέγα')).toBe('😀 Ωμέγα');
  });

  it('get "User" when the wanted name is not allowed', () => {
    expect(create('   ')).toBe('User');
    expect(create('bad\u0000name')).toBe('User 2');
    expect(create('x'.repeat(LIMITS.displayNameMaxChars + 1))).toBe('User 3');
  });

  it('keep HTML as plain text (escaping is the UI’s job, never interpretation)', () => {
    expect(create('<img src=x onerror=alert(1)>')).toBe('<img src=x onerror=alert(1)>');
  });

  it('are made unique with " 2", " 3"… across case and width variants', () => {
    expect(create('Alice')).toBe('Alice');
    expect(create('alice')).toBe('alice 2');
    expect(create('ＡＬＩＣＥ')).toBe('ＡＬＩＣＥ 3');
    expect(create('Alice')).toBe('Alice 4');
  });

  it('never exceed the length limit when a suffix is added', () => {
    const long = 'n'.repeat(LIMITS.displayNameMaxChars);
    expect(create(long)).toBe(long);
    const second = create(long);
    expect(second).toBe(`${'n'.repeat(LIMITS.displayNameMaxChars - 2)} 2`);
    expect([...second]).toHaveLength(LIMITS.displayNameMaxChars);
    for (let i = 3; i <= 10; i++) create(long);
    const eleventh = create(long);
    expect(eleventh).toBe(`${'n'.repeat(LIMITS.displayNameMaxChars - 3)} 11`);
    // Code points, not UTF-16 units: emoji are counted once and never split.
    const emoji = '😀'.repeat(LIMITS.displayNameMaxChars);
    create(emoji);
    expect(create(emoji)).toBe(`${'😀'.repeat(LIMITS.displayNameMaxChars - 2)} 2`);
  });

  it('record first and last seen', () => {
    const { id, key } = newUser();
    const first = storage.users.loginOrCreate(id, key, 'Eve');
    expect(first.created).toBe(true);
    expect(first.user).toMatchObject({ firstSeen: 1_000, lastSeen: 1_000 });
    clock = 5_000;
    const again = storage.users.loginOrCreate(id, key, 'Someone Else');
    expect(again.created).toBe(false);
    expect(again.user).toMatchObject({ displayName: 'Eve', firstSeen: 1_000, lastSeen: 5_000 });
    clock = 9_000;
    storage.users.touch(id);
    expect(storage.users.get(id)).toMatchObject({ firstSeen: 1_000, lastSeen: 9_000 });
  });
});

describe('known users', () => {
  it('keep their stored name across a reopen of the database', () => {
    const { id, key } = newUser();
    storage.users.loginOrCreate(id, key, 'Grace');
    storage.users.rename(id, 'Grace H');
    storage.close();
    storage = openStorage(dir, { maxChannels: 100 });
    const { user, created } = storage.users.loginOrCreate(id, key, 'Ignored');
    expect(created).toBe(false);
    expect(user.displayName).toBe('Grace H');
    expect(user.publicKey).toEqual(key);
  });
});

describe('rename', () => {
  it('normalises, stores and returns the name', () => {
    const { id, key } = newUser();
    storage.users.loginOrCreate(id, key, 'Bob');
    expect(storage.users.rename(id, '  Robert   ')).toBe('Robert');
    expect(storage.users.get(id)?.displayName).toBe('Robert');
  });

  it('rejects invalid names with NAME_INVALID', () => {
    const { id, key } = newUser();
    storage.users.loginOrCreate(id, key, 'Bob');
    expect(codeOf(() => storage.users.rename(id, ''))).toBe(ErrorCode.NAME_INVALID);
    expect(codeOf(() => storage.users.rename(id, 'tab\there'))).toBe(ErrorCode.NAME_INVALID);
    expect(codeOf(() => storage.users.rename(id, 'a\u202Eb'))).toBe(ErrorCode.NAME_INVALID);
    expect(codeOf(() => storage.users.rename(id, 'y'.repeat(LIMITS.displayNameMaxChars + 1)))).toBe(ErrorCode.NAME_INVALID);
  });

  it('rejects a name another user holds (any case or width) with NAME_TAKEN, even when that user is offline', () => {
    create('Carol');
    const { id, key } = newUser();
    storage.users.loginOrCreate(id, key, 'Dave');
    expect(codeOf(() => storage.users.rename(id, 'CAROL'))).toBe(ErrorCode.NAME_TAKEN);
    expect(codeOf(() => storage.users.rename(id, 'ｃａｒｏｌ'))).toBe(ErrorCode.NAME_TAKEN);
    expect(storage.users.get(id)?.displayName).toBe('Dave');
  });

  it('allows changing only the case of your own name', () => {
    const { id, key } = newUser();
    storage.users.loginOrCreate(id, key, 'dave');
    expect(storage.users.rename(id, 'Dave')).toBe('Dave');
    expect(storage.users.rename(id, 'Dave')).toBe('Dave');
  });

  it('frees the old name for others', () => {
    const { id, key } = newUser();
    storage.users.loginOrCreate(id, key, 'Frank');
    storage.users.rename(id, 'Franz');
    expect(create('Frank')).toBe('Frank');
  });
});
