/**
 * Test signals and measurements: pure tones cut into voice frames, a tone detector
 * that survives lossy coding, and 16-bit WAV files (e.g. for Chromium's
 * --use-file-for-fake-audio-capture). Used by unit tests here and by integration
 * and browser tests that check "the tone Alice sent is the tone Bob heard".
 */
import { FRAME_SAMPLES, SAMPLE_RATE, floatToInt16 } from './format';

/**
 * A sine tone as consecutive 960-sample frames (20 ms at 48 kHz), phase-continuous
 * across frames. `seconds` is rounded to whole frames.
 */
export function* sineFrames(freqHz: number, seconds: number, amplitude = 0.5, sampleRate = SAMPLE_RATE): Generator<Float32Array> {
  const frames = Math.round((seconds * sampleRate) / FRAME_SAMPLES);
  const step = (2 * Math.PI * freqHz) / sampleRate;
  for (let f = 0; f < frames; f++) {
    const frame = new Float32Array(FRAME_SAMPLES);
    const start = f * FRAME_SAMPLES;
    // Phase from the absolute sample index, so no error accumulates over long tones.
    for (let i = 0; i < FRAME_SAMPLES; i++) frame[i] = amplitude * Math.sin(step * (start + i));
    yield frame;
  }
}

/** Frames laid end to end in one buffer. */
export function concatFrames(frames: Iterable<Float32Array>): Float32Array {
  const list = [...frames];
  const out = new Float32Array(list.reduce((n, f) => n + f.length, 0));
  let at = 0;
  for (const f of list) {
    out.set(f, at);
    at += f.length;
  }
  return out;
}

/** Root-mean-square level of the samples (0 for none). */
export function rms(samples: Float32Array): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i]! * samples[i]!;
  return Math.sqrt(sum / samples.length);
}

/**
 * Power of one frequency in the samples (Goertzel algorithm, Hann-windowed, any
 * frequency, not just FFT bins). Normalized so that a sine of amplitude A at exactly
 * `freqHz` measures about A²: values are comparable across lengths.
 */
export function goertzelPower(samples: Float32Array, freqHz: number, sampleRate = SAMPLE_RATE): number {
  const n = samples.length;
  if (n === 0) return 0;
  const w = (2 * Math.PI * freqHz) / sampleRate;
  const coeff = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  let windowSum = 0;
  for (let i = 0; i < n; i++) {
    const hann = n > 1 ? 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1)) : 1;
    windowSum += hann;
    const s0 = samples[i]! * hann + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  // |X(f)|² of a windowed sine of amplitude A is (A · Σw / 2)².
  return power / ((windowSum / 2) * (windowSum / 2));
}

/**
 * Which of the candidate frequencies is strongest in the samples, or null if none
 * is (silence, or no candidates). Compares relative power, so overall level and
 * Opus's coding noise do not matter; pick candidates far enough apart (a few
 * hundred Hz for 20 ms of audio, much closer for a second of it).
 */
export function dominantFrequency(samples: Float32Array, candidates: readonly number[], sampleRate = SAMPLE_RATE): number | null {
  let best: number | null = null;
  let bestPower = 0;
  for (const f of candidates) {
    const p = goertzelPower(samples, f, sampleRate);
    if (p > bestPower) {
      bestPower = p;
      best = f;
    }
  }
  // Below about -100 dBFS there is nothing to decide between.
  return bestPower > 1e-10 ? best : null;
}

const WAV_HEADER_BYTES = 44;

/**
 * A 16-bit PCM mono WAV file (RIFF/WAVE, a `fmt ` chunk and a `data` chunk).
 * Samples are clamped to [-1, 1] and rounded, as in floatToInt16.
 */
export function wavFile(samples: Float32Array, sampleRate = SAMPLE_RATE): Uint8Array {
  const pcm = floatToInt16(samples);
  const dataBytes = pcm.length * 2;
  const out = new Uint8Array(WAV_HEADER_BYTES + dataBytes);
  const view = new DataView(out.buffer);
  const ascii = (at: number, text: string) => {
    for (let i = 0; i < text.length; i++) out[at + i] = text.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true); // fmt chunk size
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true); // byte rate
  view.setUint16(32, 2, true); // block align
  view.setUint16(34, 16, true); // bits per sample
  ascii(36, 'data');
  view.setUint32(40, dataBytes, true);
  for (let i = 0; i < pcm.length; i++) view.setInt16(WAV_HEADER_BYTES + i * 2, pcm[i]!, true);
  return out;
}

export interface ParsedWav {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Channel 0 as floats in [-1, 1]. */
  samples: Float32Array;
}

/**
 * Reads a 16-bit PCM WAV file (any chunk order, unknown chunks skipped). For
 * several channels only the first is returned. Throws RangeError for anything else.
 */
export function parseWav(bytes: Uint8Array): ParsedWav {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (bytes.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new RangeError('not a RIFF/WAVE file');
  let fmt: { channels: number; sampleRate: number; bitsPerSample: number } | null = null;
  let at = 12;
  while (at + 8 <= bytes.length) {
    const id = tag(at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > bytes.length) throw new RangeError('truncated fmt chunk');
      if (view.getUint16(body, true) !== 1) throw new RangeError('not PCM');
      fmt = { channels: view.getUint16(body + 2, true), sampleRate: view.getUint32(body + 4, true), bitsPerSample: view.getUint16(body + 14, true) };
    } else if (id === 'data') {
      if (!fmt) throw new RangeError('data chunk before fmt chunk');
      if (fmt.bitsPerSample !== 16 || fmt.channels < 1) throw new RangeError('only 16-bit PCM is supported');
      const frames = Math.floor(Math.min(size, bytes.length - body) / (2 * fmt.channels));
      const samples = new Float32Array(frames);
      for (let i = 0; i < frames; i++) {
        const s = view.getInt16(body + i * 2 * fmt.channels, true);
        // The exact inverse of floatToInt16 (which scales positives by 0x7fff and
        // negatives by 0x8000), so a written file reads back within half a step.
        samples[i] = s < 0 ? s / 0x8000 : s / 0x7fff;
      }
      return { ...fmt, samples };
    }
    at = body + size + (size & 1); // chunks are padded to even length
  }
  throw new RangeError('no data chunk');
}
