// Timing of sound onsets at the microphone and at the speaker, for the mouth-to-ear benchmark
// (`client.html?voice-debug=1` only). Times are wall-clock ms (timeOrigin + now), comparable
// between two pages on one machine.

/** A sample above this starts a sound; the frame before must have been quiet. */
const ONSET_LEVEL = 0.05;

export class OnsetRecorder {
  readonly captured: number[] = [];
  readonly played: number[] = [];
  private micQuiet = true;
  private speakerQuiet = true;

  /** A microphone frame that was complete at `endMs`. */
  capture(samples: Float32Array, endMs: number, sampleRate: number): void {
    const at = firstLoud(samples);
    if (at >= 0 && this.micQuiet) this.captured.push(endMs - ((samples.length - at) * 1000) / sampleRate);
    this.micQuiet = at < 0;
  }

  /** An output frame that starts playing at `startMs`. */
  play(samples: Float32Array, startMs: number, sampleRate: number): void {
    const at = firstLoud(samples);
    if (at >= 0 && this.speakerQuiet) this.played.push(startMs + (at * 1000) / sampleRate);
    this.speakerQuiet = at < 0;
  }
}

function firstLoud(samples: Float32Array): number {
  for (let i = 0; i < samples.length; i++) if (Math.abs(samples[i]!) > ONSET_LEVEL) return i;
  return -1;
}

export const wallClockMs = (): number => performance.timeOrigin + performance.now();
