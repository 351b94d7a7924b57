/**
 * Opus encoding with the browser's native WebCodecs `AudioEncoder` (Chromium), behind the
 * same `VoiceEncoder` seam as the libopus-wasm encoder in ./encoder.ts.
 *
 * WebCodecs hands packets back through an `output` callback, so `encode()` returns a
 * promise per frame. Each 960-sample frame gives exactly one packet; packets are matched to
 * frames by timestamp (see output()) and promises resolve in input order.
 *
 * Measured with tools/bench/opus-browser.ts (headless Chromium 156, 2-core machine): the
 * encoder holds no frame back. Fed in real time, frame N's packet arrives 0.4 ms (p50;
 * p99 0.8 ms) after encode(), before frame N+1 goes in: output lag 0 frames, so no 20 ms
 * is added. libopus' own 6.5 ms lookahead is inside the packets, as with the WASM encoder
 * (decoded tone starts 314 samples in, against 315 for WASM). encode() itself takes ~0.01 ms
 * of the calling thread (encoding runs elsewhere), against ~0.25 ms for WASM at complexity 5.
 *
 * Changing settings (Chromium 156, measured): a new bitrate in configure() takes effect from
 * the next frame, but Chromium restarts its libopus encoder to do it, which drops ~6.5 ms of
 * audio (the lookahead) at the change — the WASM encoder changes bitrate without a glitch.
 * A configure() that changes only packetlossperc (or complexity, or bitrateMode) is ignored
 * when the encoder is idle — packets stay byte-identical — though one queued while a bitrate
 * change is still in progress was applied (with another restart). setPacketLossPercent()
 * still configures the new value, so it reliably applies at the next bitrate change (which
 * restarts the encoder with the full config), and on browsers that honour it.
 *
 * The libs' TypeScript lib set does not include DOM everywhere (tsconfig.json: ES2022
 * only), so the few WebCodecs types used here are declared locally and reached through
 * `globalThis`.
 */
import {
  DEFAULT_COMPLEXITY,
  DEFAULT_PACKET_LOSS_PERCENT,
  DEFAULT_VOICE_BITRATE,
  clampComplexity,
  clampPercent,
  clampVoiceBitrate,
  type OpusEncoderOptions,
  type VoiceEncoder,
} from './encoder';
import { CHANNELS, FRAME_SAMPLES, SAMPLE_RATE } from './format';

/** Microseconds per 20 ms frame: WebCodecs timestamps and Opus frameDuration are in µs. */
const FRAME_US = (FRAME_SAMPLES / SAMPLE_RATE) * 1_000_000;

// --- The parts of WebCodecs used here (structural, so they work with or without lib DOM) ---

interface WcOpusConfig {
  format?: 'opus';
  frameDuration?: number;
  complexity?: number;
  packetlossperc?: number;
  useinbandfec?: boolean;
  usedtx?: boolean;
  application?: 'voip' | 'audio' | 'lowdelay';
}

interface WcAudioEncoderConfig {
  codec: string;
  sampleRate: number;
  numberOfChannels: number;
  bitrate?: number;
  bitrateMode?: 'constant' | 'variable';
  opus?: WcOpusConfig;
}

interface WcAudioData {
  close(): void;
}

interface WcAudioDataConstructor {
  new (init: {
    format: 'f32';
    sampleRate: number;
    numberOfFrames: number;
    numberOfChannels: number;
    timestamp: number;
    data: ArrayBufferView | ArrayBuffer;
  }): WcAudioData;
}

interface WcEncodedAudioChunk {
  readonly byteLength: number;
  readonly timestamp: number;
  copyTo(destination: ArrayBufferView | ArrayBuffer): void;
}

interface WcAudioEncoder {
  readonly state: 'unconfigured' | 'configured' | 'closed';
  configure(config: WcAudioEncoderConfig): void;
  encode(data: WcAudioData): void;
  close(): void;
}

interface WcAudioEncoderConstructor {
  new (init: { output: (chunk: WcEncodedAudioChunk) => void; error: (error: Error) => void }): WcAudioEncoder;
  isConfigSupported(config: WcAudioEncoderConfig): Promise<{ supported?: boolean; config?: WcAudioEncoderConfig }>;
}

interface WebCodecsGlobals {
  AudioEncoder?: WcAudioEncoderConstructor;
  AudioData?: WcAudioDataConstructor;
}

function webCodecs(): { AudioEncoder: WcAudioEncoderConstructor; AudioData: WcAudioDataConstructor } | null {
  const g = globalThis as unknown as WebCodecsGlobals;
  return typeof g.AudioEncoder === 'function' && typeof g.AudioData === 'function'
    ? { AudioEncoder: g.AudioEncoder, AudioData: g.AudioData }
    : null;
}

interface Settings {
  bitrate: number;
  complexity: number;
  packetLossPercent: number;
  application: 'voip' | 'audio';
  vbr: boolean;
}

function settingsFrom(options: OpusEncoderOptions): Settings {
  return {
    bitrate: clampVoiceBitrate(options.bitrate ?? DEFAULT_VOICE_BITRATE),
    complexity: clampComplexity(options.complexity ?? DEFAULT_COMPLEXITY),
    packetLossPercent: clampPercent(options.packetLossPercent ?? DEFAULT_PACKET_LOSS_PERCENT),
    application: options.application === 'audio' ? 'audio' : 'voip',
    vbr: options.vbr ?? false,
  };
}

/**
 * The WebCodecs configuration for live voice, matching the WASM encoder: 20 ms frames, in-band
 * FEC with an expected-loss hint, DTX off, CBR unless asked otherwise. Chromium 156 accepts
 * every field here, including `bitrateMode: 'constant'` and `format: 'opus'` (raw packets;
 * 'ogg' is rejected with NotSupportedError) — nothing had to be dropped. `application` is a
 * newer field (Chromium's default is 'audio', unlike libopus' VOIP as used by the WASM
 * encoder). Chromium 156 honours it: at 16 kbit/s 'voip' gives SILK/hybrid packets and
 * 'audio' CELT ones, exactly as the WASM encoder does. Browsers that do not know the field
 * ignore it, as WebIDL dictionaries do with unknown members, and then encode as 'audio'.
 */
function encoderConfig(s: Settings): WcAudioEncoderConfig {
  return {
    codec: 'opus',
    sampleRate: SAMPLE_RATE,
    numberOfChannels: CHANNELS,
    bitrate: s.bitrate,
    bitrateMode: s.vbr ? 'variable' : 'constant',
    opus: {
      format: 'opus',
      frameDuration: FRAME_US,
      complexity: s.complexity,
      packetlossperc: s.packetLossPercent,
      useinbandfec: true,
      usedtx: false,
      application: s.application,
    },
  };
}

/**
 * True when this environment has WebCodecs and its AudioEncoder supports the voice
 * configuration built from `options` (see createWebCodecsOpusEncoder). Never throws.
 */
export async function webCodecsOpusSupported(options: OpusEncoderOptions = {}): Promise<boolean> {
  const api = webCodecs();
  if (!api) return false;
  try {
    const support = await api.AudioEncoder.isConfigSupported(encoderConfig(settingsFrom(options)));
    return support.supported === true;
  } catch {
    return false;
  }
}

interface Waiting {
  /** The frame's number: its timestamp is frame * FRAME_US. */
  frame: number;
  /** Its packet, once out, if an earlier frame's packet is still missing. */
  packet?: Uint8Array;
  resolve(packet: Uint8Array): void;
  reject(error: Error): void;
}

class WebCodecsVoiceEncoder implements VoiceEncoder {
  readonly backend = 'webcodecs' as const;
  private encoder: WcAudioEncoder | null;
  private readonly AudioData: WcAudioDataConstructor;
  private readonly settings: Settings;
  /** Frames handed to the encoder whose promises have not resolved yet, oldest first. */
  private readonly waiting: Waiting[] = [];
  /** The next frame's number. */
  private frame = 0;
  private failure: Error | null = null;

  constructor(api: { AudioEncoder: WcAudioEncoderConstructor; AudioData: WcAudioDataConstructor }, settings: Settings) {
    this.AudioData = api.AudioData;
    this.settings = settings;
    this.encoder = new api.AudioEncoder({
      output: (chunk) => this.output(chunk),
      error: (error) => this.fail(new Error(`WebCodecs Opus encoder failed: ${error.message}`)),
    });
    this.encoder.configure(encoderConfig(settings));
  }

  get bitrate(): number {
    return this.settings.bitrate;
  }

  encode(frame: Float32Array): Promise<Uint8Array> {
    const encoder = this.live();
    if (frame.length !== FRAME_SAMPLES) {
      throw new RangeError(`an Opus voice frame is ${FRAME_SAMPLES} samples, got ${frame.length}`);
    }
    // AudioData copies the samples, and encode() clones the AudioData, so both the caller's
    // frame and this AudioData are free again as soon as encode() returns.
    const data = new this.AudioData({
      format: 'f32',
      sampleRate: SAMPLE_RATE,
      numberOfFrames: FRAME_SAMPLES,
      numberOfChannels: CHANNELS,
      timestamp: this.frame * FRAME_US,
      data: frame,
    });
    const number = this.frame++;
    const packet = new Promise<Uint8Array>((resolve, reject) => this.waiting.push({ frame: number, resolve, reject }));
    try {
      encoder.encode(data);
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)));
    } finally {
      data.close();
    }
    return packet;
  }

  setBitrate(bps: number): number {
    const applied = clampVoiceBitrate(bps);
    this.live();
    if (applied !== this.settings.bitrate) {
      this.settings.bitrate = applied;
      this.reconfigure();
    }
    return applied;
  }

  setPacketLossPercent(percent: number): void {
    const applied = clampPercent(percent);
    this.live();
    if (applied !== this.settings.packetLossPercent) {
      this.settings.packetLossPercent = applied;
      this.reconfigure();
    }
  }

  close(): void {
    if (!this.encoder) return;
    const encoder = this.encoder;
    this.encoder = null;
    this.rejectWaiting(new Error('Opus encoder is closed'));
    if (encoder.state !== 'closed') encoder.close();
  }

  /**
   * configure() again with the new settings. WebCodecs queues it behind the frames already
   * handed over, which are encoded with the old settings; every frame still gets its packet.
   * See the file comment for what Chromium does with each kind of change.
   */
  private reconfigure(): void {
    try {
      this.encoder!.configure(encoderConfig(this.settings));
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /**
   * A packet is matched to its frame by timestamp, not by arrival order: Chromium 156 delivers
   * packets out of order around a bitrate change when several frames are queued (the new
   * configuration's first packets before the old one's last; measured by
   * tools/bench/opus-browser.ts, unpaced run). Chromium keeps the input timestamps, give or
   * take a microsecond of rounding (1,039,999 for 1,040,000). Promises still resolve in input
   * order: a packet that overtook an earlier one waits for it.
   */
  private output(chunk: WcEncodedAudioChunk): void {
    const frame = Math.round(chunk.timestamp / FRAME_US);
    const entry = this.waiting.find((w) => w.frame === frame);
    // No frame waiting for it: after close() or a failure, or a packet the encoder made up
    // (flush() pads out a last one; this class never calls flush()). Drop it.
    if (!entry || entry.packet) return;
    const packet = new Uint8Array(chunk.byteLength);
    chunk.copyTo(packet);
    entry.packet = packet;
    while (this.waiting[0]?.packet) {
      const done = this.waiting.shift()!;
      done.resolve(done.packet!);
    }
  }

  private fail(error: Error): void {
    if (!this.encoder) return;
    this.failure = error;
    const encoder = this.encoder;
    this.encoder = null;
    this.rejectWaiting(error);
    if (encoder.state !== 'closed') {
      try {
        encoder.close();
      } catch {
        // already closed by the failure
      }
    }
  }

  private rejectWaiting(error: Error): void {
    for (const w of this.waiting.splice(0)) w.reject(error);
  }

  private live(): WcAudioEncoder {
    if (this.encoder) return this.encoder;
    throw this.failure ?? new Error('Opus encoder is closed');
  }
}

/**
 * A WebCodecs (native) Opus encoder for 48 kHz mono 20 ms frames, configured like the WASM
 * one (see encoderConfig). encode() resolves with each frame's packet, in input order.
 * Rejects when WebCodecs is missing or does not support the configuration — check
 * webCodecsOpusSupported() first, and fall back to createOpusEncoder().
 */
export async function createWebCodecsOpusEncoder(options: OpusEncoderOptions = {}): Promise<VoiceEncoder> {
  const api = webCodecs();
  if (!api) throw new Error('WebCodecs AudioEncoder is not available here');
  const settings = settingsFrom(options);
  const support = await api.AudioEncoder.isConfigSupported(encoderConfig(settings));
  if (support.supported !== true) throw new Error('WebCodecs AudioEncoder does not support the Opus voice configuration');
  return new WebCodecsVoiceEncoder(api, settings);
}
