// Preferences (theme, own message style, voice settings): a small saved store with default / clean / hydrate.
import { CHAT_FONTS, LIMITS, type ChatStyle } from '@lemon/protocol';
import { DEFAULT_VOICE_SETTINGS, cleanVoiceSettings, type VoiceSettings } from '../voice/voice-settings';

export type Theme = 'dark' | 'light';

export interface Preferences {
  theme: Theme;
  /**
   * How one's own messages look to everyone (sent inside the encrypted payload); null sends no
   * style, so each reader sees their theme's text (a fixed colour can vanish on a light theme).
   */
  messageStyle: ChatStyle | null;
  voice: VoiceSettings;
}

export const PREFERENCES_STORAGE_KEY = 'lemon.preferences.v1';

/** Where the style picker starts when no style is chosen yet. */
export const DEFAULT_MESSAGE_STYLE: ChatStyle = Object.freeze({ font: 'sans', sizePx: 14, color: '#3b82f6' });

/** A style the protocol accepts, whatever was stored (unknown font, size out of range, bad colour). */
export function cleanMessageStyle(input: unknown): ChatStyle {
  const v = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
  const font = (CHAT_FONTS as readonly unknown[]).includes(v.font) ? (v.font as ChatStyle['font']) : DEFAULT_MESSAGE_STYLE.font;
  const size = typeof v.sizePx === 'number' && Number.isFinite(v.sizePx) ? Math.round(v.sizePx) : DEFAULT_MESSAGE_STYLE.sizePx;
  const sizePx = Math.min(LIMITS.chatFontMaxPx, Math.max(LIMITS.chatFontMinPx, size));
  const color = typeof v.color === 'string' && /^#[0-9a-fA-F]{6}$/.test(v.color) ? v.color.toLowerCase() : DEFAULT_MESSAGE_STYLE.color;
  return { font, sizePx, color };
}

export const preferencesStore = {
  default(): Preferences {
    return { theme: 'dark', messageStyle: null, voice: { ...DEFAULT_VOICE_SETTINGS, volumes: {} } };
  },
  clean(input: unknown): Preferences {
    const v = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
    return {
      theme: v.theme === 'light' ? 'light' : 'dark',
      messageStyle: v.messageStyle ? cleanMessageStyle(v.messageStyle) : null,
      voice: cleanVoiceSettings(v.voice),
    };
  },
  hydrate(storage: Pick<Storage, 'getItem'> | null | undefined): Preferences {
    try {
      const raw = storage?.getItem(PREFERENCES_STORAGE_KEY);
      return raw ? preferencesStore.clean(JSON.parse(raw)) : preferencesStore.default();
    } catch {
      return preferencesStore.default();
    }
  },
  save(storage: Pick<Storage, 'setItem'> | null | undefined, prefs: Preferences): void {
    try {
      storage?.setItem(PREFERENCES_STORAGE_KEY, JSON.stringify(preferencesStore.clean(prefs)));
    } catch {
      // not saved; the choice still applies to this page
    }
  },
};
