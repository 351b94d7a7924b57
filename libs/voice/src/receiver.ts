/**
 * The listening side, sans-IO: downlink voice packets in (each a batch of SFrame frames from
 * several speakers), one mixed 20 ms frame out per playout tick. Per speaker: decrypt, a jitter
 * buffer, an Opus decoder with loss concealment; then a mix with each person's volume.
 *
 * Speakers are told apart by the SFrame key id (their MLS leaf), mapped to a user through the
 * channel group's member list — never by anything the server says. A frame that fails to
 * decrypt (wrong key, tampered, replayed, from a removed member) is dropped and counted.
 */
import { decodeVoiceBatch } from '@lemon/protocol';
import { CryptoError, type SframeContext } from '@lemon/crypto-wasm';
import { FRAME_SAMPLES, JitterBuffer, frameLevelDbfs, mixFrames, type JitterBufferOptions, type MixSource, type VoiceDecoder } from '@lemon/audio';
import { INNER_HEADER_BYTES, keysOf, type VoiceKeySource } from './sender';

export interface VoiceReceiverOptions {
  /** The channel group's SFrame keys (a context, or a function giving the current one). */
  sframe: VoiceKeySource;
  /** A fresh Opus decoder for a new speaker (creation may be async: the codec loads once). */
  makeDecoder: () => Promise<VoiceDecoder>;
  /** The user at a leaf of the channel group now, or null. */
  userAt: (leafIndex: number) => string | null;
  /** Playback volume per user, 0..2 (1 = as sent). */
  volumeOf?: (userId: string) => number;
  /** Told when a speaker's frame is played (for latency measurements and meters). */
  onPlayed?: (userId: string, seq: number, nowMs: number) => void;
  /** Per-speaker jitter buffer settings (default VOICE_JITTER). */
  jitter?: JitterBufferOptions;
  /** Told when a speaker's frame has been decrypted and buffered (for latency measurements). */
  onReceived?: (userId: string, seq: number, nowMs: number) => void;
}

export interface SpeakerLevel {
  userId: string;
  /** Level of what was played this tick, dBFS (−Infinity for silence). */
  levelDbfs: number;
}

export interface VoiceReceiverStats {
  framesIn: number;
  decrypted: number;
  /** Frames of an epoch not entered yet, waiting for epochChanged(). */
  waiting: number;
  /** Dropped because they did not decrypt (counted, never shown as an error). */
  undecryptable: number;
  /** From a leaf nobody holds in the current group. */
  unknownSender: number;
  malformedPackets: number;
  speakers: number;
}

interface Speaker {
  userId: string;
  /** The epoch `userId` was looked up in: leaves change hands only between epochs. */
  epoch: number;
  jitter: JitterBuffer;
  decoder: VoiceDecoder | null;
  /** Last unwrapped playout sequence number. */
  seq: number | null;
  lastHeardMs: number;
}

/**
 * The jitter buffer may go down to 10 ms of delay (its default floor is one frame), with 5 ms of
 * headroom above the measured jitter's 95th percentile (default 10): its target still rises at
 * once to what measured jitter needs, so these only matter on a steady link. Measured in the
 * voice-browser bench (docs/benchmarks.md).
 */
export const VOICE_JITTER: JitterBufferOptions = Object.freeze({ minDelayMs: 10, safetyMs: 5 });

/** A speaker silent this long is forgotten (its decoder and buffer freed). */
const FORGET_AFTER_MS = 30_000;
/**
 * Frames of an epoch we have not entered yet (the sender processed the commit first) wait
 * this long, at most this many, for `epochChanged()`.
 */
const EARLY_FRAME_MS = 500;
const MAX_EARLY_FRAMES = 100;

export class VoiceReceiver {
  private readonly speakers = new Map<number, Speaker>();
  private readonly counters = { framesIn: 0, decrypted: 0, undecryptable: 0, unknownSender: 0, malformedPackets: 0 };
  private readonly sources: MixSource[] = [];
  private early: { frame: Uint8Array; atMs: number }[] = [];

  private readonly keys: () => SframeContext | null;

  constructor(private readonly options: VoiceReceiverOptions) {
    this.keys = keysOf(options.sframe);
  }

  /** One downlink packet (from the data channel or the WebSocket), received at `nowMs`. */
  receive(packet: Uint8Array, nowMs: number): void {
    let frames: Uint8Array[];
    try {
      frames = decodeVoiceBatch(packet);
    } catch {
      this.counters.malformedPackets += 1;
      return;
    }
    for (const frame of frames) this.receiveFrame(frame, nowMs);
  }

  /**
   * Mixes one 20 ms tick into `out` (FRAME_SAMPLES long) and reports who was heard. Call once
   * per 20 ms of playback, from the playout clock.
   */
  pull(nowMs: number, out: Float32Array): SpeakerLevel[] {
    this.expireEarly(nowMs);
    this.sources.length = 0;
    const heard: SpeakerLevel[] = [];
    for (const [leaf, speaker] of this.speakers) {
      const next = speaker.jitter.pull(nowMs);
      if (next.kind === 'silence') {
        if (nowMs - speaker.lastHeardMs > FORGET_AFTER_MS) this.forget(leaf);
        continue;
      }
      // A speaker whose decoder is still loading is not heard yet (its frames wait).
      if (!speaker.decoder) continue;
      const samples = next.kind === 'frame' ? speaker.decoder.decode(next.payload) : speaker.decoder.conceal();
      if (next.kind === 'frame') this.options.onPlayed?.(speaker.userId, next.seq, nowMs);
      const gain = this.options.volumeOf?.(speaker.userId) ?? 1;
      this.sources.push({ samples, gain });
      heard.push({ userId: speaker.userId, levelDbfs: gain > 0 ? frameLevelDbfs(samples) : Number.NEGATIVE_INFINITY });
    }
    if (this.sources.length === 0) out.fill(0, 0, FRAME_SAMPLES);
    else mixFrames(this.sources, out);
    return heard;
  }

  /**
   * While nobody is being played: how long until a buffered talk spurt may start (ms, ≥ 0);
   * null while someone plays (the playout's phase is theirs) or nothing waits. The playout can
   * then play only that much silence, so the spurt starts on time instead of up to a frame late.
   */
  idleWaitMs(nowMs: number): number | null {
    let soonest = Number.POSITIVE_INFINITY;
    for (const speaker of this.speakers.values()) {
      if (speaker.jitter.isPlaying) return null;
      if (!speaker.decoder) continue;
      const at = speaker.jitter.playableAt(nowMs);
      if (at !== null) soonest = Math.min(soonest, at);
    }
    return Number.isFinite(soonest) ? Math.max(0, soonest - nowMs) : null;
  }

  /** Call after moving the SframeContext to a new epoch: frames that came early are tried again. */
  epochChanged(nowMs: number): void {
    this.expireEarly(nowMs);
    const waiting = this.early;
    this.early = [];
    for (const e of waiting) this.receiveFrame(e.frame, e.atMs, false);
  }

  stats(): VoiceReceiverStats {
    return { ...this.counters, waiting: this.early.length, speakers: this.speakers.size };
  }

  private expireEarly(nowMs: number): void {
    const before = this.early.length;
    if (before === 0) return;
    this.early = this.early.filter((e) => nowMs - e.atMs <= EARLY_FRAME_MS);
    this.counters.undecryptable += before - this.early.length;
  }

  close(): void {
    for (const leaf of [...this.speakers.keys()]) this.forget(leaf);
    this.early = [];
  }

  /** `fresh`: first try (a retry after epochChanged() is not queued again). */
  private receiveFrame(frame: Uint8Array, nowMs: number, fresh = true): void {
    if (fresh) this.counters.framesIn += 1;
    let decrypted: ReturnType<SframeContext['decrypt']>;
    try {
      const sframe = this.keys();
      if (!sframe) throw new CryptoError('SFRAME_UNKNOWN_KEY', 'not in a voice group');
      decrypted = sframe.decrypt(frame);
    } catch (error) {
      if (fresh && error instanceof CryptoError && error.code === 'SFRAME_UNKNOWN_KEY' && this.early.length < MAX_EARLY_FRAMES) {
        // Kept as a copy: the packet's buffer may be reused by the transport.
        this.early.push({ frame: frame.slice(), atMs: nowMs });
        return;
      }
      this.counters.undecryptable += 1;
      return;
    }
    if (decrypted.payload.length <= INNER_HEADER_BYTES) {
      this.counters.undecryptable += 1;
      return;
    }
    this.counters.decrypted += 1;
    const known = this.speakers.get(decrypted.senderLeafIndex);
    const userId = known?.epoch === decrypted.epoch ? known.userId : this.options.userAt(decrypted.senderLeafIndex);
    if (!userId) {
      this.counters.unknownSender += 1;
      return;
    }
    const speaker = this.speaker(decrypted.senderLeafIndex, userId);
    speaker.epoch = decrypted.epoch;
    const seq16 = new DataView(decrypted.payload.buffer, decrypted.payload.byteOffset).getUint16(0);
    speaker.seq = unwrap(speaker.seq, seq16);
    speaker.lastHeardMs = nowMs;
    speaker.jitter.push({ seq: speaker.seq, payload: decrypted.payload.subarray(INNER_HEADER_BYTES) }, nowMs);
    this.options.onReceived?.(userId, speaker.seq, nowMs);
  }

  private speaker(leaf: number, userId: string): Speaker {
    let speaker = this.speakers.get(leaf);
    // Another person at this leaf now (someone left, someone joined): start over.
    if (speaker && speaker.userId !== userId) {
      this.forget(leaf);
      speaker = undefined;
    }
    if (!speaker) {
      const created: Speaker = { userId, epoch: -1, jitter: new JitterBuffer(this.options.jitter ?? VOICE_JITTER), decoder: null, seq: null, lastHeardMs: 0 };
      speaker = created;
      this.speakers.set(leaf, created);
      this.options.makeDecoder().then(
        (decoder) => {
          if (this.speakers.get(leaf) === created) created.decoder = decoder;
          else decoder.close();
        },
        () => this.forget(leaf),
      );
    }
    return speaker;
  }

  private forget(leaf: number): void {
    const speaker = this.speakers.get(leaf);
    if (!speaker) return;
    this.speakers.delete(leaf);
    speaker.decoder?.close();
  }
}

/** The 16-bit sequence number as an ever-growing one, taking the nearest of its wraps. */
export function unwrap(previous: number | null, seq16: number): number {
  if (previous === null) return seq16;
  const delta = ((seq16 - (previous & 0xffff) + 0x8000) & 0xffff) - 0x8000;
  return Math.max(0, previous + delta);
}
