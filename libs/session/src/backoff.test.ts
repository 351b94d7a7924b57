import { DEFAULT_BACKOFF, reconnectDelay } from './backoff';

describe('reconnectDelay', () => {
  it('doubles from the initial delay up to the cap without jitter', () => {
    const policy = { ...DEFAULT_BACKOFF, jitter: 0 };
    expect([0, 1, 2, 3].map((a) => reconnectDelay(a, policy))).toEqual([500, 1000, 2000, 4000]);
    expect(reconnectDelay(30, policy)).toBe(DEFAULT_BACKOFF.maxMs);
  });

  it('jitter only shortens the delay, by at most the jitter fraction', () => {
    expect(reconnectDelay(2, DEFAULT_BACKOFF, () => 0)).toBe(2000);
    expect(reconnectDelay(2, DEFAULT_BACKOFF, () => 0.999999)).toBe(1400);
  });
});
