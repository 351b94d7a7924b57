/** How long to wait before reconnect attempt `attempt` (0-based): exponential with jitter. */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  factor: number;
  /** Fraction of the delay randomised away, so many clients do not return in lockstep. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 500, maxMs: 15_000, factor: 2, jitter: 0.3 };

export function reconnectDelay(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const base = Math.min(policy.maxMs, policy.initialMs * policy.factor ** Math.max(0, attempt));
  return Math.round(base * (1 - policy.jitter * random()));
}
