import { bytesEqual, concatBytes, fromBase64Url, toBase64Url, utf8Decode } from './bytes';

describe('base64url', () => {
  it('round-trips every length from 0 to 70', () => {
    for (let n = 0; n <= 70; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);
      const text = toBase64Url(bytes);
      expect(text).not.toMatch(/[+/=]/);
      expect(Buffer.from(text, 'base64url').equals(Buffer.from(bytes))).toBe(true);
      expect(fromBase64Url(text)).toEqual(bytes);
    }
  });

  it('rejects characters outside the alphabet, padding and impossible lengths', () => {
    expect(fromBase64Url('ab+c')).toBeNull();
    expect(fromBase64Url('ab/c')).toBeNull();
    expect(fromBase64Url('abc=')).toBeNull();
    expect(fromBase64Url('abcde')).toBeNull();
    expect(fromBase64Url('é')).toBeNull();
  });

  it('rejects non-canonical encodings (non-zero leftover bits)', () => {
    expect(fromBase64Url('AA')).toEqual(new Uint8Array([0]));
    expect(fromBase64Url('AB')).toBeNull();
  });
});

describe('byte helpers', () => {
  it('concatenates and compares', () => {
    const joined = concatBytes(new Uint8Array([1, 2]), new Uint8Array([]), new Uint8Array([3]));
    expect(joined).toEqual(new Uint8Array([1, 2, 3]));
    expect(bytesEqual(joined, new Uint8Array([1, 2, 3]))).toBe(true);
    expect(bytesEqual(joined, new Uint8Array([1, 2, 4]))).toBe(false);
    expect(bytesEqual(joined, new Uint8Array([1, 2]))).toBe(false);
  });

  it('refuses invalid UTF-8 instead of replacing it', () => {
    expect(utf8Decode(new Uint8Array([0xff, 0xfe]))).toBeNull();
    expect(utf8Decode(new Uint8Array([0x68, 0x69]))).toBe('hi');
  });
});
