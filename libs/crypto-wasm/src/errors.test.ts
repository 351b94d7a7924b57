// Every error code: what produces it and that it reaches callers as a CryptoError. Codes of the
// other modules are produced in their own tests (safety-number, backup, mls).
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { errorCodes } from './glue.js';
import { CRYPTO_ERROR_CODES, CryptoError, Identity, userIdFromPublicKey, verifySignature } from './index';
import type { CryptoErrorCode } from './index';
import { RUST_ERROR_CODES, WRAPPER_ERROR_CODES } from './errors';
import { initCryptoFromFile } from './node';
import { SECRET_OF_ONES } from './test-vectors';

function thrownBy(run: () => unknown): CryptoError {
  try {
    run();
  } catch (error) {
    if (error instanceof CryptoError) return error;
    throw error;
  }
  throw new Error('expected a CryptoError, but nothing was thrown');
}

beforeAll(async () => {
  await initCryptoFromFile();
});

describe('codes from the Rust core', () => {
  it('the wrapper knows exactly the codes of the Rust error enum', () => {
    expect(errorCodes()).toEqual([...RUST_ERROR_CODES]);
  });

  it('INVALID_KEY: a malformed public key', () => {
    const error = thrownBy(() => userIdFromPublicKey(new Uint8Array(31)));
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'CryptoError', code: 'INVALID_KEY', message: 'the key is malformed' });
  });

  it('every Rust code is documented on CryptoErrorCode', () => {
    const source = readFileSync(path.join(__dirname, 'errors.ts'), 'utf8');
    for (const code of RUST_ERROR_CODES) expect(source).toContain(` * - \`${code}\``);
  });

  it('INVALID_SIGNATURE_FORMAT: a signature that is not 64 bytes', () => {
    const id = Identity.fromSecretKey(SECRET_OF_ONES);
    const error = thrownBy(() => verifySignature(id.publicKey, new Uint8Array(1), new Uint8Array(63)));
    expect(error).toMatchObject({ code: 'INVALID_SIGNATURE_FORMAT', message: 'the signature is not 64 bytes long' });
  });

  it('RANDOMNESS_UNAVAILABLE: no crypto.getRandomValues in the environment', () => {
    const original = Object.getOwnPropertyDescriptor(globalThis, 'crypto');
    Object.defineProperty(globalThis, 'crypto', { value: undefined, configurable: true, writable: true });
    let error: CryptoError;
    try {
      error = thrownBy(() => Identity.generate());
    } finally {
      if (original) Object.defineProperty(globalThis, 'crypto', original);
      else delete (globalThis as { crypto?: unknown }).crypto;
    }
    expect(error).toMatchObject({ code: 'RANDOMNESS_UNAVAILABLE' });
    // And with the environment restored, generation works again.
    expect(Identity.generate().publicKey).toHaveLength(32);
  });
});

describe('codes from the wrapper', () => {
  it('INVALID_INPUT: an argument that is not a Uint8Array', () => {
    const error = thrownBy(() => userIdFromPublicKey([1, 2, 3] as unknown as Uint8Array));
    expect(error).toMatchObject({ code: 'INVALID_INPUT', message: 'publicKey must be a Uint8Array' });
  });

  it('INTERNAL: a code the wrapper does not know', () => {
    const error = CryptoError.fromRust('SOMETHING_NEW', 'from a newer core');
    expect(error.code).toBe('INTERNAL');
    expect(error.message).toContain('SOMETHING_NEW');
  });

  it('fromRust keeps every known Rust code', () => {
    for (const code of RUST_ERROR_CODES) {
      expect(CryptoError.fromRust(code, 'm')).toMatchObject({ code, message: 'm' });
    }
  });

  it('each static factory produces its own code', () => {
    const made: Array<[CryptoError, CryptoErrorCode]> = [
      [CryptoError.notInitialized(), 'NOT_INITIALIZED'],
      [CryptoError.initFailed(new Error('x')), 'INIT_FAILED'],
      [CryptoError.invalidInput('x'), 'INVALID_INPUT'],
      [CryptoError.invalidKey(), 'INVALID_KEY'],
      [CryptoError.invalidSignatureFormat(), 'INVALID_SIGNATURE_FORMAT'],
      [CryptoError.randomnessUnavailable(), 'RANDOMNESS_UNAVAILABLE'],
      [CryptoError.internal(new Error('x')), 'INTERNAL'],
    ];
    expect(made.map(([error]) => error.code)).toEqual(made.map(([, code]) => code));
    // Every wrapper code has a factory (Rust codes arrive through fromRust).
    for (const code of WRAPPER_ERROR_CODES) expect(made.map(([, c]) => c)).toContain(code);
    for (const [, code] of made) expect(CRYPTO_ERROR_CODES).toContain(code);
    for (const [error] of made) expect(error).toBeInstanceOf(CryptoError);
  });

  it('keeps the cause of INIT_FAILED and INTERNAL', () => {
    const cause = new Error('root cause');
    expect(CryptoError.initFailed(cause).cause).toBe(cause);
    expect(CryptoError.internal(cause).cause).toBe(cause);
  });
});
