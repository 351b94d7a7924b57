/**
 * Mixing decoded speaker frames into one output frame, and frame levels for
 * talk meters and voice activation. Pure functions over caller-owned buffers: the
 * playout tick runs 50 times a second, often inside an AudioWorklet, so nothing
 * here allocates.
 */

/** Highest per-speaker or master gain: +6 dB, enough to lift a quiet microphone. */
export const MAX_GAIN = 2;

/**
 * Where the soft limiter starts bending (about -1.9 dBFS). Below it samples pass
 * untouched, so normal conversation levels are mixed exactly; only loud overlaps
 * get shaped.
 */
export const LIMITER_THRESHOLD = 0.8;

/** One speaker's decoded frame and the volume the user chose for them. */
export interface MixSource {
  readonly samples: Float32Array;
  /** 0 (muted) .. MAX_GAIN, 1 is unity. Out-of-range values are clamped; NaN counts as 0. */
  readonly gain: number;
}

/**
 * Per-sample soft limiter: identity up to LIMITER_THRESHOLD, then a tanh knee
 * that approaches but never passes full scale.
 *
 * Why this shape: it is memoryless, so it adds no latency and no state to carry
 * between ticks or speakers (a look-ahead compressor would need both). The knee
 * joins the straight part with matching slope, which keeps the distortion mild
 * while a sum is only slightly too hot, and the tanh keeps any input, however loud,
 * inside [-1, 1], so the output can never hard-clip. The price is some harmonic
 * distortion on sustained overlaps above the threshold, which is rare for speech at
 * sane gains. NaN (a broken decoder) becomes silence rather than poisoning the output.
 */
export function softLimit(x: number): number {
  if (x !== x) return 0; // NaN
  const a = Math.abs(x);
  if (a <= LIMITER_THRESHOLD) return x;
  const headroom = 1 - LIMITER_THRESHOLD;
  const y = LIMITER_THRESHOLD + headroom * Math.tanh((a - LIMITER_THRESHOLD) / headroom);
  return x < 0 ? -y : y;
}

function clampGain(g: number): number {
  return g > 0 ? (g < MAX_GAIN ? g : MAX_GAIN) : 0; // NaN fails g > 0
}

/**
 * Mix `sources` into `out` (overwritten; its length sets the frame size) with each
 * source's gain and then `masterGain`, passing the sum through the soft limiter.
 * Every source must have at least `out.length` samples.
 *
 * Returns the peak magnitude before limiting, for a clip indicator: above
 * LIMITER_THRESHOLD means the limiter was shaping this frame.
 */
export function mixFrames(sources: readonly MixSource[], out: Float32Array, masterGain = 1): number {
  const n = out.length;
  out.fill(0);
  for (const source of sources) {
    if (source.samples.length < n) {
      throw new RangeError(`mixFrames: source has ${source.samples.length} samples, need ${n}`);
    }
    const g = clampGain(source.gain);
    if (g === 0) continue;
    const s = source.samples;
    for (let i = 0; i < n; i++) out[i] = out[i]! + s[i]! * g;
  }
  const master = clampGain(masterGain);
  let peak = 0;
  for (let i = 0; i < n; i++) {
    const v = out[i]! * master;
    const a = Math.abs(v);
    if (a > peak) peak = a;
    out[i] = softLimit(v);
  }
  return peak;
}

/**
 * Level of a frame as RMS in dBFS, where 0 dBFS is the RMS of a full-scale square
 * wave, so a full-scale sine reads -3.01 dBFS. Digital silence (or an empty frame)
 * reads -Infinity: there is no meaningful floor to invent, and any threshold
 * comparison (`level > -50`) still works; meters should clamp for display.
 */
export function frameLevelDbfs(samples: Float32Array, length = samples.length): number {
  const n = Math.min(length, samples.length);
  if (n <= 0) return -Infinity;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const s = samples[i]!;
    sum += s * s;
  }
  return 10 * Math.log10(sum / n);
}
