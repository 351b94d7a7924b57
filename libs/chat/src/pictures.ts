/**
 * Pictures are encrypted in the client before upload: AES-256-GCM (WebCrypto) under a fresh
 * random key per picture, so the blob on the server is opaque and each picture's key is only
 * inside the MLS message that references it. Receivers check the SHA-256 of what they
 * downloaded before decrypting (a server that swaps blobs is caught before the AEAD even runs).
 */
import { bytesEqual } from '@lemon/protocol';

export interface EncryptedPicture {
  ciphertext: Uint8Array;
  key: Uint8Array;
  nonce: Uint8Array;
  sha256: Uint8Array;
}

export class PictureError extends Error {
  constructor(
    readonly code: 'HASH_MISMATCH' | 'DECRYPT_FAILED' | 'TOO_LARGE' | 'UNSUPPORTED_TYPE',
    message: string,
  ) {
    super(message);
    this.name = 'PictureError';
  }
}

const subtle = (): SubtleCrypto => globalThis.crypto.subtle;

// WebCrypto wants ArrayBuffer-backed views; copies keep callers' buffers untouched.
const buf = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(bytes);

export async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().digest('SHA-256', buf(bytes)));
}

export async function encryptPicture(plaintext: Uint8Array): Promise<EncryptedPicture> {
  const key = globalThis.crypto.getRandomValues(new Uint8Array(32));
  const nonce = globalThis.crypto.getRandomValues(new Uint8Array(12));
  const cryptoKey = await subtle().importKey('raw', key, 'AES-GCM', false, ['encrypt']);
  const ciphertext = new Uint8Array(await subtle().encrypt({ name: 'AES-GCM', iv: nonce }, cryptoKey, buf(plaintext)));
  return { ciphertext, key, nonce, sha256: await sha256(ciphertext) };
}

export async function decryptPicture(ciphertext: Uint8Array, key: Uint8Array, nonce: Uint8Array, expectedSha256: Uint8Array): Promise<Uint8Array> {
  if (!bytesEqual(await sha256(ciphertext), expectedSha256)) {
    throw new PictureError('HASH_MISMATCH', 'the downloaded picture is not the one that was sent');
  }
  try {
    const cryptoKey = await subtle().importKey('raw', buf(key), 'AES-GCM', false, ['decrypt']);
    return new Uint8Array(await subtle().decrypt({ name: 'AES-GCM', iv: buf(nonce) }, cryptoKey, buf(ciphertext)));
  } catch {
    throw new PictureError('DECRYPT_FAILED', 'the picture could not be decrypted');
  }
}

/** The picture type from the file's first bytes (never from its name or a claimed type). */
export function sniffPictureType(bytes: Uint8Array): 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp' | null {
  const at = (i: number, ...values: number[]) => values.every((v, k) => bytes[i + k] === v);
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (at(0, 0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (at(0, 0x47, 0x49, 0x46, 0x38)) return 'image/gif';
  if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return 'image/webp';
  return null;
}
