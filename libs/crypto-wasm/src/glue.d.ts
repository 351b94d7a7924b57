// Typings for glue.js: the subset of the generated pkg/lemon_crypto.d.ts that the wrapper uses.
// Internal to this library; import the public API from index.ts.

/** Thrown by every failing export (see rust/wasm/error.rs). */
export class CryptoFailure {
  private constructor();
  readonly code: string;
  readonly message: string;
}

/** An Ed25519 key pair living in WebAssembly memory (see rust/wasm/identity.rs). */
export class IdentityKey {
  private constructor();
  static generate(): IdentityKey;
  static fromSecretKey(secret: Uint8Array): IdentityKey;
  publicKey(): Uint8Array;
  userId(): string;
  fingerprint(): string;
  sign(message: Uint8Array): Uint8Array;
  exportSecretKey(): Uint8Array;
}

/** The codes of the Rust error enum, in declaration order. */
export function errorCodes(): string[];
export function verifySignature(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
export function userIdFromPublicKey(publicKey: Uint8Array): string;
export function fingerprintFromPublicKey(publicKey: Uint8Array): string;

/** Instantiates the module from bytes or a compiled module (never fetches). */
export default function init(options: { module_or_path: BufferSource | WebAssembly.Module }): Promise<unknown>;
