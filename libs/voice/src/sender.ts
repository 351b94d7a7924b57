/**
 * The talking side, sans-IO: 20 ms of microphone samples in, one uplink voice packet out —
 * Opus-encoded, then SFrame-encrypted under the channel group's current epoch. The caller
 * sends the packet on whatever path is up (data channel or WebSocket).
 *
 * Inside the encryption each frame starts with a 16-bit playout sequence number: SFrame's
 * counter restarts at every MLS epoch, and the receiver's jitter buffer must see one unbroken
 * sequence across an epoch change, or every change would cost a gap.
 */
import { encodeVoiceEnd, encodeVoiceFrame } from '@lemon/protocol';
import type { SframeContext } from '@lemon/crypto-wasm';
import type { VoiceEncoder } from '@lemon/audio';

/** Bytes before the Opus packet inside the encrypted payload. */
export const INNER_HEADER_BYTES = 2;

/** The SFrame context to use now (it changes with the channel's group), or null outside one. */
export type VoiceKeySource = SframeContext | (() => SframeContext | null);

export const keysOf = (source: VoiceKeySource): (() => SframeContext | null) => (typeof source === 'function' ? source : () => source);

export class VoiceSender {
  private seq = 0;
  private readonly keys: () => SframeContext | null;

  constructor(
    private readonly encoder: VoiceEncoder,
    keys: VoiceKeySource,
  ) {
    this.keys = keysOf(keys);
  }

  /** Encodes and encrypts one 960-sample frame into an uplink packet; null outside a voice group. */
  async frame(samples: Float32Array): Promise<Uint8Array | null> {
    const opus = await this.encoder.encode(samples);
    const sframe = this.keys();
    if (!sframe) return null;
    const inner = new Uint8Array(INNER_HEADER_BYTES + opus.length);
    new DataView(inner.buffer).setUint16(0, this.seq);
    inner.set(opus, INNER_HEADER_BYTES);
    this.seq = (this.seq + 1) & 0xffff;
    return encodeVoiceFrame(sframe.encrypt(inner));
  }

  /** The packet that ends a talk spurt (push-to-talk released, voice activation closed). */
  end(): Uint8Array {
    return encodeVoiceEnd();
  }

  setBitrate(bps: number): number {
    return this.encoder.setBitrate(bps);
  }
}
