import { playPokeSound, POKE_CHIME } from './sound';

function fakeContext() {
  const calls: string[] = [];
  const param = (name: string) => ({
    setValueAtTime: (v: number, t: number) => calls.push(`${name}.set ${v} @${t.toFixed(3)}`),
    exponentialRampToValueAtTime: (v: number, t: number) => calls.push(`${name}.ramp ${v} @${t.toFixed(3)}`),
  });
  const ctx = {
    currentTime: 1,
    destination: {},
    createOscillator: () => {
      calls.push('osc');
      return {
        type: '',
        frequency: param('freq'),
        connect: () => undefined,
        start: (t: number) => calls.push(`start @${t.toFixed(3)}`),
        stop: (t: number) => calls.push(`stop @${t.toFixed(3)}`),
      };
    },
    createGain: () => ({ gain: param('gain'), connect: () => undefined }),
  };
  return { ctx: ctx as unknown as BaseAudioContext, calls };
}

describe('playPokeSound', () => {
  it('schedules two tones with an envelope on a given context', () => {
    const { ctx, calls } = fakeContext();
    playPokeSound(ctx);
    expect(calls.filter((c) => c === 'osc')).toHaveLength(POKE_CHIME.length);
    expect(calls.filter((c) => c.startsWith('freq.set')).map((c) => Number(c.split(' ')[1]))).toEqual(POKE_CHIME.map((n) => n.frequency));
    expect(calls.filter((c) => c.startsWith('gain.ramp')).length).toBe(POKE_CHIME.length * 2);
    expect(new Set(POKE_CHIME.map((n) => n.frequency)).size).toBe(2);
  });
  it('does nothing (and does not throw) without WebAudio', () => {
    expect(() => playPokeSound()).not.toThrow();
  });
});
