// Encrypting the identity secret key at rest with a WebCrypto AES-GCM key that is NOT
// extractable: script (and anyone reading the IndexedDB files) can use it only through
// this browser profile's WebCrypto, never read it out.

const ALGORITHM = 'AES-GCM';
const IV_BYTES = 12;
const CONTEXT = new TextEncoder().encode('lemon-chat/identity-secret/v1');

export interface Sealed {
  iv: Uint8Array<ArrayBuffer>;
  ciphertext: ArrayBuffer;
}

export function createWrappingKey(subtle: SubtleCrypto = crypto.subtle): Promise<CryptoKey> {
  return subtle.generateKey({ name: ALGORITHM, length: 256 }, false, ['encrypt', 'decrypt']);
}

/** Binds the ciphertext to its purpose and to the public key it belongs to. */
function additionalData(publicKey: Uint8Array): Uint8Array<ArrayBuffer> {
  const aad = new Uint8Array(CONTEXT.length + 1 + publicKey.length);
  aad.set(CONTEXT, 0);
  aad.set(publicKey, CONTEXT.length + 1);
  return aad;
}

export async function sealSecret(key: CryptoKey, secret: Uint8Array, publicKey: Uint8Array, subtle: SubtleCrypto = crypto.subtle): Promise<Sealed> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const plain = new Uint8Array(secret);
  try {
    const ciphertext = await subtle.encrypt({ name: ALGORITHM, iv, additionalData: additionalData(publicKey) }, key, plain);
    return { iv, ciphertext };
  } finally {
    plain.fill(0);
  }
}

/** The secret key; the caller must wipe it (fill(0)) once used. Rejects if the key or data do not match. */
export async function unsealSecret(key: CryptoKey, sealed: { iv: Uint8Array; ciphertext: ArrayBuffer }, publicKey: Uint8Array, subtle: SubtleCrypto = crypto.subtle): Promise<Uint8Array> {
  const plain = await subtle.decrypt(
    { name: ALGORITHM, iv: new Uint8Array(sealed.iv), additionalData: additionalData(publicKey) },
    key,
    sealed.ciphertext,
  );
  return new Uint8Array(plain);
}
