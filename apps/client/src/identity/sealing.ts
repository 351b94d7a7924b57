// Encryption at rest with a WebCrypto AES-GCM key that is NOT extractable: script (and anyone
// reading the IndexedDB files) can use it only through this browser profile's WebCrypto, never
// read it out. It seals the identity secret key and the encrypted-chat state.

const ALGORITHM = 'AES-GCM';
const IV_BYTES = 12;
const IDENTITY_CONTEXT = 'lemon-chat/identity-secret/v1';

export interface Sealed {
  iv: Uint8Array<ArrayBuffer>;
  ciphertext: ArrayBuffer;
}

export function createWrappingKey(subtle: SubtleCrypto = crypto.subtle): Promise<CryptoKey> {
  return subtle.generateKey({ name: ALGORITHM, length: 256 }, false, ['encrypt', 'decrypt']);
}

/** Binds a ciphertext to its purpose and to what it belongs to, so records cannot be swapped. */
export function additionalData(context: string, binding: Uint8Array): Uint8Array<ArrayBuffer> {
  const label = new TextEncoder().encode(context);
  const aad = new Uint8Array(label.length + 1 + binding.length);
  aad.set(label, 0);
  aad.set(binding, label.length + 1);
  return aad;
}

export async function seal(key: CryptoKey, plain: Uint8Array, aad: Uint8Array<ArrayBuffer>, subtle: SubtleCrypto = crypto.subtle): Promise<Sealed> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const copy = new Uint8Array(plain);
  try {
    return { iv, ciphertext: await subtle.encrypt({ name: ALGORITHM, iv, additionalData: aad }, key, copy) };
  } finally {
    copy.fill(0);
  }
}

/** Rejects if the key, the data or the binding do not match. */
export async function unseal(key: CryptoKey, sealed: { iv: Uint8Array; ciphertext: ArrayBuffer }, aad: Uint8Array<ArrayBuffer>, subtle: SubtleCrypto = crypto.subtle): Promise<Uint8Array> {
  return new Uint8Array(await subtle.decrypt({ name: ALGORITHM, iv: new Uint8Array(sealed.iv), additionalData: aad }, key, sealed.ciphertext));
}

export function sealSecret(key: CryptoKey, secret: Uint8Array, publicKey: Uint8Array, subtle: SubtleCrypto = crypto.subtle): Promise<Sealed> {
  return seal(key, secret, additionalData(IDENTITY_CONTEXT, publicKey), subtle);
}

/** The secret key; the caller must wipe it (fill(0)) once used. */
export function unsealSecret(key: CryptoKey, sealed: { iv: Uint8Array; ciphertext: ArrayBuffer }, publicKey: Uint8Array, subtle: SubtleCrypto = crypto.subtle): Promise<Uint8Array> {
  return unseal(key, sealed, additionalData(IDENTITY_CONTEXT, publicKey), subtle);
}
