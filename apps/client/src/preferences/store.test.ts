import { DEFAULT_VOICE_SETTINGS } from '../voice/voice-settings';
import { DEFAULT_MESSAGE_STYLE, cleanMessageStyle, preferencesStore } from './store';

const voice = { ...DEFAULT_VOICE_SETTINGS, volumes: {} };

describe('preferencesStore', () => {
  it('defaults to the dark theme and no message style, and survives garbage', () => {
    expect(preferencesStore.default()).toEqual({ theme: 'dark', messageStyle: null, voice });
    for (const raw of [null, 'nope', '{"theme":"neon"}', '[]']) {
      expect(preferencesStore.hydrate({ getItem: () => raw })).toEqual({ theme: 'dark', messageStyle: null, voice });
    }
  });
  it('keeps a valid choice', () => {
    const raw = '{"theme":"light","extra":1,"messageStyle":{"font":"serif","sizePx":20,"color":"#AA00ff"}}';
    expect(preferencesStore.hydrate({ getItem: () => raw })).toEqual({ theme: 'light', messageStyle: { font: 'serif', sizePx: 20, color: '#aa00ff' }, voice });
  });
  it('turns a hostile or stale message style into one the protocol accepts', () => {
    expect(cleanMessageStyle({ font: 'Comic Sans; background:url(x)', sizePx: 400, color: 'red;}' })).toEqual({ ...DEFAULT_MESSAGE_STYLE, sizePx: 30 });
    expect(cleanMessageStyle({ font: 'mono', sizePx: 1.4, color: '#000000' })).toEqual({ font: 'mono', sizePx: 12, color: '#000000' });
    expect(cleanMessageStyle({ sizePx: Number.NaN })).toEqual(DEFAULT_MESSAGE_STYLE);
  });
});
