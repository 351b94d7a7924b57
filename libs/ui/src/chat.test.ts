import {
  charCounter,
  clampStyle,
  composerKeyAction,
  exportPassphraseError,
  fitBox,
  formatTime,
  groupMessages,
  groupStarts,
  GROUP_GAP_MS,
  isAtBottom,
  messageStyleCss,
  passphraseStrength,
  qrRuns,
  safePictureUrl,
  safetyDigitGroups,
  unreadLabel,
  type GroupableItem,
} from './chat';

describe('clampStyle', () => {
  it('keeps valid styles and lower-cases the colour', () => {
    expect(clampStyle({ font: 'serif', sizePx: 18, color: '#A0B1C2' })).toEqual({ font: 'serif', sizePx: 18, color: '#a0b1c2' });
  });
  it('clamps the size to 12–30 px and defaults non-numbers', () => {
    expect(clampStyle({ font: 'mono', sizePx: 4, color: '#000000' }).sizePx).toBe(12);
    expect(clampStyle({ font: 'mono', sizePx: 400, color: '#000000' }).sizePx).toBe(30);
    expect(clampStyle({ font: 'mono', sizePx: 17.6, color: '#000000' }).sizePx).toBe(18);
    expect(clampStyle({ font: 'mono', sizePx: Number.NaN, color: '#000000' }).sizePx).toBe(14);
    expect(clampStyle({ font: 'mono', sizePx: Infinity, color: '#000000' }).sizePx).toBe(14);
    expect(clampStyle({ font: 'mono', sizePx: '20' as unknown as number, color: '#000000' }).sizePx).toBe(14);
  });
  it('drops unknown fonts and anything but #rrggbb colours', () => {
    const hostile = [
      'red',
      '#fff',
      '#12345g',
      'url(https://evil.example/x.png)',
      '#123456; background: url(x)',
      'expression(alert(1))',
      ' #123456',
      '#1234567',
    ];
    for (const color of hostile) expect(clampStyle({ font: 'sans', sizePx: 14, color }).color).toBeNull();
    for (const font of ['Comic Sans', "x'; } body { display:none", 'constructor', '__proto__', 'toString', ''])
      expect(clampStyle({ font, sizePx: 14, color: '#000000' }).font).toBe('sans');
  });
  it('handles missing styles', () => {
    expect(clampStyle(undefined)).toEqual({ font: 'sans', sizePx: 14, color: null });
    expect(clampStyle(null)).toEqual({ font: 'sans', sizePx: 14, color: null });
  });
  it('maps to CSS properties from the fixed stacks only', () => {
    expect(messageStyleCss(undefined)).toBeUndefined();
    expect(messageStyleCss({ font: 'mono', sizePx: 99, color: 'javascript:alert(1)' })).toEqual({ 'font-family': 'var(--lc-font-mono)', 'font-size': '30px' });
    expect(messageStyleCss({ font: 'serif', sizePx: 16, color: '#00ff00' })).toMatchObject({ 'font-size': '16px', color: '#00ff00' });
    expect(messageStyleCss({ font: 'serif', sizePx: 16, color: '#00ff00' })!['font-family']).toContain('serif');
  });
});

describe('unreadLabel', () => {
  it('shows nothing, counts, then 99+', () => {
    expect(unreadLabel(0)).toBe('');
    expect(unreadLabel(-3)).toBe('');
    expect(unreadLabel(Number.NaN)).toBe('');
    expect(unreadLabel(1)).toBe('1');
    expect(unreadLabel(99)).toBe('99');
    expect(unreadLabel(100)).toBe('99+');
  });
});

describe('groupMessages', () => {
  const t0 = Date.UTC(2026, 0, 1, 12, 0, 0);
  const msg = (id: string, author: string, minutes: number, kind: GroupableItem['kind'] = 'text'): GroupableItem => ({
    id,
    author: { id: author },
    at: t0 + minutes * 60_000,
    kind,
  });
  it('groups consecutive messages by the same author', () => {
    const groups = groupMessages([msg('1', 'a', 0), msg('2', 'a', 1), msg('3', 'b', 2), msg('4', 'a', 3), msg('5', 'a', 3, 'picture')]);
    expect(groups.map((g) => g.items.map((i) => i.id))).toEqual([['1', '2'], ['3'], ['4', '5']]);
    expect(groups.map((g) => g.key)).toEqual(['1', '3', '4']);
  });
  it('splits after a long gap or a time going backwards', () => {
    const gapMinutes = GROUP_GAP_MS / 60_000;
    expect(groupMessages([msg('1', 'a', 0), msg('2', 'a', gapMinutes), msg('3', 'a', gapMinutes * 2 + 1)]).map((g) => g.key)).toEqual(['1', '3']);
    expect(groupMessages([msg('1', 'a', 5), msg('2', 'a', 1)]).map((g) => g.key)).toEqual(['1', '2']);
  });
  it('keeps system lines and pokes on their own and breaks groups around them', () => {
    const items = [msg('1', 'a', 0), msg('s', 'a', 0, 'system'), msg('2', 'a', 0), msg('p', 'a', 0, 'poke'), msg('q', 'a', 0, 'poke'), msg('3', 'a', 0)];
    expect(groupMessages(items).map((g) => g.key)).toEqual(['1', 's', '2', 'p', 'q', '3']);
    expect([...groupStarts(items)]).toEqual(['1', 's', '2', 'p', 'q', '3']);
  });
  it('handles an empty list', () => {
    expect(groupMessages([])).toEqual([]);
  });
});

describe('formatTime', () => {
  it('shows only the time today and adds the date otherwise', () => {
    const now = new Date(2026, 5, 15, 18, 0).getTime();
    const today = formatTime(new Date(2026, 5, 15, 9, 5).getTime(), now, 'en-GB');
    expect(today).toBe('09:05');
    const earlier = formatTime(new Date(2026, 5, 14, 9, 5).getTime(), now, 'en-GB');
    expect(earlier).toContain('14');
    expect(earlier).toContain('09:05');
    expect(formatTime(Number.NaN, now)).toBe('');
  });
});

describe('safePictureUrl', () => {
  it('allows object URLs and inline raster images only', () => {
    expect(safePictureUrl('blob:https://chat.example/3f1c')).toBe('blob:https://chat.example/3f1c');
    expect(safePictureUrl('data:image/png;base64,iVBORw0KGgo=')).toBe('data:image/png;base64,iVBORw0KGgo=');
    for (const url of ['javascript:alert(1)', 'https://tracker.example/p.gif', 'data:image/svg+xml;base64,PHN2Zz4=', 'data:text/html,<b>', '', undefined, null])
      expect(safePictureUrl(url)).toBeNull();
  });
});

describe('fitBox', () => {
  it('fits into 320 × 320 keeping the aspect ratio, never enlarging', () => {
    expect(fitBox(1600, 800)).toEqual({ width: 320, height: 160 });
    expect(fitBox(800, 1600)).toEqual({ width: 160, height: 320 });
    expect(fitBox(100, 50)).toEqual({ width: 100, height: 50 });
    expect(fitBox(undefined, undefined)).toEqual({ width: 320, height: 240 });
    expect(fitBox(-5, 0)).toEqual({ width: 320, height: 240 });
  });
});

describe('isAtBottom', () => {
  it('treats "nearly at the bottom" as at the bottom', () => {
    expect(isAtBottom(600, 1000, 400)).toBe(true);
    expect(isAtBottom(560, 1000, 400)).toBe(true);
    expect(isAtBottom(300, 1000, 400)).toBe(false);
  });
});

describe('composerKeyAction', () => {
  const idle = { empty: false, editing: false };
  it('sends on Enter and leaves Shift+Enter to the textarea', () => {
    expect(composerKeyAction({ key: 'Enter' }, idle)).toBe('send');
    expect(composerKeyAction({ key: 'Enter', shiftKey: true }, idle)).toBe('none');
    expect(composerKeyAction({ key: 'Enter', isComposing: true }, idle)).toBe('none');
  });
  it('submits or cancels an edit', () => {
    expect(composerKeyAction({ key: 'Enter' }, { empty: false, editing: true })).toBe('submit-edit');
    expect(composerKeyAction({ key: 'Escape' }, { empty: false, editing: true })).toBe('cancel-edit');
    expect(composerKeyAction({ key: 'Escape' }, idle)).toBe('none');
  });
  it('edits the last message with ArrowUp only in an empty composer', () => {
    expect(composerKeyAction({ key: 'ArrowUp' }, { empty: true, editing: false })).toBe('edit-last');
    expect(composerKeyAction({ key: 'ArrowUp' }, idle)).toBe('none');
    expect(composerKeyAction({ key: 'ArrowUp' }, { empty: true, editing: true })).toBe('none');
    expect(composerKeyAction({ key: 'ArrowUp', ctrlKey: true }, { empty: true, editing: false })).toBe('none');
  });
});

describe('charCounter', () => {
  it('appears near the limit and flags going over', () => {
    expect(charCounter(10, 4000)).toEqual({ show: false, remaining: 3990, over: false });
    expect(charCounter(3950, 4000)).toEqual({ show: true, remaining: 50, over: false });
    expect(charCounter(4001, 4000)).toEqual({ show: true, remaining: -1, over: true });
    expect(charCounter(70, 100).show).toBe(false);
    expect(charCounter(85, 100).show).toBe(true);
  });
});

describe('passphrase', () => {
  it('rates by length and character classes', () => {
    expect(passphraseStrength('short').score).toBe(0);
    expect(passphraseStrength('aaaaaaaaaaaa').score).toBe(1);
    expect(passphraseStrength('abcdefghij').score).toBe(1);
    expect(passphraseStrength('abcdefghijkl').score).toBe(2);
    expect(passphraseStrength('correct horse battery').score).toBeGreaterThanOrEqual(3);
    expect(passphraseStrength('Tr0ub4dor&3-Xy!zQ#9wv').score).toBe(4);
    const scores = ['abcdefghij', 'abcdefghijklmnop', 'abcdefghijklmnopqrstu', 'Abcdefgh1!jklmnopqrstuvw'].map((p) => passphraseStrength(p).score);
    expect([...scores].sort()).toEqual(scores);
  });
  it('requires 10 characters and a matching confirmation', () => {
    expect(exportPassphraseError('123456789', '123456789')).toMatch(/at least 10/);
    expect(exportPassphraseError('1234567890', '1234567899')).toMatch(/do not match/);
    expect(exportPassphraseError('1234567890', '1234567890')).toBeNull();
    expect(exportPassphraseError('🍋🍋🍋🍋🍋🍋🍋🍋🍋', '🍋🍋🍋🍋🍋🍋🍋🍋🍋')).toMatch(/at least 10/);
  });
});

describe('safetyDigitGroups', () => {
  it('splits 60 digits into 12 groups of 5', () => {
    const digits = Array.from({ length: 60 }, (_, i) => String(i % 10)).join('');
    const groups = safetyDigitGroups(digits);
    expect(groups).toHaveLength(12);
    expect(groups.every((g) => /^[0-9]{5}$/.test(g))).toBe(true);
    expect(groups.join('')).toBe(digits);
    expect(safetyDigitGroups('12345 67890\n<b>')).toEqual(['12345', '67890']);
  });
});

describe('qrRuns', () => {
  it('merges dark modules into horizontal runs', () => {
    const m = [
      [true, true, false, true],
      [false, false, false, false],
      [true, true, true, true],
    ];
    expect(qrRuns(m)).toEqual([
      { x: 0, y: 0, width: 2 },
      { x: 3, y: 0, width: 1 },
      { x: 0, y: 2, width: 4 },
    ]);
  });
});
