import { FRAME_SAMPLES, SAMPLE_RATE } from './format';
import { concatFrames, dominantFrequency, goertzelPower, parseWav, rms, sineFrames, wavFile } from './tone';

describe('test tones', () => {
  it('sineFrames yields whole 960-sample frames of one continuous sine', () => {
    const frames = [...sineFrames(440, 1, 0.25)];
    expect(frames).toHaveLength(50);
    for (const f of frames) expect(f.length).toBe(FRAME_SAMPLES);
    const all = concatFrames(frames);
    expect(all.length).toBe(SAMPLE_RATE);
    for (const i of [0, 959, 960, 961, 12_345, 47_999]) {
      expect(all[i]).toBeCloseTo(0.25 * Math.sin((2 * Math.PI * 440 * i) / SAMPLE_RATE), 6);
    }
    expect(rms(all)).toBeCloseTo(0.25 / Math.SQRT2, 3);
    expect([...sineFrames(440, 0.03)]).toHaveLength(2); // rounded to whole frames
  });

  it('goertzelPower reads a tone\'s power as amplitude squared, and little elsewhere', () => {
    const tone = concatFrames(sineFrames(1000, 0.1, 0.5));
    expect(goertzelPower(tone, 1000)).toBeCloseTo(0.25, 2);
    expect(goertzelPower(tone, 1200)).toBeLessThan(1e-4);
    // Also between FFT bins and for a single frame.
    const short = [...sineFrames(437, 0.02, 0.8)][0]!;
    expect(goertzelPower(short, 437)).toBeCloseTo(0.64, 1);
    expect(goertzelPower(new Float32Array(0), 440)).toBe(0);
  });

  it('dominantFrequency picks the strongest candidate, even under noise and a second tone', () => {
    const a = concatFrames(sineFrames(660, 0.2, 0.3));
    const b = concatFrames(sineFrames(300, 0.2, 0.1));
    let seed = 1;
    const noise = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.2;
    const mixed = a.map((s, i) => s + b[i]! + noise());
    expect(dominantFrequency(mixed, [300, 440, 660, 880, 1000])).toBe(660);
    expect(dominantFrequency(new Float32Array(4800), [300, 440])).toBeNull();
    expect(dominantFrequency(a, [])).toBeNull();
  });
});

describe('WAV files', () => {
  it('writes a 16-bit mono PCM WAV with correct header fields', () => {
    const samples = concatFrames(sineFrames(440, 0.1, 0.5));
    const wav = wavFile(samples, 48_000);
    const view = new DataView(wav.buffer, wav.byteOffset, wav.byteLength);
    const text = (at: number) => String.fromCharCode(...wav.subarray(at, at + 4));
    expect(wav.length).toBe(44 + samples.length * 2);
    expect(text(0)).toBe('RIFF');
    expect(view.getUint32(4, true)).toBe(wav.length - 8);
    expect(text(8)).toBe('WAVE');
    expect(text(12)).toBe('fmt ');
    expect(view.getUint32(16, true)).toBe(16);
    expect(view.getUint16(20, true)).toBe(1); // PCM
    expect(view.getUint16(22, true)).toBe(1); // mono
    expect(view.getUint32(24, true)).toBe(48_000);
    expect(view.getUint32(28, true)).toBe(96_000); // bytes per second
    expect(view.getUint16(32, true)).toBe(2); // block align
    expect(view.getUint16(34, true)).toBe(16);
    expect(text(36)).toBe('data');
    expect(view.getUint32(40, true)).toBe(samples.length * 2);
    expect(view.getInt16(44 + 2 * 100, true)).toBe(Math.round(samples[100]! * 0x7fff));
  });

  it('round-trips samples within half a 16-bit step, clamping what is out of range', () => {
    const samples = Float32Array.from([0, 0.5, -0.5, 0.999, -1, 1e-5, 1.7, -2.3, ...concatFrames(sineFrames(523, 0.05, 0.9))]);
    const parsed = parseWav(wavFile(samples, 44_100));
    expect(parsed).toMatchObject({ sampleRate: 44_100, channels: 1, bitsPerSample: 16 });
    expect(parsed.samples.length).toBe(samples.length);
    for (let i = 0; i < samples.length; i++) {
      const expected = Math.max(-1, Math.min(1, samples[i]!));
      expect(Math.abs(parsed.samples[i]! - expected)).toBeLessThanOrEqual(0.5 / 0x7fff + 1e-9);
    }
  });

  it('parseWav skips unknown chunks and refuses what it cannot read', () => {
    const wav = wavFile(Float32Array.from([0.25, -0.25]));
    // Insert an odd-sized LIST chunk (padded to even) between fmt and data.
    const list = Uint8Array.from([...'LIST'].map((c) => c.charCodeAt(0)).concat([3, 0, 0, 0, 1, 2, 3, 0]));
    const withList = new Uint8Array(wav.length + list.length);
    withList.set(wav.subarray(0, 36));
    withList.set(list, 36);
    withList.set(wav.subarray(36), 36 + list.length);
    const [a, b] = parseWav(withList).samples;
    expect(a).toBeCloseTo(0.25, 4);
    expect(b).toBeCloseTo(-0.25, 4);
    expect(() => parseWav(new Uint8Array(10))).toThrow(RangeError);
    const eightBit = wav.slice();
    new DataView(eightBit.buffer).setUint16(34, 8, true);
    expect(() => parseWav(eightBit)).toThrow(/16-bit/);
  });
});
