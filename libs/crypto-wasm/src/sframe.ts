// SFrame (RFC 9605) encryption of voice frames, keyed from the channel's MLS group (RFC 9605
// §5.2). The work happens in Rust (rust/sframe/); this file keeps the JavaScript side typed.
// Sans-IO: no timers, no network. The caller decides when epochs change and when old ones go.

import { SframeContextHandle } from './glue.js';
import { CryptoError } from './errors';
import type { MlsClient } from './mls';
import { callWasm, requireBytes } from './runtime';

/** AES_128_GCM_SHA256_128: the suite for voice (the MLS group also uses AES-128-GCM). */
export const SFRAME_AES_128_GCM_SHA256_128 = 0x0004;
/** AES_256_GCM_SHA512_128. */
export const SFRAME_AES_256_GCM_SHA512_128 = 0x0005;
/** The cipher suites this build implements. */
export type SframeCipherSuite = typeof SFRAME_AES_128_GCM_SHA256_128 | typeof SFRAME_AES_256_GCM_SHA512_128;

/** The MLS exporter label of RFC 9605 §5.2; the exporter context is empty. */
export const SFRAME_EXPORTER_LABEL = 'SFrame 1.0 Base Key';
/** E of RFC 9605 §5.2: the low epoch bits in a KID. KID = (leafIndex << 4) | (epoch % 16). */
export const SFRAME_EPOCH_BITS = 4;
/** How far below the highest counter received from a sender a frame is still accepted. */
export const SFRAME_REPLAY_WINDOW = 128;
/** The last counter a sending key uses (then `SFRAME_COUNTER_EXHAUSTED` until a new epoch). */
export const SFRAME_MAX_COUNTER = Number.MAX_SAFE_INTEGER;

const EMPTY = new Uint8Array(0);

/** AEAD.Nk of the suite: the length of the epoch secret to export from MLS (16 or 32). */
export function sframeEpochSecretLength(cipherSuite: SframeCipherSuite = SFRAME_AES_128_GCM_SHA256_128): number {
  return cipherSuite === SFRAME_AES_256_GCM_SHA512_128 ? 32 : 16;
}

/** A decrypted frame. */
export interface SframeDecryptedFrame {
  /** The plaintext media frame. */
  payload: Uint8Array;
  /**
   * The sender's MLS leaf index, read from the KID. SFrame authenticates the group, not the
   * individual sender (RFC 9605 §7.2): any member of that epoch could have made the frame.
   */
  senderLeafIndex: number;
  /** The full MLS epoch the frame was encrypted in. */
  epoch: number;
  /** The frame's counter (CTR). */
  counter: number;
}

function requireEpoch(epoch: unknown): number {
  if (typeof epoch !== 'number' || !Number.isSafeInteger(epoch) || epoch < 0) {
    throw CryptoError.invalidInput('epoch must be a non-negative safe integer');
  }
  return epoch;
}

function requireLeafIndex(index: unknown): number {
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > 0xffff_ffff) {
    throw CryptoError.invalidInput('ownLeafIndex must be an integer from 0 to 2^32 - 1');
  }
  return index;
}

/**
 * One member's SFrame state for one voice session (one per channel): its sending key in the
 * current MLS epoch and the keys of the epochs it still accepts frames from.
 *
 * Keys: per epoch the caller passes `MLS-Exporter("SFrame 1.0 Base Key", "", Nk)`
 * (`setEpochFromMls` does the export). Each member's key and salt come from that secret and its
 * KID `(leafIndex << 4) | (epoch % 16)`; receivers derive a sender's key when its first frame
 * arrives. All keys stay inside WebAssembly memory and are wiped when dropped.
 *
 * Counters start at 0 in every epoch, so a member must never send twice in the same epoch from
 * two contexts (e.g. after a reload): that would reuse nonces. Create one context per session
 * and call `setEpoch` for each new epoch.
 */
export class SframeContext {
  readonly #handle: SframeContextHandle;
  readonly #suite: SframeCipherSuite;

  private constructor(handle: SframeContextHandle, suite: SframeCipherSuite) {
    this.#handle = handle;
    this.#suite = suite;
  }

  /** An empty context (AES_128_GCM_SHA256_128 unless told otherwise); call `setEpoch` next. */
  static create(options: { cipherSuite?: SframeCipherSuite } = {}): SframeContext {
    const suite = options.cipherSuite ?? SFRAME_AES_128_GCM_SHA256_128;
    return callWasm(() => {
      if (typeof suite !== 'number') throw CryptoError.invalidInput('cipherSuite must be a number');
      return new SframeContext(SframeContextHandle.create(suite), suite);
    });
  }

  /** The cipher suite's registry value. */
  get cipherSuite(): SframeCipherSuite {
    return this.#suite;
  }

  /** The epoch frames are sent in, or undefined before the first `setEpoch`. */
  get currentEpoch(): number | undefined {
    return callWasm(() => this.#handle.currentEpoch());
  }

  /** The epochs whose frames still decrypt, oldest first (the last is the current one). */
  get keptEpochs(): number[] {
    return callWasm(() => Array.from(this.#handle.keptEpochs()));
  }

  /**
   * Enters `epoch`: from now on frames are sent under this member's key of that epoch, with
   * counters from 0. Frames of earlier epochs still decrypt until `retireBefore` (or until a
   * newer epoch with the same low four bits replaces them; at most 16 epochs are kept).
   * `epochSecret` is the MLS exporter output (16 bytes for the default suite); `ownLeafIndex`
   * is this member's leaf index in that epoch. `SFRAME_INVALID_ARGUMENT` for a secret of the
   * wrong length or an epoch not newer than the current one.
   */
  setEpoch(epoch: number, epochSecret: Uint8Array, ownLeafIndex: number): void {
    callWasm(() => {
      requireBytes('epochSecret', epochSecret);
      this.#handle.setEpoch(requireEpoch(epoch), epochSecret, requireLeafIndex(ownLeafIndex));
    });
  }

  /**
   * `setEpoch` with the MLS group's current epoch, its exported SFrame secret and this client's
   * leaf index (found by its identity key). The exported secret is wiped from JavaScript memory
   * after use. Returns what was set.
   */
  setEpochFromMls(client: MlsClient, groupId: Uint8Array): { epoch: number; ownLeafIndex: number } {
    const epoch = client.epoch(groupId);
    const own = client.publicKey;
    const me = client.members(groupId).find((member) => equalBytes(member.publicKey, own));
    if (!me) throw CryptoError.internal(new Error('this client is not among the group members'));
    const secret = client.exportSecret(groupId, SFRAME_EXPORTER_LABEL, EMPTY, sframeEpochSecretLength(this.#suite));
    try {
      this.setEpoch(epoch, secret, me.index);
    } finally {
      secret.fill(0);
    }
    return { epoch, ownLeafIndex: me.index };
  }

  /** Forgets the keys of every epoch older than `epoch` (never the current one). */
  retireBefore(epoch: number): void {
    callWasm(() => this.#handle.retireBefore(requireEpoch(epoch)));
  }

  /**
   * Encrypts one frame: SFrame header || ciphertext || 16-byte tag. `metadata` (e.g. the RTP
   * header the SFU needs) is authenticated but not included; the receiver passes the same bytes.
   * `SFRAME_INVALID_STATE` before `setEpoch`, `SFRAME_COUNTER_EXHAUSTED` after
   * `SFRAME_MAX_COUNTER` frames in one epoch.
   */
  encrypt(payload: Uint8Array, metadata: Uint8Array = EMPTY): Uint8Array {
    return callWasm(() => {
      requireBytes('payload', payload);
      requireBytes('metadata', metadata);
      return this.#handle.encrypt(payload, metadata);
    });
  }

  /**
   * Decrypts one frame of another member. Errors: `SFRAME_MALFORMED_HEADER`,
   * `SFRAME_UNKNOWN_KEY` (epoch not entered yet — the caller may hold the frame briefly and retry
   * after `setEpoch` — or retired, or this member's own KID), `SFRAME_REPLAY`,
   * `SFRAME_AUTHENTICATION_FAILED`. A failed frame changes no state.
   */
  decrypt(frame: Uint8Array, metadata: Uint8Array = EMPTY): SframeDecryptedFrame {
    return callWasm(() => {
      requireBytes('frame', frame);
      requireBytes('metadata', metadata);
      const result = this.#handle.decrypt(frame, metadata);
      try {
        return {
          payload: result.payload(),
          senderLeafIndex: result.senderLeafIndex(),
          epoch: result.epoch(),
          counter: result.counter(),
        };
      } finally {
        result.free();
      }
    });
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
