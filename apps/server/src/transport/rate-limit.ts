/** Milliseconds from a monotonic clock. */
export type Clock = () => number;

export const monotonicClock: Clock = () => performance.now();

/**
 * A token bucket: holds at most `burst` tokens, refills `perSecond` tokens per second,
 * and each request spends one. O(1) state per connection, nothing that only grows.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: Clock = monotonicClock,
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Spends one token if there is one; false means "rate limited". */
  take(): boolean {
    const t = this.now();
    const elapsed = Math.max(0, t - this.last);
    this.last = t;
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.perSecond) / 1000);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/**
 * Counts errors answered to one connection in a row; any success resets it, and so does a
 * quiet spell longer than `windowMs`. `record(false)` returns true once the connection has
 * earned `limit` errors in a row within the window and should be closed.
 */
export class AbuseCounter {
  private count = 0;
  private since = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: Clock = monotonicClock,
  ) {}

  record(ok: boolean): boolean {
    if (ok) {
      this.count = 0;
      return false;
    }
    const t = this.now();
    if (this.count === 0 || t - this.since > this.windowMs) {
      this.count = 0;
      this.since = t;
    }
    this.count += 1;
    return this.count >= this.limit;
  }
}
