// Identity backup through the real WebAssembly module.
import {
  DEFAULT_BACKUP_KDF_PARAMS,
  Identity,
  exportIdentityBackup,
  importIdentityBackup,
} from './index';
import type { BackupKdfParams } from './index';
import { initCryptoFromFile } from './node';
import { SECRET_OF_ONES } from './test-vectors';
import { codeOf } from './test-support';

/** Small Argon2id costs so the tests stay fast; the format and code paths are the same. */
const FAST: BackupKdfParams = { memoryKib: 64, iterations: 1, parallelism: 1 };
const HEADER_LENGTH = 98;
const encode = (text: string) => new TextEncoder().encode(text);


function withByte(bytes: Uint8Array, index: number, value: number): Uint8Array {
  const copy = bytes.slice();
  copy[index] = value;
  return copy;
}

beforeAll(async () => {
  await initCryptoFromFile();
});

describe('identity backup', () => {
  const file = () => exportIdentityBackup(SECRET_OF_ONES, 'correct horse', { metadata: encode('Alice'), kdf: FAST });

  it('round-trips the secret and the metadata', () => {
    const backup = file();
    expect(new TextDecoder().decode(backup.subarray(0, 8))).toBe('LEMONBAK');
    const opened = importIdentityBackup(backup, 'correct horse');
    expect(opened.secretKey).toEqual(SECRET_OF_ONES);
    expect(new TextDecoder().decode(opened.metadata)).toBe('Alice');
    const restored = Identity.fromSecretKey(opened.secretKey);
    expect(restored.publicKey).toEqual(Identity.fromSecretKey(SECRET_OF_ONES).publicKey);
  });

  it('works without metadata and normalises the passphrase to NFC', () => {
    const backup = exportIdentityBackup(SECRET_OF_ONES, 'cafe\u0301', { kdf: FAST });
    const opened = importIdentityBackup(backup, 'caf\u00e9');
    expect(opened.secretKey).toEqual(SECRET_OF_ONES);
    expect(opened.metadata).toHaveLength(0);
  });

  it('uses the default costs when none are given', () => {
    expect(DEFAULT_BACKUP_KDF_PARAMS).toEqual({ memoryKib: 65536, iterations: 3, parallelism: 1 });
    const started = performance.now();
    const backup = exportIdentityBackup(SECRET_OF_ONES, 'correct horse');
    const exported = performance.now();
    const view = new DataView(backup.buffer, backup.byteOffset, backup.byteLength);
    expect([view.getUint32(10), view.getUint32(14), view.getUint32(18)]).toEqual([65536, 3, 1]);
    expect(importIdentityBackup(backup, 'correct horse').secretKey).toEqual(SECRET_OF_ONES);
    const imported = performance.now();
    // Timing at the default costs (reported, not asserted beyond a generous bound).
    console.info(
      `identity backup at 64 MiB / t=3: export ${(exported - started).toFixed(0)} ms, import ${(imported - exported).toFixed(0)} ms`,
    );
    expect(imported - started).toBeLessThan(20000);
  });

  it('WRONG_PASSPHRASE', () => {
    expect(codeOf(() => importIdentityBackup(file(), 'wrong horse'))).toBe('WRONG_PASSPHRASE');
  });

  it('TAMPERED_BACKUP: a changed ciphertext or nonce byte', () => {
    const backup = file();
    for (const at of [70, HEADER_LENGTH, backup.length - 1]) {
      const bad = withByte(backup, at, (backup[at] ?? 0) ^ 1);
      expect(codeOf(() => importIdentityBackup(bad, 'correct horse'))).toBe('TAMPERED_BACKUP');
    }
  });

  it('TRUNCATED_BACKUP', () => {
    const backup = file();
    for (const length of [9, HEADER_LENGTH, backup.length - 1]) {
      expect(codeOf(() => importIdentityBackup(backup.subarray(0, length), 'correct horse'))).toBe('TRUNCATED_BACKUP');
    }
  });

  it('UNSUPPORTED_BACKUP_VERSION and NOT_A_BACKUP', () => {
    const backup = file();
    expect(codeOf(() => importIdentityBackup(withByte(backup, 8, 2), 'correct horse'))).toBe(
      'UNSUPPORTED_BACKUP_VERSION',
    );
    expect(codeOf(() => importIdentityBackup(withByte(backup, 0, 0), 'correct horse'))).toBe('NOT_A_BACKUP');
    expect(codeOf(() => importIdentityBackup(new Uint8Array(0), 'correct horse'))).toBe('NOT_A_BACKUP');
  });

  it('INVALID_BACKUP_PARAMETERS: hostile costs in a file, bad costs or metadata at export', () => {
    const huge = file();
    new DataView(huge.buffer).setUint32(10, 0xffffffff);
    expect(codeOf(() => importIdentityBackup(huge, 'correct horse'))).toBe('INVALID_BACKUP_PARAMETERS');
    expect(codeOf(() => exportIdentityBackup(SECRET_OF_ONES, 'pw', { kdf: { ...FAST, iterations: 0 } }))).toBe(
      'INVALID_BACKUP_PARAMETERS',
    );
    expect(codeOf(() => exportIdentityBackup(SECRET_OF_ONES, 'pw', { kdf: FAST, metadata: new Uint8Array(4097) }))).toBe(
      'INVALID_BACKUP_PARAMETERS',
    );
  });

  it('checks argument types', () => {
    expect(codeOf(() => exportIdentityBackup(SECRET_OF_ONES.subarray(1), 'pw', { kdf: FAST }))).toBe('INVALID_KEY');
    expect(codeOf(() => exportIdentityBackup(SECRET_OF_ONES, '', { kdf: FAST }))).toBe('INVALID_INPUT');
    expect(codeOf(() => exportIdentityBackup(SECRET_OF_ONES, 'pw', { kdf: { ...FAST, memoryKib: -1 } }))).toBe(
      'INVALID_INPUT',
    );
    expect(codeOf(() => importIdentityBackup(file(), 42 as unknown as string))).toBe('INVALID_INPUT');
  });
});
