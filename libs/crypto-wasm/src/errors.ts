// The one error class of @lemon/crypto-wasm. Callers switch on `code`, never on messages.

/** Codes produced by the Rust core (rust/error.rs); they cross the WebAssembly boundary. */
export const RUST_ERROR_CODES = [
  'INVALID_KEY',
  'INVALID_SIGNATURE_FORMAT',
  'RANDOMNESS_UNAVAILABLE',
  'INVALID_SAFETY_NUMBER_PAYLOAD',
  'NOT_A_BACKUP',
  'UNSUPPORTED_BACKUP_VERSION',
  'TRUNCATED_BACKUP',
  'INVALID_BACKUP_PARAMETERS',
  'WRONG_PASSPHRASE',
  'TAMPERED_BACKUP',
  'MLS_UNKNOWN_GROUP',
  'MLS_GROUP_EXISTS',
  'MLS_INVALID_ARGUMENT',
  'MLS_MALFORMED_MESSAGE',
  'MLS_WRONG_EPOCH',
  'MLS_NOT_A_MEMBER',
  'MLS_INVALID_SIGNATURE',
  'MLS_UNAUTHORIZED_SENDER',
  'MLS_FORBIDDEN_PROPOSAL',
  'MLS_DECRYPTION_FAILED',
  'MLS_REPLAY',
  'MLS_INVALID_MESSAGE',
  'MLS_INVALID_CREDENTIAL',
  'MLS_INVALID_KEY_PACKAGE',
  'MLS_NO_MATCHING_KEY_PACKAGE',
  'MLS_INVALID_STATE',
  'MLS_CORRUPT_STATE',
  'MLS_INTERNAL',
  'SFRAME_INVALID_ARGUMENT',
  'SFRAME_INVALID_STATE',
  'SFRAME_MALFORMED_HEADER',
  'SFRAME_UNKNOWN_KEY',
  'SFRAME_AUTHENTICATION_FAILED',
  'SFRAME_REPLAY',
  'SFRAME_COUNTER_EXHAUSTED',
] as const;

/** Codes produced by this TypeScript wrapper itself. */
export const WRAPPER_ERROR_CODES = ['NOT_INITIALIZED', 'INIT_FAILED', 'INVALID_INPUT', 'INTERNAL'] as const;

/**
 * - `NOT_INITIALIZED`: a function was called before `initCrypto()` finished.
 * - `INIT_FAILED`: the WebAssembly module could not be read, compiled or instantiated.
 * - `INVALID_INPUT`: an argument has the wrong type (e.g. not a `Uint8Array`).
 * - `INVALID_KEY`: a key has the wrong length, is not a curve point, is a small-order point or
 *   is not canonically encoded.
 * - `INVALID_SIGNATURE_FORMAT`: a signature is not 64 bytes long.
 * - `RANDOMNESS_UNAVAILABLE`: no `crypto.getRandomValues` in this JavaScript environment.
 * - `INVALID_SAFETY_NUMBER_PAYLOAD`: a scanned safety-number QR payload has the wrong length or
 *   an unknown version.
 * - `NOT_A_BACKUP`: the file is not an identity backup (no magic header).
 * - `UNSUPPORTED_BACKUP_VERSION`: the backup's format version is unknown to this build.
 * - `TRUNCATED_BACKUP`: the backup is shorter than its header says.
 * - `INVALID_BACKUP_PARAMETERS`: key-derivation costs out of bounds, an unknown KDF, metadata
 *   over 4096 bytes, or trailing bytes.
 * - `WRONG_PASSPHRASE`: the passphrase does not open the backup (also what an altered salt or
 *   cost parameter looks like).
 * - `TAMPERED_BACKUP`: the passphrase is right but the encrypted part or header was modified.
 * - `MLS_UNKNOWN_GROUP`: this client has no group with that id.
 * - `MLS_GROUP_EXISTS`: this client already has a group with that id.
 * - `MLS_INVALID_ARGUMENT`: an argument is out of range (group id length, export length, ...).
 * - `MLS_MALFORMED_MESSAGE`: the bytes are not an MLS message of the expected kind (or belong to
 *   another group).
 * - `MLS_WRONG_EPOCH`: the message is for another epoch (a future one, one older than the kept
 *   window, or one from before this client joined); also a commit seen again.
 * - `MLS_NOT_A_MEMBER`: the sender is not a member (or cannot prove membership of this epoch).
 * - `MLS_INVALID_SIGNATURE`: the message's signature does not verify (e.g. a proposal signed by
 *   a key that is not the group's external sender).
 * - `MLS_UNAUTHORIZED_SENDER`: an outside sender, or a message an external sender may not send.
 * - `MLS_FORBIDDEN_PROPOSAL`: the delivery service refused a commit that carries a proposal its
 *   committer may not make. In a channel group only the server changes membership: a commit may
 *   reference the server's (external sender's) proposals and otherwise only rotate the
 *   committer's own keys; inline Add/Remove/Update/PSK/ReInit/GroupContextExtensions/
 *   ExternalInit proposals from members are refused.
 * - `MLS_DECRYPTION_FAILED`: the ciphertext does not decrypt (modified, or not for us).
 * - `MLS_REPLAY`: the message's key was already used and deleted (a replay).
 * - `MLS_INVALID_MESSAGE`: a well-formed commit, proposal or Welcome that fails validation.
 * - `MLS_INVALID_CREDENTIAL`: a leaf's credential is not its own identity public key.
 * - `MLS_INVALID_KEY_PACKAGE`: a KeyPackage fails verification.
 * - `MLS_NO_MATCHING_KEY_PACKAGE`: the Welcome is for a KeyPackage this client does not hold.
 * - `MLS_INVALID_STATE`: not allowed now (merge without a pending commit, send while one is
 *   pending).
 * - `MLS_CORRUPT_STATE`: bytes given to `MlsClient.restore` are damaged or of another identity.
 * - `MLS_INTERNAL`: an unexpected failure inside OpenMLS (a bug).
 * - `SFRAME_INVALID_ARGUMENT`: an SFrame argument is out of range (unknown cipher suite, epoch
 *   secret of the wrong length, an epoch not newer than the current one).
 * - `SFRAME_INVALID_STATE`: `SframeContext.encrypt` before any `setEpoch`.
 * - `SFRAME_MALFORMED_HEADER`: the SFrame header does not parse (truncated, not minimally
 *   encoded, or a counter above 2^53 - 1).
 * - `SFRAME_UNKNOWN_KEY`: no key for the frame's KID: its epoch was not entered yet, was retired
 *   (or replaced by a newer epoch with the same low four bits), or the KID is this member's own.
 * - `SFRAME_AUTHENTICATION_FAILED`: the AEAD refuses the frame (ciphertext, header or metadata
 *   modified, or encrypted under a key this member does not share).
 * - `SFRAME_REPLAY`: the frame's counter was already accepted from that sender in that epoch, or
 *   is 128 or more below the highest one accepted.
 * - `SFRAME_COUNTER_EXHAUSTED`: the sending key used its last counter (2^53 - 1); enter a new epoch.
 * - `INTERNAL`: anything unexpected (a bug); the message says what.
 */
export type CryptoErrorCode = (typeof RUST_ERROR_CODES)[number] | (typeof WRAPPER_ERROR_CODES)[number];

export const CRYPTO_ERROR_CODES: readonly CryptoErrorCode[] = [...WRAPPER_ERROR_CODES, ...RUST_ERROR_CODES];

const RUST_CODES: ReadonlySet<string> = new Set(RUST_ERROR_CODES);

function isRustCode(code: string): code is (typeof RUST_ERROR_CODES)[number] {
  return RUST_CODES.has(code);
}

export class CryptoError extends Error {
  override readonly name = 'CryptoError';
  readonly code: CryptoErrorCode;

  constructor(code: CryptoErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  static notInitialized(): CryptoError {
    return new CryptoError('NOT_INITIALIZED', 'crypto is not initialised: await initCrypto() first');
  }

  static initFailed(cause: unknown): CryptoError {
    const why = cause instanceof Error ? cause.message : String(cause);
    return new CryptoError('INIT_FAILED', `the crypto WebAssembly module could not be loaded: ${why}`, { cause });
  }

  static invalidInput(what: string): CryptoError {
    return new CryptoError('INVALID_INPUT', what);
  }

  static invalidKey(): CryptoError {
    return new CryptoError('INVALID_KEY', 'the key is malformed');
  }

  static invalidSignatureFormat(): CryptoError {
    return new CryptoError('INVALID_SIGNATURE_FORMAT', 'the signature is not 64 bytes long');
  }

  static randomnessUnavailable(): CryptoError {
    return new CryptoError('RANDOMNESS_UNAVAILABLE', 'no secure random number source is available');
  }

  static internal(cause: unknown): CryptoError {
    const why = cause instanceof Error ? cause.message : String(cause);
    return new CryptoError('INTERNAL', `unexpected failure in the crypto module: ${why}`, { cause });
  }

  /**
   * The error for a failure reported by the Rust core as (code, message). A code this wrapper
   * does not know (a newer core than wrapper) becomes `INTERNAL` rather than a guess.
   */
  static fromRust(code: string, message: string): CryptoError {
    if (isRustCode(code)) return new CryptoError(code, message);
    return new CryptoError('INTERNAL', `unknown error code ${code} from the crypto module: ${message}`);
  }
}
