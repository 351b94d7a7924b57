// Safety numbers through the real WebAssembly module.
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { Identity, SAFETY_NUMBER_QR_LENGTH, SafetyNumber } from './index';
import { initCryptoFromFile } from './node';
import { toHex } from './test-vectors';
import { codeOf } from './test-support';

// The same known answers as the Rust tests (keys of the secrets [1; 32] and [2; 32]).
const testdata = (name: string) => readFileSync(path.join(__dirname, '..', 'testdata', name), 'utf8').trim();
const NUMBER_1_2 = testdata('safety-number-01-02.txt');
const QR_1_2 = testdata('safety-qr-01-02.txt');

const keyOf = (byte: number) => Identity.fromSecretKey(new Uint8Array(32).fill(byte)).publicKey;


beforeAll(async () => {
  await initCryptoFromFile();
});

describe('SafetyNumber', () => {
  it('matches the known answer', () => {
    const number = SafetyNumber.of(keyOf(1), keyOf(2));
    expect(number.digits).toBe(NUMBER_1_2);
    expect(toHex(number.qrPayload)).toBe(QR_1_2);
    expect(number.qrPayload).toHaveLength(SAFETY_NUMBER_QR_LENGTH);
  });

  it('is 12 groups of 5 digits, the same on both sides', () => {
    const a = Identity.generate().publicKey;
    const b = Identity.generate().publicKey;
    const digits = SafetyNumber.of(a, b).digits;
    expect(digits).toMatch(/^\d{5}( \d{5}){11}$/);
    expect(SafetyNumber.of(b, a).digits).toBe(digits);
  });

  it('differs for different pairs', () => {
    const numbers = new Set([
      SafetyNumber.of(keyOf(1), keyOf(2)).digits,
      SafetyNumber.of(keyOf(1), keyOf(3)).digits,
      SafetyNumber.of(keyOf(3), keyOf(2)).digits,
    ]);
    expect(numbers.size).toBe(3);
  });

  it("accepts the other side's QR code and refuses one made for another key", () => {
    const [alice, bob, mallory] = [keyOf(1), keyOf(2), keyOf(3)];
    const bobSees = SafetyNumber.of(bob, alice);
    expect(bobSees.matchesScanned(SafetyNumber.of(alice, bob).qrPayload)).toBe(true);
    expect(bobSees.matchesScanned(SafetyNumber.of(alice, mallory).qrPayload)).toBe(false);
    expect(bobSees.matchesScanned(bobSees.qrPayload)).toBe(false);
  });

  it('rejects payloads that are not safety-number codes', () => {
    const number = SafetyNumber.of(keyOf(1), keyOf(2));
    const good = SafetyNumber.of(keyOf(2), keyOf(1)).qrPayload;
    const otherVersion = good.slice();
    otherVersion[0] = 2;
    for (const bad of [good.subarray(0, 64), new Uint8Array(0), otherVersion]) {
      expect(codeOf(() => number.matchesScanned(bad))).toBe('INVALID_SAFETY_NUMBER_PAYLOAD');
    }
    expect(codeOf(() => number.matchesScanned('x' as unknown as Uint8Array))).toBe('INVALID_INPUT');
  });

  it('rejects malformed keys', () => {
    expect(codeOf(() => SafetyNumber.of(new Uint8Array(31), keyOf(1)))).toBe('INVALID_KEY');
    expect(codeOf(() => SafetyNumber.of(keyOf(1), new Uint8Array(32)))).toBe('INVALID_KEY');
  });
});
