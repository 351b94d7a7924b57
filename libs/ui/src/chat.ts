/**
 * Pure helpers behind the chat components: no DOM, no network, testable in node.
 * Everything that came from another user (message styles, picture URLs) is checked again here
 * at render time, whatever the app already validated.
 */

/** Font choices a message may carry, each mapped to a local CSS font stack (nothing is fetched). */
export const MESSAGE_FONT_STACKS: Readonly<Record<string, string>> = Object.freeze({
  sans: 'var(--lc-font)',
  serif: "Georgia, Cambria, 'Times New Roman', 'Noto Serif', 'Liberation Serif', serif",
  mono: 'var(--lc-font-mono)',
  rounded: "ui-rounded, 'SF Pro Rounded', 'Nunito', 'Varela Round', 'Arial Rounded MT Bold', system-ui, sans-serif",
  handwriting: "'Segoe Print', 'Bradley Hand', 'Comic Sans MS', 'Comic Neue', cursive",
});

export const MESSAGE_SIZE_MIN_PX = 12;
export const MESSAGE_SIZE_MAX_PX = 30;
export const MESSAGE_SIZE_DEFAULT_PX = 14;

/** A message style as it arrives (possibly from a hostile peer). */
export interface MessageStyle {
  font: string;
  sizePx: number;
  color: string;
}

/** A style that is safe to put into CSS: known font, size in range, colour #rrggbb or none. */
export interface SafeMessageStyle {
  /** A key of MESSAGE_FONT_STACKS. */
  font: string;
  sizePx: number;
  /** Lower-case #rrggbb, or null for the theme's text colour. */
  color: string | null;
}

const HEX_COLOR = /^#[0-9a-fA-F]{6}$/;

/** Whitelists and clamps a style; anything unknown falls back to the default. */
export function clampStyle(style: Partial<MessageStyle> | null | undefined): SafeMessageStyle {
  const font = typeof style?.font === 'string' && Object.prototype.hasOwnProperty.call(MESSAGE_FONT_STACKS, style.font) ? style.font : 'sans';
  const rawSize = style?.sizePx;
  const sizePx =
    typeof rawSize === 'number' && Number.isFinite(rawSize)
      ? Math.min(MESSAGE_SIZE_MAX_PX, Math.max(MESSAGE_SIZE_MIN_PX, Math.round(rawSize)))
      : MESSAGE_SIZE_DEFAULT_PX;
  const color = typeof style?.color === 'string' && HEX_COLOR.test(style.color) ? style.color.toLowerCase() : null;
  return { font, sizePx, color };
}

/** CSS properties (Solid style object) for a message style; undefined when there is no style. */
export function messageStyleCss(style: Partial<MessageStyle> | null | undefined): Record<string, string> | undefined {
  if (!style) return undefined;
  const safe = clampStyle(style);
  const css: Record<string, string> = {
    'font-family': MESSAGE_FONT_STACKS[safe.font]!,
    'font-size': `${safe.sizePx}px`,
  };
  if (safe.color) css.color = safe.color;
  return css;
}

/** Unread badge text: "" for none, "1"…"99", then "99+". */
export function unreadLabel(count: number): string {
  if (!Number.isFinite(count) || count <= 0) return '';
  return count > 99 ? '99+' : String(Math.floor(count));
}

/** The parts of a chat item that grouping looks at. */
export interface GroupableItem {
  id: string;
  author: { id: string };
  at: number;
  kind: 'text' | 'picture' | 'poke' | 'system';
}

export interface MessageGroup<T extends GroupableItem> {
  /** The first item's id: stable while the group grows. */
  key: string;
  items: T[];
}

/** Messages from the same author within this gap form one group (like Discord). */
export const GROUP_GAP_MS = 7 * 60 * 1000;

function groupable(item: GroupableItem): boolean {
  return item.kind === 'text' || item.kind === 'picture';
}

/**
 * Groups consecutive text/picture messages by the same author, each no more than GROUP_GAP_MS
 * after the previous one. System lines and pokes always stand alone.
 */
export function groupMessages<T extends GroupableItem>(items: readonly T[]): MessageGroup<T>[] {
  const groups: MessageGroup<T>[] = [];
  let last: T | undefined;
  for (const item of items) {
    const current = groups[groups.length - 1];
    if (
      current &&
      last &&
      groupable(item) &&
      groupable(last) &&
      last.author.id === item.author.id &&
      item.at - last.at >= 0 &&
      item.at - last.at <= GROUP_GAP_MS
    ) {
      current.items.push(item);
    } else {
      groups.push({ key: item.id, items: [item] });
    }
    last = item;
  }
  return groups;
}

/** Ids of the items that start a group (they show avatar, name and time). */
export function groupStarts(items: readonly GroupableItem[]): Set<string> {
  return new Set(groupMessages(items).map((g) => g.key));
}

/** "14:05" today, "3 Mar 14:05" on another day (in the viewer's locale). */
export function formatTime(at: number, now: number = Date.now(), locale?: string): string {
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return '';
  const time = date.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
  const today = new Date(now);
  if (date.toDateString() === today.toDateString()) return time;
  return `${date.toLocaleDateString(locale, { day: 'numeric', month: 'short', year: date.getFullYear() === today.getFullYear() ? undefined : 'numeric' })} ${time}`;
}

/** Only object URLs (and inline image data) may be shown as a picture; anything else is dropped. */
export function safePictureUrl(url: string | undefined | null): string | null {
  if (typeof url !== 'string') return null;
  if (/^blob:/i.test(url)) return url;
  if (/^data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=]+$/i.test(url)) return url;
  return null;
}

/** Fits width × height into a max × max box keeping the aspect ratio (never enlarging). */
export function fitBox(width: number | undefined, height: number | undefined, max = 320): { width: number; height: number } {
  const w = typeof width === 'number' && Number.isFinite(width) && width > 0 ? width : max;
  const h = typeof height === 'number' && Number.isFinite(height) && height > 0 ? height : Math.round(max * 0.75);
  const scale = Math.min(1, max / w, max / h);
  return { width: Math.max(1, Math.round(w * scale)), height: Math.max(1, Math.round(h * scale)) };
}

/** Whether a scroll container is (nearly) at its bottom. */
export function isAtBottom(scrollTop: number, scrollHeight: number, clientHeight: number, slack = 48): boolean {
  return scrollHeight - scrollTop - clientHeight <= slack;
}

export type ComposerKeyAction = 'send' | 'submit-edit' | 'cancel-edit' | 'edit-last' | 'none';

/** What a key press in the composer means; 'none' leaves the key to the textarea. */
export function composerKeyAction(
  key: { key: string; shiftKey?: boolean; altKey?: boolean; ctrlKey?: boolean; metaKey?: boolean; isComposing?: boolean },
  state: { empty: boolean; editing: boolean },
): ComposerKeyAction {
  if (key.isComposing) return 'none';
  if (key.key === 'Enter' && !key.shiftKey && !key.altKey) return state.editing ? 'submit-edit' : 'send';
  if (key.key === 'Escape' && state.editing) return 'cancel-edit';
  if (key.key === 'ArrowUp' && state.empty && !state.editing && !key.shiftKey && !key.altKey && !key.ctrlKey && !key.metaKey) return 'edit-last';
  return 'none';
}

/** The character counter: shown from 80 % of the limit (or 100 characters before it). */
export function charCounter(length: number, max: number): { show: boolean; remaining: number; over: boolean } {
  const remaining = max - length;
  return { show: remaining <= Math.min(100, Math.ceil(max * 0.2)), remaining, over: remaining < 0 };
}

/** Counts characters the way people do (code points, so an emoji is one). */
export function charCount(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

export interface PassphraseStrength {
  /** 0 too short, 1 weak, 2 fair, 3 good, 4 strong. */
  score: 0 | 1 | 2 | 3 | 4;
  label: string;
  hint: string;
  /** Rough estimate from length and character classes. */
  bits: number;
}

/** A rough strength estimate from length and character classes (no dictionary). */
export function passphraseStrength(passphrase: string, minLength = 10): PassphraseStrength {
  const length = charCount(passphrase);
  let pool = 0;
  if (/[a-z]/.test(passphrase)) pool += 26;
  if (/[A-Z]/.test(passphrase)) pool += 26;
  if (/[0-9]/.test(passphrase)) pool += 10;
  if (/[^A-Za-z0-9]/.test(passphrase)) pool += 33;
  // Repeated characters add little.
  const distinct = new Set(passphrase).size;
  const effective = Math.min(length, distinct * 2);
  const bits = pool === 0 ? 0 : Math.round(effective * Math.log2(pool));
  if (length < minLength) return { score: 0, label: 'Too short', hint: `Use at least ${minLength} characters.`, bits };
  if (bits < 50) return { score: 1, label: 'Weak', hint: 'Make it longer, or mix in capitals, digits and symbols.', bits };
  if (bits < 70) return { score: 2, label: 'Fair', hint: 'A few more words would make it much stronger.', bits };
  if (bits < 90) return { score: 3, label: 'Good', hint: 'Good. Longer is still better.', bits };
  return { score: 4, label: 'Strong', hint: 'Strong passphrase.', bits };
}

/** Problems with an export passphrase, or null when it can be used. */
export function exportPassphraseError(passphrase: string, confirm: string, minLength = 10): string | null {
  if (charCount(passphrase) < minLength) return `The passphrase must have at least ${minLength} characters.`;
  if (passphrase !== confirm) return 'The passphrases do not match.';
  return null;
}

/** "123451234512345…" (60 digits) as 12 groups of 5; non-digits are ignored. */
export function safetyDigitGroups(digits: string): string[] {
  const clean = digits.replace(/[^0-9]/g, '');
  const groups: string[] = [];
  for (let i = 0; i < clean.length; i += 5) groups.push(clean.slice(i, i + 5));
  return groups;
}

/** One horizontal run of dark QR modules. */
export interface QrRun {
  x: number;
  y: number;
  width: number;
}

/** Merges each row's dark modules into runs, so the SVG needs few <rect>s. */
export function qrRuns(matrix: readonly (readonly boolean[])[]): QrRun[] {
  const runs: QrRun[] = [];
  matrix.forEach((row, y) => {
    let start = -1;
    for (let x = 0; x <= row.length; x++) {
      const dark = x < row.length && row[x] === true;
      if (dark && start < 0) start = x;
      else if (!dark && start >= 0) {
        runs.push({ x: start, y, width: x - start });
        start = -1;
      }
    }
  });
  return runs;
}
