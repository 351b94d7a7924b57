import { AbuseCounter, TokenBucket } from './rate-limit';

/** A clock the test moves by hand, so nothing depends on real time. */
function manualClock(start = 0) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('TokenBucket', () => {
  it('allows a burst, then refills at the sustained rate', () => {
    const clock = manualClock();
    const bucket = new TokenBucket(20, 40, clock.now);
    for (let i = 0; i < 40; i++) expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
    clock.advance(49); // 0.98 of a token
    expect(bucket.take()).toBe(false);
    clock.advance(2); // 1.02 tokens in total
    expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
    clock.advance(500); // 10 tokens
    let granted = 0;
    while (bucket.take()) granted++;
    expect(granted).toBe(10);
  });

  it('never holds more than the burst, however long it was idle', () => {
    const clock = manualClock();
    const bucket = new TokenBucket(20, 5, clock.now);
    clock.advance(3_600_000);
    let granted = 0;
    while (bucket.take()) granted++;
    expect(granted).toBe(5);
  });

  it('tolerates a clock that goes backwards', () => {
    const clock = manualClock(1000);
    const bucket = new TokenBucket(1, 1, clock.now);
    expect(bucket.take()).toBe(true);
    clock.advance(-500);
    expect(bucket.take()).toBe(false);
  });
});

describe('AbuseCounter', () => {
  it('trips after `limit` errors in a row', () => {
    const clock = manualClock();
    const abuse = new AbuseCounter(3, 10_000, clock.now);
    expect(abuse.record(false)).toBe(false);
    expect(abuse.record(false)).toBe(false);
    expect(abuse.record(false)).toBe(true);
  });

  it('is reset by any success', () => {
    const abuse = new AbuseCounter(3, 10_000, manualClock().now);
    abuse.record(false);
    abuse.record(false);
    abuse.record(true);
    expect(abuse.record(false)).toBe(false);
    expect(abuse.record(false)).toBe(false);
    expect(abuse.record(false)).toBe(true);
  });

  it('forgets errors older than the window', () => {
    const clock = manualClock();
    const abuse = new AbuseCounter(3, 10_000, clock.now);
    abuse.record(false);
    abuse.record(false);
    clock.advance(10_001);
    expect(abuse.record(false)).toBe(false);
    expect(abuse.record(false)).toBe(false);
    expect(abuse.record(false)).toBe(true);
  });
});
