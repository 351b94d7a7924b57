// Safety numbers: what two people compare (digits or a QR code) to check each other's keys.
// The work happens in Rust (rust/safety_number.rs).

import { SafetyNumberPair } from './glue.js';
import { callWasm, requireBytes } from './runtime';

/** Bytes in a safety-number QR payload (version byte + two 32-byte fingerprints). */
export const SAFETY_NUMBER_QR_LENGTH = 65;

/**
 * The safety number of our identity and a contact's. Both people see the same 60 digits (12
 * groups of 5), whichever way round they compute it. The QR payload is side-specific: show
 * `qrPayload`, and check the other person's with `matchesScanned`.
 */
export class SafetyNumber {
  readonly #pair: SafetyNumberPair;
  #digits: string | undefined;

  private constructor(pair: SafetyNumberPair) {
    this.#pair = pair;
  }

  /** Computes the safety number; throws CryptoError `INVALID_KEY` for a malformed key. */
  static of(ourPublicKey: Uint8Array, theirPublicKey: Uint8Array): SafetyNumber {
    return new SafetyNumber(
      callWasm(() => {
        requireBytes('ourPublicKey', ourPublicKey);
        requireBytes('theirPublicKey', theirPublicKey);
        return SafetyNumberPair.fromPublicKeys(ourPublicKey, theirPublicKey);
      }),
    );
  }

  /** "12345 67890 …": 60 digits in 12 groups of five. */
  get digits(): string {
    this.#digits ??= callWasm(() => this.#pair.digits());
    return this.#digits;
  }

  /** The bytes to render as a QR code for the other person to scan (a fresh copy). */
  get qrPayload(): Uint8Array {
    return callWasm(() => this.#pair.qrPayload());
  }

  /**
   * Whether a payload scanned from the other person's screen shows the same two keys. Throws
   * CryptoError `INVALID_SAFETY_NUMBER_PAYLOAD` when it is not a safety-number payload at all.
   */
  matchesScanned(scanned: Uint8Array): boolean {
    return callWasm(() => {
      requireBytes('scanned', scanned);
      return this.#pair.matchesScanned(scanned);
    });
  }
}
