import { PictureError, decryptPicture, encryptPicture, sniffPictureType } from './pictures';

describe('pictures', () => {
  const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...Array.from({ length: 5000 }, (_, i) => i % 251)]);

  it('round-trips byte-exact with a fresh key each time', async () => {
    const a = await encryptPicture(png);
    const b = await encryptPicture(png);
    expect(a.key).not.toEqual(b.key);
    expect(a.ciphertext).not.toEqual(b.ciphertext);
    expect(a.ciphertext.length).toBe(png.length + 16);
    expect(await decryptPicture(a.ciphertext, a.key, a.nonce, a.sha256)).toEqual(png);
  });

  it('refuses a swapped blob by its hash and a tampered one by the AEAD', async () => {
    const a = await encryptPicture(png);
    const b = await encryptPicture(png);
    await expect(decryptPicture(b.ciphertext, a.key, a.nonce, a.sha256)).rejects.toMatchObject({ code: 'HASH_MISMATCH' });
    const tampered = a.ciphertext.slice();
    tampered[10]! ^= 1;
    await expect(decryptPicture(tampered, a.key, a.nonce, tampered.length ? await crypto.subtle.digest('SHA-256', tampered).then((d) => new Uint8Array(d)) : a.sha256)).rejects.toBeInstanceOf(PictureError);
  });

  it('knows pictures by their bytes, not their names', () => {
    expect(sniffPictureType(png)).toBe('image/png');
    expect(sniffPictureType(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffPictureType(new TextEncoder().encode('GIF89a'))).toBe('image/gif');
    expect(sniffPictureType(new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp');
    expect(sniffPictureType(new TextEncoder().encode('<svg onload=alert(1)>'))).toBeNull();
  });
});
