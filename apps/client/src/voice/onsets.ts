// Timing of sound onsets at the microphone and at the speaker, for the mouth-to-ear benchmark
// (`client.html?voice-debug=1` only). Times are wall-clock ms (timeOrigin + now), comparable
// between two pages on one machine.

/** A sample above this starts a sound; the frame before must have been quiet. */
const ONSET_LEVEL = 0.05;

export class OnsetRecorder {
  /** When each onset entered the capture worklet. */
  readonly captured: number[] = [];
  /** When the packet carrying it was handed to the link. */
  readonly sent: number[] = [];
  /** When each onset is scheduled to leave the speaker. */
  readonly played: number[] = [];
  /** For each played onset: when its frame was received and decrypted, and when it left the jitter buffer. */
  readonly received: number[] = [];
  readonly pulled: number[] = [];
  private micQuiet = true;
  private speakerQuiet = true;
  private pendingSend = false;
  private readonly receivedAt = new Map<number, number>();
  private lastPlayedSeq: number | null = null;

  /** A microphone frame that was complete at `endMs`; true when it starts a sound. */
  capture(samples: Float32Array, endMs: number, sampleRate: number): boolean {
    const at = firstLoud(samples);
    const onset = at >= 0 && this.micQuiet;
    if (onset) this.captured.push(endMs - ((samples.length - at) * 1000) / sampleRate);
    this.micQuiet = at < 0;
    return onset;
  }

  /** The packet of an onset frame was sent. */
  sentOnset(atMs: number): void {
    this.sent.push(atMs);
  }

  frameReceived(seq: number, atMs: number): void {
    this.receivedAt.set(seq, atMs);
    // Bounded: only recent frames can still be played.
    if (this.receivedAt.size > 500) this.receivedAt.delete(this.receivedAt.keys().next().value as number);
  }

  framePlayed(seq: number): void {
    this.lastPlayedSeq = seq;
  }

  /** An output frame, pulled at `pulledMs`, that starts playing at `startMs`. */
  play(samples: Float32Array, pulledMs: number, startMs: number, sampleRate: number): void {
    const at = firstLoud(samples);
    if (at >= 0 && this.speakerQuiet) {
      this.played.push(startMs + (at * 1000) / sampleRate);
      this.pulled.push(pulledMs);
      this.received.push(this.lastPlayedSeq === null ? Number.NaN : (this.receivedAt.get(this.lastPlayedSeq) ?? Number.NaN));
    }
    this.speakerQuiet = at < 0;
    this.lastPlayedSeq = null;
  }
}

function firstLoud(samples: Float32Array): number {
  for (let i = 0; i < samples.length; i++) if (Math.abs(samples[i]!) > ONSET_LEVEL) return i;
  return -1;
}

export const wallClockMs = (): number => performance.timeOrigin + performance.now();
