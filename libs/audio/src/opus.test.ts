import { createOpusDecoder, opusPacketSamples, MAX_OPUS_PACKET_BYTES, type VoiceDecoder } from './decoder';
import { createOpusEncoder, DEFAULT_VOICE_BITRATE, MAX_VOICE_BITRATE, MIN_VOICE_BITRATE, type OpusEncoderOptions } from './encoder';
import { FRAME_SAMPLES } from './format';
import { concatFrames, dominantFrequency, rms, sineFrames } from './tone';
import { prng } from './test-support';

const CANDIDATES = [300, 440, 660, 880, 1000];
/** Opus's algorithmic delay (~6.5 ms) and start-up; the first frames are not compared. */
const SKIP_FRAMES = 3;
const db = (ratio: number) => 20 * Math.log10(ratio);


async function encodeTone(freqHz: number, seconds: number, options: OpusEncoderOptions = {}) {
  const input = [...sineFrames(freqHz, seconds, 0.5)];
  const encoder = await createOpusEncoder(options);
  const packets = input.map((frame) => encoder.encode(frame));
  encoder.close();
  return { input, packets };
}

function expectFrame(out: Float32Array): void {
  expect(out).toBeInstanceOf(Float32Array);
  expect(out.length).toBe(FRAME_SAMPLES);
  expect(out.every((s) => Number.isFinite(s))).toBe(true);
}

describe('Opus round trip', () => {
  it.each([440, 880])('a %i Hz tone comes back at that frequency and level', async (freq) => {
    const { input, packets } = await encodeTone(freq, 1);
    expect(packets).toHaveLength(50);
    const decoder = await createOpusDecoder();
    const output = packets.map((p) => decoder.decode(p));
    output.forEach(expectFrame);
    expect(decoder.stats()).toEqual({ decoded: 50, concealed: 0, recovered: 0, errors: 0, lastError: null });

    const heard = concatFrames(output.slice(SKIP_FRAMES));
    expect(dominantFrequency(heard, CANDIDATES)).toBe(freq);
    // Every single 20 ms frame, too.
    for (const frame of output.slice(SKIP_FRAMES)) expect(dominantFrequency(frame, CANDIDATES)).toBe(freq);
    const levelDb = db(rms(heard) / rms(concatFrames(input.slice(SKIP_FRAMES))));
    expect(Math.abs(levelDb)).toBeLessThan(2);
    decoder.close();
  });

  it('every packet holds exactly one 20 ms frame, and the codec delay stays under 3 frames', async () => {
    const { packets } = await encodeTone(440, 0.2);
    for (const p of packets) expect(opusPacketSamples(p)).toBe(FRAME_SAMPLES);
    // A click at the very start shows up by frame 1: the delay is well inside SKIP_FRAMES.
    const encoder = await createOpusEncoder();
    const decoder = await createOpusDecoder();
    const frames = [...sineFrames(440, 0.2, 0.5)];
    const outLevels = frames.map((f) => rms(decoder.decode(encoder.encode(f))));
    expect(outLevels[1]!).toBeGreaterThan(0.1);
  });
});

describe('Opus encoder settings', () => {
  async function meanPacketBytes(options: OpusEncoderOptions): Promise<number> {
    const { packets } = await encodeTone(440, 1, options);
    return packets.reduce((n, p) => n + p.length, 0) / packets.length;
  }

  it.each([false, true])('packet size follows the bitrate (vbr: %s)', async (vbr) => {
    const low = await meanPacketBytes({ bitrate: 16_000, vbr });
    const mid = await meanPacketBytes({ vbr });
    const high = await meanPacketBytes({ bitrate: 128_000, vbr });
    expect(low).toBeLessThan(mid);
    expect(mid).toBeLessThan(high);
    expect(high / low).toBeGreaterThan(4);
    for (const [bytes, bitrate] of [[low, 16_000], [mid, DEFAULT_VOICE_BITRATE], [high, 128_000]] as const) {
      const expected = (bitrate * 0.02) / 8; // 40, 120, 320 bytes
      expect(bytes).toBeGreaterThan(expected / 2);
      expect(bytes).toBeLessThan(expected * 2);
    }
  });

  it('sends constant-size packets by default, so sizes do not trace the speech', async () => {
    const { packets } = await encodeTone(440, 0.5);
    const speechLike = [...sineFrames(300, 0.5, 0.5)].map((f, i) => f.map((s) => (i % 5 < 2 ? s : s * 0.02)));
    const encoder = await createOpusEncoder();
    const varied = speechLike.map((f) => encoder.encode(f));
    expect(new Set([...packets, ...varied].map((p) => p.length))).toEqual(new Set([120]));
  });

  it('clamps bitrates to 16..128 kbit/s and applies changes to the next packet', async () => {
    const encoder = await createOpusEncoder({ bitrate: 1_000 });
    expect(encoder.bitrate).toBe(MIN_VOICE_BITRATE);
    const [a, b, c] = [...sineFrames(440, 0.06, 0.5)];
    expect(encoder.encode(a!).length).toBe(40);
    expect(encoder.setBitrate(10_000_000)).toBe(MAX_VOICE_BITRATE);
    expect(encoder.encode(b!).length).toBe(320);
    expect(encoder.setBitrate(Number.NaN)).toBe(DEFAULT_VOICE_BITRATE);
    expect(encoder.bitrate).toBe(DEFAULT_VOICE_BITRATE);
    expect(encoder.encode(c!).length).toBe(120);
    expect(encoder.backend).toBe('libopus-wasm');
    encoder.setPacketLossPercent(250); // clamped, not thrown
    encoder.close();
  });

  it('refuses frames of the wrong length and use after close', async () => {
    const encoder = await createOpusEncoder();
    expect(() => encoder.encode(new Float32Array(480))).toThrow(RangeError);
    encoder.close();
    encoder.close();
    expect(() => encoder.encode(new Float32Array(FRAME_SAMPLES))).toThrow(/closed/);
  });
});

describe('Opus packet loss', () => {
  it('conceals every 5th packet: still the right tone, no NaN, 960 samples each', async () => {
    const { packets } = await encodeTone(440, 1);
    const decoder = await createOpusDecoder();
    const output = packets.map((p, i) => (i % 5 === 4 ? decoder.conceal() : decoder.decode(p)));
    output.forEach(expectFrame);
    expect(decoder.stats()).toMatchObject({ decoded: 40, concealed: 10, errors: 0 });
    expect(dominantFrequency(concatFrames(output.slice(SKIP_FRAMES)), CANDIDATES)).toBe(440);
    // The concealed frames themselves continue the tone rather than going silent.
    const concealed = output.filter((_, i) => i % 5 === 4 && i >= SKIP_FRAMES);
    for (const frame of concealed) {
      expect(dominantFrequency(frame, CANDIDATES)).toBe(440);
      expect(rms(frame)).toBeGreaterThan(0.05);
    }
  });

  it('rebuilds a lost frame from the next packet\'s in-band FEC, far closer than concealment', async () => {
    const { packets } = await encodeTone(880, 1, { packetLossPercent: 20 });
    const reference = await createOpusDecoder();
    const lossless = packets.map((p) => reference.decode(p));
    const withFec = await createOpusDecoder();
    const withPlc = await createOpusDecoder();
    const output: Float32Array[] = [];
    let fecError = 0;
    let plcError = 0;
    for (let i = 0; i < packets.length; i++) {
      if (i % 5 === 4 && i + 1 < packets.length) {
        const rebuilt = withFec.recover(packets[i + 1]!);
        const concealed = withPlc.conceal();
        fecError += rms(lossless[i]!.map((s, k) => s - rebuilt[k]!));
        plcError += rms(lossless[i]!.map((s, k) => s - concealed[k]!));
        output.push(rebuilt);
      } else {
        output.push(withFec.decode(packets[i]!));
        withPlc.decode(packets[i]!);
      }
    }
    output.forEach(expectFrame);
    // Slots 4, 9, .., 44 are rebuilt; 49 has no next packet and is decoded as usual.
    expect(withFec.stats()).toMatchObject({ decoded: 41, recovered: 9, concealed: 0, errors: 0 });
    for (const frame of output.slice(SKIP_FRAMES)) expect(dominantFrequency(frame, CANDIDATES)).toBe(880);
    // Concealment keeps the tone but drifts in phase; FEC carries the actual frame.
    expect(fecError).toBeLessThan(plcError / 10);
    // An unusable next packet falls back to concealment.
    expectFrame(withFec.recover(new Uint8Array(0)));
    expect(withFec.stats()).toMatchObject({ recovered: 9, concealed: 1 });
  });

  it('conceals from a fresh decoder as silence', async () => {
    const decoder = await createOpusDecoder();
    const frame = decoder.conceal();
    expectFrame(frame);
    expect(rms(frame)).toBe(0);
  });
});

describe('Opus decoder against bad input', () => {
  async function warmDecoder(): Promise<{ decoder: VoiceDecoder; packets: Uint8Array[] }> {
    const { packets } = await encodeTone(440, 1);
    const decoder = await createOpusDecoder();
    for (const p of packets.slice(0, 10)) decoder.decode(p);
    return { decoder, packets };
  }

  it.each([
    ['empty', new Uint8Array(0), 'empty'],
    ['5000 bytes', new Uint8Array(5000).fill(0x7f), 'too-large'],
    ['one byte too many', new Uint8Array(MAX_OPUS_PACKET_BYTES + 1), 'too-large'],
    ['a 10 ms packet', Uint8Array.from([0b00000_000, 1, 2, 3]), 'wrong-duration'],
    ['a 60 ms packet', Uint8Array.from([0b00011_000, 1, 2, 3]), 'wrong-duration'],
    ['a code-3 packet without its frame count', Uint8Array.from([0b11111_011]), 'corrupt'],
    // Two 10 ms frames (20 ms, so the header passes), the first claiming 1275 bytes of 4.
    ['a packet whose frame lengths overrun it', Uint8Array.from([0b11110_011, 0b10_000010, 0xff, 0xff]), 'corrupt'],
  ] as const)('%s: no throw, 960 samples of concealment, counted', async (_name, packet, code) => {
    const { decoder, packets } = await warmDecoder();
    const out = decoder.decode(packet);
    expectFrame(out);
    expect(decoder.stats()).toMatchObject({ decoded: 10, errors: 1, concealed: 1, lastError: code });
    // Concealment continues the tone, and the stream decodes normally afterwards.
    expect(dominantFrequency(out, CANDIDATES)).toBe(440);
    const after = packets.slice(11).map((p) => decoder.decode(p));
    expect(dominantFrequency(concatFrames(after.slice(1)), CANDIDATES)).toBe(440);
    expect(decoder.stats()).toMatchObject({ errors: 1, decoded: 49 });
  });

  it('survives a thousand random packets', async () => {
    const { decoder, packets } = await warmDecoder();
    const rnd = prng(7);
    for (let i = 0; i < 1000; i++) {
      const packet = new Uint8Array(1 + Math.floor(rnd() * 400));
      for (let j = 0; j < packet.length; j++) packet[j] = Math.floor(rnd() * 256);
      expectFrame(decoder.decode(packet));
    }
    const s = decoder.stats();
    expect(s.decoded + s.errors).toBe(10 + 1000);
    expect(s.errors).toBeGreaterThan(500); // most random headers are not one 20 ms frame
    // Random bytes that parse are decoded as (noise) audio; the real stream still works after.
    const after = packets.slice(10).map((p) => decoder.decode(p));
    after.forEach(expectFrame);
    expect(dominantFrequency(concatFrames(after.slice(SKIP_FRAMES)), CANDIDATES)).toBe(440);
  });

  it('throws only for use after close', async () => {
    const decoder = await createOpusDecoder();
    decoder.close();
    decoder.close();
    expect(() => decoder.decode(new Uint8Array(10))).toThrow(/closed/);
    expect(() => decoder.conceal()).toThrow(/closed/);
  });
});
