import { formatEpochCode } from './epoch-code';

describe('formatEpochCode', () => {
  it('reads the first 8 bytes as 12 digits in groups of four', () => {
    expect(formatEpochCode(new Uint8Array(32))).toBe('0000 0000 0000');
    // 2^64 - 1 = 18446744073709551615 → its last 12 digits.
    expect(formatEpochCode(new Uint8Array(32).fill(255))).toBe('0737 0955 1615');
  });
  it('differs when the authenticator differs, and refuses short input', () => {
    const a = new Uint8Array(32);
    const b = new Uint8Array(32);
    b[7] = 1;
    expect(formatEpochCode(a)).not.toBe(formatEpochCode(b));
    expect(() => formatEpochCode(new Uint8Array(7))).toThrow(RangeError);
  });
});
