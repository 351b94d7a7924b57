import { createContext, createEffect, createSignal, useContext, type Accessor, type JSX } from 'solid-js';
import type { ChatStyle } from '@lemon/protocol';
import { cleanMessageStyle, preferencesStore, type Preferences, type Theme } from './store';

export interface PreferencesApi {
  theme: Accessor<Theme>;
  setTheme(theme: Theme): void;
  messageStyle: Accessor<ChatStyle | null>;
  /** null: send no style (readers see their theme's text). */
  setMessageStyle(style: ChatStyle | null): void;
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
  };
  return <PreferencesContext.Provider value={api}>{props.children}</PreferencesContext.Provider>;
}

export function usePreferences(): PreferencesApi {
  const api = useContext(PreferencesContext);
  if (!api) throw new Error('usePreferences() outside <PreferencesProvider>');
  return api;
}
