/** Sounds synthesised with WebAudio: no audio files are fetched or bundled. */

interface AudioWindow {
  AudioContext?: typeof AudioContext;
  webkitAudioContext?: typeof AudioContext;
}

/** The two notes of the poke chime: start offset and length in seconds, frequency in Hz. */
export const POKE_CHIME: readonly { at: number; duration: number; frequency: number }[] = [
  { at: 0, duration: 0.16, frequency: 880 },
  { at: 0.14, duration: 0.26, frequency: 1318.5 },
];

/**
 * Plays a short two-tone chime. Uses `context` when given (and leaves it open), otherwise makes
 * a context of its own and closes it afterwards. Never throws: no sound is better than a crash.
 */
export function playPokeSound(context?: BaseAudioContext, volume = 0.18): void {
  let ctx = context;
  let own = false;
  try {
    if (!ctx) {
      const w = (typeof window === 'undefined' ? {} : window) as AudioWindow;
      const Ctor = w.AudioContext ?? w.webkitAudioContext;
      if (!Ctor) return;
      ctx = new Ctor();
      own = true;
    }
    const start = ctx.currentTime + 0.01;
    let end = start;
    for (const note of POKE_CHIME) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'sine';
      osc.frequency.setValueAtTime(note.frequency, start + note.at);
      const t0 = start + note.at;
      const t1 = t0 + note.duration;
      // Envelope: silent, quick attack, exponential decay (no clicks).
      gain.gain.setValueAtTime(0.0001, t0);
      gain.gain.exponentialRampToValueAtTime(Math.max(0.0002, volume), t0 + 0.012);
      gain.gain.exponentialRampToValueAtTime(0.0001, t1);
      osc.connect(gain);
      gain.connect(ctx.destination);
      osc.start(t0);
      osc.stop(t1 + 0.02);
      end = Math.max(end, t1 + 0.05);
    }
    if (own) {
      const c = ctx as AudioContext;
      if (c.state === 'suspended') void c.resume().catch(() => undefined);
      setTimeout(() => void c.close().catch(() => undefined), Math.ceil((end - ctx.currentTime) * 1000) + 200);
    }
  } catch {
    if (own && ctx) void (ctx as AudioContext).close?.().catch(() => undefined);
  }
}
