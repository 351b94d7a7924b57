import { FRAME_SAMPLES, SAMPLE_RATE } from './format';
import { LIMITER_THRESHOLD, MAX_GAIN, frameLevelDbfs, mixFrames, softLimit } from './mixer';

function sine(amplitude: number, hz: number, phase = 0): Float32Array {
  const out = new Float32Array(FRAME_SAMPLES);
  for (let i = 0; i < FRAME_SAMPLES; i++) out[i] = amplitude * Math.sin((2 * Math.PI * hz * i) / SAMPLE_RATE + phase);
  return out;
}

const maxAbs = (x: Float32Array) => x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

describe('mixFrames', () => {
  it('sums two quiet speakers exactly (the limiter stays out of the way below its threshold)', () => {
    const a = sine(0.2, 440);
    const b = sine(0.15, 1000, 1);
    const out = new Float32Array(FRAME_SAMPLES).fill(0.9); // stale contents must be overwritten
    const peak = mixFrames([{ samples: a, gain: 1 }, { samples: b, gain: 1 }], out);
    for (let i = 0; i < FRAME_SAMPLES; i++) expect(out[i]).toBeCloseTo(a[i]! + b[i]!, 6);
    expect(peak).toBeLessThanOrEqual(0.35 + 1e-6);
    expect(peak).toBeGreaterThan(0.3);
  });

  it('applies each speaker its own gain, and gain 0 mutes', () => {
    const a = sine(0.2, 440);
    const b = sine(0.2, 1000);
    const out = new Float32Array(FRAME_SAMPLES);
    mixFrames([{ samples: a, gain: 0.5 }, { samples: b, gain: 2 }], out);
    for (let i = 0; i < FRAME_SAMPLES; i++) expect(out[i]).toBeCloseTo(0.5 * a[i]! + 2 * b[i]!, 6);

    mixFrames([{ samples: a, gain: 0 }, { samples: b, gain: 1 }], out);
    for (let i = 0; i < FRAME_SAMPLES; i++) expect(out[i]).toBeCloseTo(b[i]!, 7);

    mixFrames([{ samples: a, gain: 0 }], out);
    expect(maxAbs(out)).toBe(0);
  });

  it('applies the master gain to the sum', () => {
    const a = sine(0.1, 440);
    const b = sine(0.1, 660);
    const out = new Float32Array(FRAME_SAMPLES);
    mixFrames([{ samples: a, gain: 1 }, { samples: b, gain: 0.5 }], out, 1.5);
    for (let i = 0; i < FRAME_SAMPLES; i++) expect(out[i]).toBeCloseTo(1.5 * (a[i]! + 0.5 * b[i]!), 6);
    mixFrames([{ samples: a, gain: 1 }], out, 0);
    expect(maxAbs(out)).toBe(0);
  });

  it('clamps gains to 0..MAX_GAIN and treats NaN as mute', () => {
    const a = sine(0.1, 440);
    const out = new Float32Array(FRAME_SAMPLES);
    mixFrames([{ samples: a, gain: 10 }], out);
    for (let i = 0; i < FRAME_SAMPLES; i++) expect(out[i]).toBeCloseTo(MAX_GAIN * a[i]!, 6);
    mixFrames([{ samples: a, gain: -1 }, { samples: a, gain: Number.NaN }], out);
    expect(maxAbs(out)).toBe(0);
    mixFrames([{ samples: a, gain: 1 }], out, Number.POSITIVE_INFINITY);
    for (let i = 0; i < FRAME_SAMPLES; i++) expect(out[i]).toBeCloseTo(MAX_GAIN * a[i]!, 6);
  });

  it('never exceeds full scale, even with 10 full-scale speakers at maximum gain', () => {
    const sources = Array.from({ length: 10 }, (_, k) => ({ samples: sine(1, 200 + 97 * k, k), gain: MAX_GAIN }));
    // Also the worst case: all in phase.
    const inPhase = Array.from({ length: 10 }, () => ({ samples: sine(1, 500), gain: MAX_GAIN }));
    for (const set of [sources, inPhase]) {
      const out = new Float32Array(FRAME_SAMPLES);
      const peak = mixFrames(set, out, MAX_GAIN);
      expect(peak).toBeGreaterThan(10); // it really was that hot before limiting
      expect(maxAbs(out)).toBeLessThanOrEqual(1);
      // Shape is kept: the limited signal still follows the sum's sign.
      let sum = 0;
      for (let i = 0; i < FRAME_SAMPLES; i++) {
        sum = set.reduce((acc, s) => acc + s.samples[i]!, 0);
        if (Math.abs(sum) > 1e-3) expect(Math.sign(out[i]!)).toBe(Math.sign(sum));
      }
    }
  });

  it('rejects a source shorter than the output frame', () => {
    expect(() => mixFrames([{ samples: new Float32Array(10), gain: 1 }], new Float32Array(FRAME_SAMPLES))).toThrow(RangeError);
  });

  it('with no speakers writes silence', () => {
    const out = new Float32Array(FRAME_SAMPLES).fill(0.5);
    expect(mixFrames([], out)).toBe(0);
    expect(maxAbs(out)).toBe(0);
  });
});

describe('softLimit', () => {
  it('is the identity up to the threshold', () => {
    for (const x of [0, 0.1, -0.3, 0.5, LIMITER_THRESHOLD, -LIMITER_THRESHOLD]) expect(softLimit(x)).toBe(x);
  });

  it('is odd, increasing (strictly over any realistic sum), bounded by 1, and smooth at the knee', () => {
    let prev = -Infinity;
    for (let x = -20; x <= 20; x += 0.01) {
      const y = softLimit(x);
      // Far out, tanh rounds to exactly 1 in double precision: flat, never backwards.
      if (Math.abs(x) < 3) expect(y).toBeGreaterThan(prev);
      else expect(y).toBeGreaterThanOrEqual(prev);
      expect(Math.abs(y)).toBeLessThanOrEqual(1);
      expect(softLimit(-x)).toBeCloseTo(-y, 12);
      prev = y;
    }
    // Slope just above the knee is still ~1 (no corner), then falls off.
    const h = 1e-6;
    expect((softLimit(LIMITER_THRESHOLD + h) - softLimit(LIMITER_THRESHOLD)) / h).toBeCloseTo(1, 4);
    expect(softLimit(1)).toBeLessThan(1);
    expect(softLimit(1)).toBeGreaterThan(0.9);
  });

  it('maps infinities to full scale and NaN to silence', () => {
    expect(softLimit(Number.POSITIVE_INFINITY)).toBe(1);
    expect(softLimit(Number.NEGATIVE_INFINITY)).toBe(-1);
    expect(softLimit(Number.NaN)).toBe(0);
  });
});

describe('frameLevelDbfs', () => {
  it('reads -3.01 dBFS for a full-scale sine', () => {
    expect(frameLevelDbfs(sine(1, 1000))).toBeCloseTo(-3.0103, 3);
  });

  it('reads 0 dBFS for a full-scale square and -6.02 dBFS for a half-scale one', () => {
    const square = new Float32Array(FRAME_SAMPLES).map((_, i) => (i % 48 < 24 ? 1 : -1));
    expect(frameLevelDbfs(square)).toBeCloseTo(0, 6);
    expect(frameLevelDbfs(square.map((v) => v / 2))).toBeCloseTo(-6.0206, 3);
  });

  it('tracks amplitude: a 10x quieter sine is 20 dB down', () => {
    expect(frameLevelDbfs(sine(0.1, 440)) - frameLevelDbfs(sine(1, 440))).toBeCloseTo(-20, 2);
  });

  it('reads -Infinity for digital silence and for an empty frame', () => {
    expect(frameLevelDbfs(new Float32Array(FRAME_SAMPLES))).toBe(-Infinity);
    expect(frameLevelDbfs(new Float32Array(0))).toBe(-Infinity);
  });

  it('can measure just the first part of a buffer', () => {
    const x = new Float32Array(FRAME_SAMPLES);
    x.fill(0.5, 0, 480);
    expect(frameLevelDbfs(x, 480)).toBeCloseTo(20 * Math.log10(0.5), 6);
    expect(frameLevelDbfs(x)).toBeCloseTo(20 * Math.log10(0.5) - 3.0103, 3);
  });
});
