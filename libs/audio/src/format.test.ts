import { FRAME_SAMPLES, floatToInt16, int16ToFloat } from './format';

describe('audio format', () => {
  it('a 20 ms frame at 48 kHz is 960 samples', () => {
    expect(FRAME_SAMPLES).toBe(960);
  });

  it('converts float to 16-bit PCM with clamping and back within one step', () => {
    const input = Float32Array.from([0, 0.5, -0.5, 1, -1, 2, -3]);
    const pcm = floatToInt16(input);
    expect(Array.from(pcm.slice(0, 7))).toEqual([0, 16384, -16384, 32767, -32768, 32767, -32768]);
    const back = int16ToFloat(pcm);
    for (let i = 0; i < 5; i++) expect(Math.abs(back[i]! - input[i]!)).toBeLessThanOrEqual(1 / 0x8000);
  });
});
