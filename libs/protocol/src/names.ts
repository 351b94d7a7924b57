import { LIMITS } from './limits';

export type NameProblem = 'empty' | 'too_long' | 'forbidden_characters';
export type NameCheck = { ok: true; name: string } | { ok: false; problem: NameProblem };

// Control characters, and the bidirectional overrides/isolates that let a name
// display as something other than what it is. Zero-width joiners stay (emoji need them).
const FORBIDDEN = /[\p{Cc}\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C\uFEFF\u2028\u2029]/u;
const SPACES = /[\s\p{Zs}]+/gu;

/**
 * Normalises a user-chosen name (NFC, whitespace runs folded to one space, trimmed)
 * and checks it. Any script or emoji is fine; the result is plain text that the UI
 * must render as text, never as HTML.
 */
export function normalizeName(raw: string, maxChars: number): NameCheck {
  if (FORBIDDEN.test(raw)) return { ok: false, problem: 'forbidden_characters' };
  const name = raw.normalize('NFC').replace(SPACES, ' ').trim();
  if (name.length === 0) return { ok: false, problem: 'empty' };
  if ([...name].length > maxChars) return { ok: false, problem: 'too_long' };
  return { ok: true, name };
}

export function normalizeDisplayName(raw: string): NameCheck {
  return normalizeName(raw, LIMITS.displayNameMaxChars);
}

export function normalizeChannelName(raw: string): NameCheck {
  return normalizeName(raw, LIMITS.channelNameMaxChars);
}

/**
 * The key two names collide on: compatibility-folded and lower-cased, so "ALICE",
 * "alice" and "ａｌｉｃｅ" (full-width) cannot be three different people.
 */
export function nameKey(name: string): string {
  return name.normalize('NFKC').toLowerCase();
}
