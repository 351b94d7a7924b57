// Test and diagnostic knobs, read once from the page address when the page starts. Without
// them the defaults apply. Each is bounded, so a shared link cannot make the page misbehave
// beyond waiting a little longer or shorter between reconnect attempts.
import type { BackoffPolicy } from '@lemon/session';

/** `client.html?reconnect-delay-ms=N`: wait exactly N ms before every reconnect attempt. */
export const RECONNECT_DELAY_PARAM = 'reconnect-delay-ms';
export const RECONNECT_DELAY_BOUNDS = { minMs: 500, maxMs: 120_000 } as const;

/**
 * A fixed reconnect delay (no growth, no jitter) from the query string, clamped to
 * RECONNECT_DELAY_BOUNDS; undefined (the Session's default backoff) if absent or not a number.
 */
export function reconnectPolicyFromQuery(search: string): BackoffPolicy | undefined {
  const raw = new URLSearchParams(search).get(RECONNECT_DELAY_PARAM);
  if (raw === null || !/^\d{1,9}$/.test(raw.trim())) return undefined;
  const ms = Math.min(RECONNECT_DELAY_BOUNDS.maxMs, Math.max(RECONNECT_DELAY_BOUNDS.minMs, Number(raw.trim())));
  return { initialMs: ms, maxMs: ms, factor: 1, jitter: 0 };
}

/**
 * `client.html?voice-debug=1`: exposes `window.lemonVoiceDebug` (what is being played, and the
 * voice counters) so browser tests can check what a person would hear. Read-only: it reveals
 * nothing the page does not already show in voice settings.
 */
export const VOICE_DEBUG_PARAM = 'voice-debug';

export function voiceDebugFromQuery(search: string): boolean {
  return new URLSearchParams(search).get(VOICE_DEBUG_PARAM) === '1';
}
