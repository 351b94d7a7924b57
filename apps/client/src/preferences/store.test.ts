import { preferencesStore } from './store';

describe('preferencesStore', () => {
  it('defaults to the dark theme and survives garbage', () => {
    expect(preferencesStore.default()).toEqual({ theme: 'dark' });
    for (const raw of [null, 'nope', '{"theme":"neon"}', '[]']) {
      expect(preferencesStore.hydrate({ getItem: () => raw })).toEqual({ theme: 'dark' });
    }
  });
  it('keeps a valid choice', () => {
    expect(preferencesStore.hydrate({ getItem: () => '{"theme":"light","extra":1}' })).toEqual({ theme: 'light' });
  });
});
