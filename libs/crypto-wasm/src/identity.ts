// Identity keys (Ed25519), user ids and fingerprints. The work happens in Rust (rust/identity.rs,
// rust/user_id.rs, rust/fingerprint.rs); this file keeps the JavaScript side typed and safe.

import {
  IdentityKey,
  fingerprintFromPublicKey as wasmFingerprintFromPublicKey,
  userIdFromPublicKey as wasmUserIdFromPublicKey,
  verifySignature as wasmVerifySignature,
} from './glue.js';
import { callWasm, requireBytes } from './runtime';

/** Bytes in a public key. */
export const PUBLIC_KEY_LENGTH = 32;
/** Bytes in a secret key. */
export const SECRET_KEY_LENGTH = 32;
/** Bytes in a signature. */
export const SIGNATURE_LENGTH = 64;

/**
 * A user's long-term Ed25519 key pair. The secret key stays inside WebAssembly memory unless
 * `exportSecretKey()` is called, and is wiped there when this object is garbage collected.
 * Nothing needs to be freed by hand. Logging the object shows no key material.
 */
export class Identity {
  readonly #key: IdentityKey;
  #publicKey: Uint8Array | undefined;
  #userId: string | undefined;
  #fingerprint: string | undefined;

  private constructor(key: IdentityKey) {
    this.#key = key;
  }

  /** A new identity from the platform's secure random source. */
  static generate(): Identity {
    return new Identity(callWasm(() => IdentityKey.generate()));
  }

  /** Restores an identity from the 32 bytes returned by `exportSecretKey()`. */
  static fromSecretKey(secret: Uint8Array): Identity {
    return new Identity(
      callWasm(() => {
        requireBytes('secret', secret);
        return IdentityKey.fromSecretKey(secret);
      }),
    );
  }

  /** The 32-byte public key (a fresh copy on every read). */
  get publicKey(): Uint8Array {
    this.#publicKey ??= callWasm(() => this.#key.publicKey());
    return this.#publicKey.slice();
  }

  /** The user id: 32 lowercase hex characters derived from the public key. */
  get userId(): string {
    this.#userId ??= callWasm(() => this.#key.userId());
    return this.#userId;
  }

  /** The fingerprint people compare: six groups of five digits, e.g. "01234 56789 …". */
  get fingerprint(): string {
    this.#fingerprint ??= callWasm(() => this.#key.fingerprint());
    return this.#fingerprint;
  }

  /** A 64-byte Ed25519 signature over `message` (deterministic). */
  sign(message: Uint8Array): Uint8Array {
    return callWasm(() => {
      requireBytes('message', message);
      return this.#key.sign(message);
    });
  }

  /** The 32-byte secret key. Store it only encrypted; never log or send it. */
  exportSecretKey(): Uint8Array {
    return callWasm(() => this.#key.exportSecretKey());
  }
}

/**
 * Whether `signature` is a valid Ed25519 signature of `message` by `publicKey` (strict
 * verification). Returns false for a signature that does not verify; throws CryptoError
 * `INVALID_KEY` for a malformed public key and `INVALID_SIGNATURE_FORMAT` for a signature that is
 * not 64 bytes long.
 */
export function verifySignature(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  return callWasm(() => {
    requireBytes('publicKey', publicKey);
    requireBytes('message', message);
    requireBytes('signature', signature);
    return wasmVerifySignature(publicKey, message, signature);
  });
}

/** The user id of a public key; throws CryptoError `INVALID_KEY` for a malformed key. */
export function userIdFromPublicKey(publicKey: Uint8Array): string {
  return callWasm(() => {
    requireBytes('publicKey', publicKey);
    return wasmUserIdFromPublicKey(publicKey);
  });
}

/** The fingerprint of a public key; throws CryptoError `INVALID_KEY` for a malformed key. */
export function fingerprintFromPublicKey(publicKey: Uint8Array): string {
  return callWasm(() => {
    requireBytes('publicKey', publicKey);
    return wasmFingerprintFromPublicKey(publicKey);
  });
}
