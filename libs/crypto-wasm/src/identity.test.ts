import {
  Identity,
  PUBLIC_KEY_LENGTH,
  SECRET_KEY_LENGTH,
  SIGNATURE_LENGTH,
  fingerprintFromPublicKey,
  userIdFromPublicKey,
  verifySignature,
} from './index';
import { initCryptoFromFile } from './node';
import {
  FINGERPRINT_OF_ONES,
  MALFORMED_PUBLIC_KEYS_HEX,
  PUBLIC_KEY_OF_ONES_HEX,
  RFC8032_TEST1,
  SECRET_OF_ONES,
  USER_ID_OF_ONES,
  fromHex,
  toHex,
} from './test-vectors';
import { codeOf } from './test-support';

const encode = (text: string) => new TextEncoder().encode(text);

/** A copy of `bytes` with the lowest bit of `bytes[index]` flipped. */
function flipBit(bytes: Uint8Array, index: number): Uint8Array {
  const copy = bytes.slice();
  copy[index] = (copy[index] ?? 0) ^ 0x01;
  return copy;
}


beforeAll(async () => {
  await initCryptoFromFile();
});

describe('known answers shared with the Rust tests', () => {
  it('derives the public key, user id and fingerprint of the all-0x01 secret', () => {
    const id = Identity.fromSecretKey(SECRET_OF_ONES);
    expect(toHex(id.publicKey)).toBe(PUBLIC_KEY_OF_ONES_HEX);
    expect(id.userId).toBe(USER_ID_OF_ONES);
    expect(id.fingerprint).toBe(FINGERPRINT_OF_ONES);
    expect(userIdFromPublicKey(id.publicKey)).toBe(USER_ID_OF_ONES);
    expect(fingerprintFromPublicKey(fromHex(PUBLIC_KEY_OF_ONES_HEX))).toBe(FINGERPRINT_OF_ONES);
  });

  it('signs RFC 8032 test 1 exactly', () => {
    const id = Identity.fromSecretKey(fromHex(RFC8032_TEST1.secretHex));
    expect(toHex(id.publicKey)).toBe(RFC8032_TEST1.publicHex);
    expect(toHex(id.sign(new Uint8Array(0)))).toBe(RFC8032_TEST1.signatureOfEmptyHex);
  });
});

describe('Identity', () => {
  it('generates keys of the documented sizes, from fresh randomness each time', () => {
    const a = Identity.generate();
    const b = Identity.generate();
    expect(a.publicKey).toHaveLength(PUBLIC_KEY_LENGTH);
    expect(a.exportSecretKey()).toHaveLength(SECRET_KEY_LENGTH);
    expect(toHex(a.publicKey)).not.toBe(toHex(b.publicKey));
    expect(a.userId).not.toBe(b.userId);
    expect(a.fingerprint).not.toBe(b.fingerprint);
  });

  it('round-trips through its exported secret key', () => {
    const original = Identity.generate();
    const restored = Identity.fromSecretKey(original.exportSecretKey());
    expect(toHex(restored.publicKey)).toBe(toHex(original.publicKey));
    expect(restored.userId).toBe(original.userId);
    expect(restored.fingerprint).toBe(original.fingerprint);
    const message = encode('same key, same signature');
    expect(toHex(restored.sign(message))).toBe(toHex(original.sign(message)));
  });

  it('accepts a Node Buffer as a secret key', () => {
    const id = Identity.fromSecretKey(Buffer.from(SECRET_OF_ONES));
    expect(id.userId).toBe(USER_ID_OF_ONES);
  });

  it('gives a different identity for a different secret', () => {
    const one = Identity.fromSecretKey(SECRET_OF_ONES);
    const two = Identity.fromSecretKey(new Uint8Array(32).fill(0x02));
    expect(toHex(two.publicKey)).not.toBe(toHex(one.publicKey));
    expect(two.userId).not.toBe(one.userId);
    expect(two.fingerprint).not.toBe(one.fingerprint);
  });

  it('hands out copies of the public key, so callers cannot change it', () => {
    const id = Identity.fromSecretKey(SECRET_OF_ONES);
    const copy = id.publicKey;
    copy.fill(0);
    expect(toHex(id.publicKey)).toBe(PUBLIC_KEY_OF_ONES_HEX);
  });

  it('refuses secret keys of the wrong length with INVALID_KEY', () => {
    for (const length of [0, 31, 33, 64]) {
      expect(codeOf(() => Identity.fromSecretKey(new Uint8Array(length)))).toBe('INVALID_KEY');
    }
  });

  it('refuses arguments that are not a Uint8Array with INVALID_INPUT', () => {
    const id = Identity.fromSecretKey(SECRET_OF_ONES);
    const notBytes = [Array.from(SECRET_OF_ONES), 'secret', undefined, new Uint16Array(16)];
    for (const value of notBytes) {
      expect(codeOf(() => Identity.fromSecretKey(value as unknown as Uint8Array))).toBe('INVALID_INPUT');
      expect(codeOf(() => id.sign(value as unknown as Uint8Array))).toBe('INVALID_INPUT');
    }
  });

  it('does not show key material when logged or serialised', () => {
    const id = Identity.fromSecretKey(SECRET_OF_ONES);
    const secretHex = toHex(SECRET_OF_ONES);
    const { inspect } = jest.requireActual<typeof import('node:util')>('node:util');
    expect(inspect(id, { depth: 10, showHidden: true })).not.toContain(secretHex);
    expect(JSON.stringify(id)).toBe('{}');
  });
});

describe('verifySignature', () => {
  const signer = (secret: Uint8Array) => Identity.fromSecretKey(secret);
  const message = encode('hello lemon');

  it('accepts a genuine signature', () => {
    const id = signer(SECRET_OF_ONES);
    const signature = id.sign(message);
    expect(signature).toHaveLength(SIGNATURE_LENGTH);
    expect(verifySignature(id.publicKey, message, signature)).toBe(true);
  });

  it('returns false for a modified message', () => {
    const id = signer(SECRET_OF_ONES);
    const signature = id.sign(message);
    expect(verifySignature(id.publicKey, flipBit(message, 0), signature)).toBe(false);
    expect(verifySignature(id.publicKey, message.subarray(1), signature)).toBe(false);
  });

  it('returns false for a modified signature (R half and s half)', () => {
    const id = signer(SECRET_OF_ONES);
    const signature = id.sign(message);
    for (const index of [0, 31, 32, 63]) {
      expect(verifySignature(id.publicKey, message, flipBit(signature, index))).toBe(false);
    }
  });

  it('returns false for another key', () => {
    const signature = signer(SECRET_OF_ONES).sign(message);
    const other = signer(new Uint8Array(32).fill(0x02));
    expect(verifySignature(other.publicKey, message, signature)).toBe(false);
  });

  it('throws INVALID_SIGNATURE_FORMAT for a signature that is not 64 bytes', () => {
    const id = signer(SECRET_OF_ONES);
    const signature = id.sign(message);
    for (const bad of [signature.subarray(0, 63), new Uint8Array(0), new Uint8Array(65)]) {
      expect(codeOf(() => verifySignature(id.publicKey, message, bad))).toBe('INVALID_SIGNATURE_FORMAT');
    }
  });

  it('throws INVALID_KEY for malformed public keys', () => {
    const signature = signer(SECRET_OF_ONES).sign(message);
    const good = fromHex(PUBLIC_KEY_OF_ONES_HEX);
    const malformed = [good.subarray(0, 31), new Uint8Array(33), new Uint8Array(0)];
    for (const hex of Object.values(MALFORMED_PUBLIC_KEYS_HEX)) malformed.push(fromHex(hex));
    for (const key of malformed) {
      expect(codeOf(() => verifySignature(key, message, signature))).toBe('INVALID_KEY');
      expect(codeOf(() => userIdFromPublicKey(key))).toBe('INVALID_KEY');
      expect(codeOf(() => fingerprintFromPublicKey(key))).toBe('INVALID_KEY');
    }
  });
});
