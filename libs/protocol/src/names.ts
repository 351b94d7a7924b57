import { LIMITS } from './limits';

export type NameProblem = 'empty' | 'too_long' | 'forbidden_characters';
export type NameCheck = { ok: true; name: string } | { ok: false; problem: NameProblem };

// Characters that make a name look like another or like nothing: controls, format
// characters (bidi overrides, zero-width spaces, soft hyphens, tags) except the zero-width
// joiner emoji need, private-use, unassigned and lone surrogates, line separators, and the
// blank "letters" (Hangul fillers, braille blank).
const FORBIDDEN = /[\p{Cc}\p{Co}\p{Cn}\p{Cs}\u2028\u2029\u115F\u1160\u3164\uFFA0\u2800]|[^\P{Cf}\u200D]/u;
// A name must show at least one letter, digit, symbol or punctuation mark.
const VISIBLE = /[\p{L}\p{N}\p{S}\p{P}]/u;
const SPACES = /[\s\p{Zs}]+/gu;
const IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;

/**
 * Normalises a user-chosen name (NFC, whitespace runs folded to one space, trimmed)
 * and checks it. Any script or emoji is fine; the result is plain text that the UI
 * must render as text, never as HTML.
 */
export function normalizeName(raw: string, maxChars: number): NameCheck {
  if (FORBIDDEN.test(raw)) return { ok: false, problem: 'forbidden_characters' };
  const name = raw.normalize('NFC').replace(SPACES, ' ').trim();
  if (!VISIBLE.test(name)) return { ok: false, problem: 'empty' };
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
 * The key two names collide on: compatibility-folded, invisible characters dropped and
 * lower-cased, so "ALICE", "alice", "ａｌｉｃｅ" (full-width) and "al\u200Dice" cannot be
 * different people.
 */
export function nameKey(name: string): string {
  return name.normalize('NFKC').replace(IGNORABLE, '').toLowerCase();
}
