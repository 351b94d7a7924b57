import { countLabel, hueFor, initials } from './text';

describe('text helpers', () => {
  it('makes initials from names in any script, skipping symbols', () => {
    expect(initials('Ada Lovelace')).toBe('AL');
    expect(initials('bob')).toBe('B');
    expect(initials('Grace Brewster Hopper')).toBe('GB');
    expect(initials('  ')).toBe('?');
    expect(initials('😀 Smile')).toBe('S');
    expect(initials('Yuki 🎧')).toBe('Y');
    expect(initials('<img src=x>')).toBe('IS');
    expect(initials('élodie')).toBe('É');
    expect(initials('雪')).toBe('雪');
  });
  it('gives stable hues in range', () => {
    expect(hueFor('abc')).toBe(hueFor('abc'));
    for (const id of ['', 'a', 'f'.repeat(32)]) expect(hueFor(id)).toBeGreaterThanOrEqual(0);
    expect(hueFor('f'.repeat(32))).toBeLessThan(360);
  });
  it('counts', () => {
    expect(countLabel(1, 'user', 'users')).toBe('1 user');
    expect(countLabel(0, 'user', 'users')).toBe('0 users');
  });
});
