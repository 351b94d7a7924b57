/**
 * Opus encoding of 20 ms voice frames.
 *
 * `VoiceEncoder` is the seam between the voice pipeline and whichever Opus
 * encoder a platform has. There are two:
 *  - WASM libopus (`libopus-wasm`), implemented here: runs unchanged in Node (bots,
 *    tests) and in the browser (including a single-file page opened from disk),
 *    synchronous; measured here ~55-70x real time per core in Node 20 and ~16x in
 *    headless Chromium (cold start, busy 2-core machine), with decoding ~10x cheaper than encoding;
 *  - WebCodecs `AudioEncoder` (Chromium, native), in webcodecs-encoder.ts: encodes off the
 *    main thread; its output arrives through a callback, which is why
 *    `VoiceEncoder.encode` may return a promise.
 * Callers that must work with both write `await encoder.encode(frame)`.
 */
import { Application, createEncoder, type OpusEncoderHandle } from 'libopus-wasm';
import { CHANNELS, FRAME_SAMPLES, SAMPLE_RATE } from './format';

/** Lowest and highest voice bitrates the client offers, in bit/s. */
export const MIN_VOICE_BITRATE = 16_000;
export const MAX_VOICE_BITRATE = 128_000;
/** Default voice bitrate: transparent-sounding mono speech, 120 bytes per frame. */
export const DEFAULT_VOICE_BITRATE = 48_000;
/**
 * Default encoder complexity (0..10). At 5 Opus speech quality has mostly levelled
 * off, and the WASM encoder stays cheap enough for a bot process encoding several
 * streams on a small server: measured ~55-70x real time on one core in Node 20
 * at 5, ~40x at 8 and ~37x at 10 (libopus's own default), for a gain at 16-48
 * kbit/s mono speech that is hard to hear. A WebCodecs encoder runs natively and
 * can afford more.
 */
export const DEFAULT_COMPLEXITY = 5;
/**
 * Default expected loss, telling the encoder how much in-band FEC (a low-bitrate
 * copy of each frame carried in the next packet) to spend bits on. Voice goes over
 * an unreliable data channel, so some loss is normal.
 */
export const DEFAULT_PACKET_LOSS_PERCENT = 10;

/** Clamp a requested bitrate into the offered range; non-numbers get the default. */
export function clampVoiceBitrate(bps: number): number {
  if (!Number.isFinite(bps)) return DEFAULT_VOICE_BITRATE;
  return Math.round(Math.min(MAX_VOICE_BITRATE, Math.max(MIN_VOICE_BITRATE, bps)));
}

/** What the voice pipeline needs from an Opus encoder, whatever implements it. */
export interface VoiceEncoder {
  /** Which implementation this is, for logs and diagnostics. */
  readonly backend: 'libopus-wasm' | 'webcodecs';
  /** Current target bitrate in bit/s, after clamping. */
  readonly bitrate: number;
  /**
   * Encode one 20 ms frame: FRAME_SAMPLES (960) float samples, 48 kHz mono, in
   * [-1, 1]. Returns one raw Opus packet (no container). Packets come back in the
   * order frames went in. Throws RangeError for a frame of the wrong length (a
   * programming error, not a network one).
   */
  encode(frame: Float32Array): Uint8Array | Promise<Uint8Array>;
  /** Change the target bitrate; clamped to 16..128 kbit/s. Returns the bitrate applied. */
  setBitrate(bps: number): number;
  /** Change the expected-loss hint (0..100 %), e.g. from receivers' loss reports. */
  setPacketLossPercent(percent: number): void;
  /** Release the encoder. Further encode() calls throw. Safe to call twice. */
  close(): void;
}

/** The WASM encoder is synchronous, which bots and tests can rely on. */
export interface SyncVoiceEncoder extends VoiceEncoder {
  readonly backend: 'libopus-wasm';
  encode(frame: Float32Array): Uint8Array;
}

export interface OpusEncoderOptions {
  /** Target bitrate in bit/s, clamped to 16..128 kbit/s. Default 48 kbit/s. */
  bitrate?: number;
  /** 0..10, default DEFAULT_COMPLEXITY. */
  complexity?: number;
  /** Expected loss hint for in-band FEC, 0..100. Default DEFAULT_PACKET_LOSS_PERCENT. */
  packetLossPercent?: number;
  /**
   * 'voip' (default) tunes for speech intelligibility; 'audio' for music (e.g. a
   * music bot), which keeps more high-frequency detail.
   */
  application?: 'voip' | 'audio';
  /**
   * Variable bitrate. Default false: constant-size packets. Voice frames are
   * end-to-end encrypted but their sizes are visible to the server, and with VBR
   * the size of each packet follows the speech sounds closely enough to recognise
   * phrases from sizes alone (see RFC 6562). CBR costs a little quality at the
   * same average rate; at 48 kbit/s mono speech that is not audible. Only turn VBR
   * on where sizes are not exposed.
   */
  vbr?: boolean;
}

/** Shared by both encoders. */
export function clampPercent(percent: number): number {
  if (!Number.isFinite(percent)) return DEFAULT_PACKET_LOSS_PERCENT;
  return Math.round(Math.min(100, Math.max(0, percent)));
}

export function clampComplexity(complexity: number): number {
  if (!Number.isFinite(complexity)) return DEFAULT_COMPLEXITY;
  return Math.round(Math.min(10, Math.max(0, complexity)));
}

class LibopusVoiceEncoder implements SyncVoiceEncoder {
  readonly backend = 'libopus-wasm' as const;
  private handle: OpusEncoderHandle | null;
  private current: number;

  constructor(handle: OpusEncoderHandle, bitrate: number) {
    this.handle = handle;
    this.current = bitrate;
  }

  get bitrate(): number {
    return this.current;
  }

  encode(frame: Float32Array): Uint8Array {
    const handle = this.live();
    if (frame.length !== FRAME_SAMPLES) {
      throw new RangeError(`an Opus voice frame is ${FRAME_SAMPLES} samples, got ${frame.length}`);
    }
    return handle.encodeFloat(frame);
  }

  setBitrate(bps: number): number {
    const handle = this.live();
    const applied = clampVoiceBitrate(bps);
    handle.setBitrate(applied);
    this.current = applied;
    return applied;
  }

  setPacketLossPercent(percent: number): void {
    this.live().setPacketLossPercent(clampPercent(percent));
  }

  close(): void {
    this.handle?.free();
    this.handle = null;
  }

  private live(): OpusEncoderHandle {
    if (!this.handle) throw new Error('Opus encoder is closed');
    return this.handle;
  }
}

/**
 * A libopus (WASM) encoder for 48 kHz mono 20 ms frames, configured for live
 * voice: application VOIP, in-band FEC on with an expected-loss hint, DTX off (a
 * packet every 20 ms, so the jitter buffer never mistakes a silent speaker for
 * loss), CBR by default (see OpusEncoderOptions.vbr). Async only because the WASM
 * module loads on first use; encode() itself is synchronous.
 */
export async function createOpusEncoder(options: OpusEncoderOptions = {}): Promise<SyncVoiceEncoder> {
  const bitrate = clampVoiceBitrate(options.bitrate ?? DEFAULT_VOICE_BITRATE);
  const handle = await createEncoder({
    sampleRate: SAMPLE_RATE,
    channels: CHANNELS,
    frameSize: FRAME_SAMPLES,
    application: options.application === 'audio' ? Application.Audio : Application.Voip,
    bitrate,
    complexity: clampComplexity(options.complexity ?? DEFAULT_COMPLEXITY),
    fec: true,
    packetLossPercent: clampPercent(options.packetLossPercent ?? DEFAULT_PACKET_LOSS_PERCENT),
    dtx: false,
    vbr: options.vbr ?? false,
  });
  return new LibopusVoiceEncoder(handle, bitrate);
}
