/**
 * Opus decoding of 20 ms voice frames, with packet-loss concealment.
 *
 * Uses libopus-wasm's decoder rather than opus-decoder: both wrap libopus, but
 * opus-decoder only exposes "decode this packet". Handing it an empty packet does
 * run libopus's concealment, but for its whole 120 ms output buffer (5760 samples,
 * advancing the decoder's state six frames for one lost slot), and it has no way
 * to decode in-band FEC. libopus-wasm calls opus_decode_float with a NULL packet
 * and a chosen frame size (real PLC for exactly one 20 ms slot) and with
 * decode_fec=1 (rebuild a lost frame from the FEC copy inside the next packet).
 *
 * Everything here is on the audio path and its input comes from the network (after
 * decryption), so nothing a peer sends makes it throw: a bad packet is counted and
 * its slot concealed. Every call returns exactly FRAME_SAMPLES samples.
 */
import { createDecoder, type OpusDecoderHandle } from 'libopus-wasm';
import { CHANNELS, FRAME_SAMPLES, SAMPLE_RATE } from './format';

/**
 * Largest packet accepted. One 20 ms Opus frame is at most 1275 bytes plus its
 * table-of-contents byte (RFC 6716 §3.2.1); the margin allows framing overhead of
 * two 10 ms frames or a little padding. At 128 kbit/s a frame is ~320 bytes.
 */
export const MAX_OPUS_PACKET_BYTES = 1500;

/** Why a packet was refused. */
export type DecodeErrorCode =
  /** Zero bytes. */
  | 'empty'
  /** More than MAX_OPUS_PACKET_BYTES. */
  | 'too-large'
  /** A well-formed header, but not 20 ms of audio (voice frames are always 20 ms). */
  | 'wrong-duration'
  /** libopus could not parse or decode it. */
  | 'corrupt';

export interface DecoderStats {
  /** Packets decoded successfully. */
  decoded: number;
  /** Frames synthesized by loss concealment: conceal() calls plus refused packets. */
  concealed: number;
  /** Lost frames rebuilt through recover() from the next packet's in-band FEC. */
  recovered: number;
  /** Packets refused (each also counted in `concealed`). */
  errors: number;
  /** Why the most recent packet was refused, or null if none has been. */
  lastError: DecodeErrorCode | null;
}

export interface VoiceDecoder {
  /** Decode one packet into 960 samples; a bad packet is counted and concealed instead. */
  decode(packet: Uint8Array): Float32Array;
  /** One 20 ms frame of packet-loss concealment, for a slot whose packet never came. */
  conceal(): Float32Array;
  /**
   * The lost frame just before `nextPacket`, rebuilt from the low-bitrate copy the
   * encoder put in `nextPacket` (in-band FEC). Use when the jitter buffer is about to
   * conceal slot n but already holds n+1; afterwards decode `nextPacket` normally
   * for slot n+1. Falls back to concealment if `nextPacket` is unusable (libopus
   * itself conceals when the packet carries no FEC data).
   */
  recover(nextPacket: Uint8Array): Float32Array;
  /** Counters since creation. */
  stats(): DecoderStats;
  /** Release the decoder. Further calls throw (a programming error). Safe to call twice. */
  close(): void;
}

/** Milliseconds per frame for each of the 32 Opus TOC configurations (RFC 6716 §3.1). */
function frameMsForConfig(config: number): number {
  if (config < 12) return [10, 20, 40, 60][config % 4]!; // SILK-only
  if (config < 16) return [10, 20][config % 2]!; // hybrid
  return [2.5, 5, 10, 20][config % 4]!; // CELT-only
}

/**
 * Samples (at 48 kHz) a packet's header says it holds, or -1 if the header is
 * incomplete. Checks only the TOC byte and frame count, like opus_packet_get_nb_samples.
 */
export function opusPacketSamples(packet: Uint8Array): number {
  if (packet.length < 1) return -1;
  const toc = packet[0]!;
  const perFrame = (frameMsForConfig(toc >> 3) * SAMPLE_RATE) / 1000;
  const code = toc & 3;
  let frames: number;
  if (code === 0) frames = 1;
  else if (code !== 3) frames = 2;
  else {
    if (packet.length < 2) return -1;
    frames = packet[1]! & 0x3f;
  }
  return frames * perFrame;
}

function classify(packet: Uint8Array): DecodeErrorCode | null {
  if (packet.length === 0) return 'empty';
  if (packet.length > MAX_OPUS_PACKET_BYTES) return 'too-large';
  const samples = opusPacketSamples(packet);
  if (samples < 0) return 'corrupt';
  if (samples !== FRAME_SAMPLES) return 'wrong-duration';
  return null;
}

/** Exactly one frame: libopus returns FRAME_SAMPLES for a checked packet, this only guards. */
function oneFrame(samples: Float32Array): Float32Array {
  if (samples.length === FRAME_SAMPLES) return samples;
  const out = new Float32Array(FRAME_SAMPLES);
  out.set(samples.subarray(0, FRAME_SAMPLES));
  return out;
}

class LibopusVoiceDecoder implements VoiceDecoder {
  private handle: OpusDecoderHandle | null;
  private readonly counters: DecoderStats = { decoded: 0, concealed: 0, recovered: 0, errors: 0, lastError: null };

  constructor(handle: OpusDecoderHandle) {
    this.handle = handle;
  }

  decode(packet: Uint8Array): Float32Array {
    const handle = this.live();
    const refused = classify(packet);
    if (refused) return this.refuse(refused);
    let samples: Float32Array;
    try {
      samples = handle.decodeFloat(packet);
    } catch {
      return this.refuse('corrupt');
    }
    if (samples.length !== FRAME_SAMPLES) return this.refuse('corrupt');
    this.counters.decoded++;
    return samples;
  }

  conceal(): Float32Array {
    this.counters.concealed++;
    return this.plc();
  }

  recover(nextPacket: Uint8Array): Float32Array {
    const handle = this.live();
    if (classify(nextPacket) === null) {
      try {
        const samples = handle.decodeFloat(nextPacket, { decodeFec: true, frameSize: FRAME_SAMPLES });
        this.counters.recovered++;
        return oneFrame(samples);
      } catch {
        // Fall through: the packet will be refused and counted when decode() sees it.
      }
    }
    return this.conceal();
  }

  stats(): DecoderStats {
    return { ...this.counters };
  }

  close(): void {
    this.handle?.free();
    this.handle = null;
  }

  private refuse(code: DecodeErrorCode): Float32Array {
    this.counters.errors++;
    this.counters.lastError = code;
    this.counters.concealed++;
    return this.plc();
  }

  private plc(): Float32Array {
    const handle = this.live();
    try {
      return oneFrame(handle.decodePacketLossFloat(FRAME_SAMPLES));
    } catch {
      // Not expected (PLC takes no input), but silence beats an exception here.
      return new Float32Array(FRAME_SAMPLES);
    }
  }

  private live(): OpusDecoderHandle {
    if (!this.handle) throw new Error('Opus decoder is closed');
    return this.handle;
  }
}

/**
 * A libopus (WASM) decoder for one speaker's 48 kHz mono 20 ms voice stream. Keep
 * one per speaker: Opus decoding and concealment depend on the previous frames.
 * Async only because the WASM module loads on first use.
 */
export async function createOpusDecoder(): Promise<VoiceDecoder> {
  const handle = await createDecoder({ sampleRate: SAMPLE_RATE, channels: CHANNELS, maxFrameSize: FRAME_SAMPLES });
  return new LibopusVoiceDecoder(handle);
}
