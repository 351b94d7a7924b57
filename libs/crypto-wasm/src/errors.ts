// The one error class of @lemon/crypto-wasm. Callers switch on `code`, never on messages.

/** Codes produced by the Rust core (rust/error.rs); they cross the WebAssembly boundary. */
export const RUST_ERROR_CODES = ['INVALID_KEY', 'INVALID_SIGNATURE_FORMAT', 'RANDOMNESS_UNAVAILABLE'] as const;

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
