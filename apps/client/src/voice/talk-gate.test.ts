import { PUSH_HOLD_MS, TalkGate, VOICE_HOLD_MS, type GateInput } from './talk-gate';

const frame = (over: Partial<GateInput>): GateInput => ({ mode: 'voice', levelDb: -90, thresholdDb: -45, pushed: false, muted: false, nowMs: 0, ...over });

describe('TalkGate', () => {
  it('opens on voice above the threshold and closes only after the hold time', () => {
    const gate = new TalkGate();
    expect(gate.update(frame({ levelDb: -60, nowMs: 0 }))).toBeNull();
    expect(gate.update(frame({ levelDb: -30, nowMs: 20 }))).toBe('open');
    // A pause shorter than the hold keeps it open.
    expect(gate.update(frame({ levelDb: -80, nowMs: 40 }))).toBeNull();
    expect(gate.update(frame({ levelDb: -30, nowMs: 20 + VOICE_HOLD_MS - 20 }))).toBeNull();
    const last = 20 + VOICE_HOLD_MS - 20;
    expect(gate.update(frame({ levelDb: -80, nowMs: last + VOICE_HOLD_MS - 20 }))).toBeNull();
    expect(gate.update(frame({ levelDb: -80, nowMs: last + VOICE_HOLD_MS }))).toBe('close');
    expect(gate.open).toBe(false);
  });

  it('treats the threshold as inclusive and follows a changed threshold', () => {
    const gate = new TalkGate();
    expect(gate.update(frame({ levelDb: -45, nowMs: 0 }))).toBe('open');
    const later = new TalkGate();
    expect(later.update(frame({ levelDb: -45, thresholdDb: -20, nowMs: 0 }))).toBeNull();
  });

  it('in push-to-talk sends only while pushed, whatever the level, with a short tail', () => {
    const gate = new TalkGate();
    expect(gate.update(frame({ mode: 'push', levelDb: 0, nowMs: 0 }))).toBeNull();
    expect(gate.update(frame({ mode: 'push', pushed: true, levelDb: -100, nowMs: 20 }))).toBe('open');
    expect(gate.update(frame({ mode: 'push', pushed: false, nowMs: 20 + PUSH_HOLD_MS - 1 }))).toBeNull();
    expect(gate.update(frame({ mode: 'push', pushed: false, nowMs: 20 + PUSH_HOLD_MS }))).toBe('close');
  });

  it('closes at once when muted, even mid-sentence or with the key held', () => {
    const gate = new TalkGate();
    gate.update(frame({ levelDb: -10, nowMs: 0 }));
    expect(gate.update(frame({ levelDb: -10, muted: true, nowMs: 20 }))).toBe('close');
    expect(gate.update(frame({ mode: 'push', pushed: true, muted: true, nowMs: 40 }))).toBeNull();
    expect(gate.open).toBe(false);
  });

  it('starts closed again after reset', () => {
    const gate = new TalkGate();
    gate.update(frame({ levelDb: -10, nowMs: 0 }));
    gate.reset();
    expect(gate.open).toBe(false);
    expect(gate.update(frame({ levelDb: -10, nowMs: 20 }))).toBe('open');
  });
});
