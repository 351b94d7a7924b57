import { LIMITS } from './limits';
import { nameKey, normalizeChannelName, normalizeDisplayName } from './names';

describe('display names', () => {
  it('trims and folds whitespace, keeps any script and emoji', () => {
    expect(normalizeDisplayName('  Ada    Lovelace ')).toEqual({ ok: true, name: 'Ada Lovelace' });
    expect(normalizeDisplayName('Zoë 🍋')).toEqual({ ok: true, name: 'Zoë 🍋' });
    expect(normalizeDisplayName('李小龙')).toEqual({ ok: true, name: '李小龙' });
    expect(normalizeDisplayName('👩‍👩‍👧')).toEqual({ ok: true, name: '👩‍👩‍👧' });
  });

  it('keeps HTML as plain text (rendering as text is the UI’s job)', () => {
    expect(normalizeDisplayName('<img src=x onerror=alert(1)>')).toEqual({ ok: true, name: '<img src=x onerror=alert(1)>' });
  });

  it('composes to NFC so one name has one form', () => {
    const decomposed = 'Zoe\u0308';
    const check = normalizeDisplayName(decomposed);
    expect(check).toEqual({ ok: true, name: 'Zo\u00eb' });
  });

  it('rejects empty, whitespace-only, over-long, control and bidi-override names', () => {
    expect(normalizeDisplayName('')).toEqual({ ok: false, problem: 'empty' });
    expect(normalizeDisplayName(' \u3000 ')).toEqual({ ok: false, problem: 'empty' });
    expect(normalizeDisplayName('x'.repeat(LIMITS.displayNameMaxChars + 1))).toEqual({ ok: false, problem: 'too_long' });
    expect(normalizeDisplayName('🍋'.repeat(LIMITS.displayNameMaxChars))).toMatchObject({ ok: true });
    expect(normalizeDisplayName('a\u0000b')).toEqual({ ok: false, problem: 'forbidden_characters' });
    expect(normalizeDisplayName('evil\u202Egnp.exe')).toEqual({ ok: false, problem: 'forbidden_characters' });
    expect(normalizeDisplayName('tab\there')).toEqual({ ok: false, problem: 'forbidden_characters' });
    expect(normalizeDisplayName('line\nbreak')).toEqual({ ok: false, problem: 'forbidden_characters' });
  });

  it('refuses invisible and look-alike tricks: zero-width and format characters, fillers, private use, lone surrogates', () => {
    for (const raw of ['Alice\u200B', '\u200B', '\u3164', '\u115F\u1160', 'Al\u00ADice', 'A\uD800', 'x\uE000', 'tag\u{E0041}', '\u2800', 'a\u2028b']) {
      expect({ raw, check: normalizeDisplayName(raw) }).toEqual({ raw, check: { ok: false, problem: expect.any(String) } });
    }
    expect(normalizeDisplayName('\u0301\u0301')).toEqual({ ok: false, problem: 'empty' });
  });

  it('collides on case and compatibility width', () => {
    expect(nameKey('ALICE')).toBe(nameKey('alice'));
    expect(nameKey('ａｌｉｃｅ')).toBe(nameKey('alice'));
    expect(nameKey('alice')).not.toBe(nameKey('alicia'));
    expect(nameKey('al\u200Dice')).toBe(nameKey('alice'));
  });

  it('channel names have their own, longer limit', () => {
    expect(normalizeChannelName('x'.repeat(LIMITS.channelNameMaxChars))).toMatchObject({ ok: true });
    expect(normalizeChannelName('x'.repeat(LIMITS.channelNameMaxChars + 1))).toEqual({ ok: false, problem: 'too_long' });
  });
});
