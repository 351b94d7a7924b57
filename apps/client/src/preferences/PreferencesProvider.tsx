import { createContext, createEffect, createSignal, useContext, type Accessor, type JSX } from 'solid-js';
import type { ChatStyle } from '@lemon/protocol';
import { cleanMessageStyle, preferencesStore, type Preferences, type Theme } from './store';
import { clampUserVolume, cleanVoiceSettings, type VoiceSettings } from '../voice/voice-settings';

export interface PreferencesApi {
  theme: Accessor<Theme>;
  setTheme(theme: Theme): void;
  messageStyle: Accessor<ChatStyle | null>;
  /** null: send no style (readers see their theme's text). */
  setMessageStyle(style: ChatStyle | null): void;
  voice: Accessor<VoiceSettings>;
  setVoice(patch: Partial<Omit<VoiceSettings, 'volumes'>>): void;
  /** 0..2; 1 removes the entry. */
  setUserVolume(userId: string, volume: number): void;
}

const PreferencesContext = createContext<PreferencesApi>();

function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

export function PreferencesProvider(props: { children: JSX.Element }): JSX.Element {
  const [prefs, setPrefs] = createSignal<Preferences>(preferencesStore.hydrate(storage()));
  createEffect(() => {
    document.documentElement.dataset.theme = prefs().theme;
  });
  const update = (patch: Partial<Preferences>) => {
    const next = { ...prefs(), ...patch };
    setPrefs(next);
    preferencesStore.save(storage(), next);
  };
  const api: PreferencesApi = {
    theme: () => prefs().theme,
    setTheme: (theme) => update({ theme }),
    messageStyle: () => prefs().messageStyle,
    setMessageStyle: (style) => update({ messageStyle: style ? cleanMessageStyle(style) : null }),
    voice: () => prefs().voice,
    setVoice: (patch) => update({ voice: cleanVoiceSettings({ ...prefs().voice, ...patch }) }),
    setUserVolume: (userId, volume) => {
      const volumes = { ...prefs().voice.volumes };
      delete volumes[userId];
      const v = clampUserVolume(volume);
      // Re-added last, so the most recently set volumes survive the cap.
      if (v !== 1) volumes[userId] = v;
      update({ voice: cleanVoiceSettings({ ...prefs().voice, volumes }) });
    },
  };
  return <PreferencesContext.Provider value={api}>{props.children}</PreferencesContext.Provider>;
}

export function usePreferences(): PreferencesApi {
  const api = useContext(PreferencesContext);
  if (!api) throw new Error('usePreferences() outside <PreferencesProvider>');
  return api;
}
