/** Small pure helpers for showing people and things; no DOM, no network. */

/**
 * One or two letters for an avatar: the first letter (or digit) of the first two words.
 * Symbols and emoji are skipped (many systems lack an emoji font); no letters at all gives "?".
 */
export function initials(name: string): string {
  const firstLetters = name
    .split(/\s+/u)
    .map((word) => /[\p{L}\p{N}]/u.exec(word)?.[0])
    .filter((c): c is string => c !== undefined);
  if (firstLetters.length === 0) return '?';
  return firstLetters.slice(0, 2).join('').toLocaleUpperCase();
}

/** A stable hue (0–359) for an id, so a person keeps their colour everywhere. */
export function hueFor(id: string): number {
  let hash = 2166136261;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 16777619);
  }
  return (hash >>> 0) % 360;
}

/** "1 user" / "3 users". */
export function countLabel(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}
