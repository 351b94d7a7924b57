import { createContext, createEffect, createSignal, useContext, type Accessor, type JSX } from 'solid-js';
import { preferencesStore, type Preferences, type Theme } from './store';

export interface PreferencesApi {
  theme: Accessor<Theme>;
  setTheme(theme: Theme): void;
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
  const api: PreferencesApi = {
    theme: () => prefs().theme,
    setTheme(theme) {
      const next = { ...prefs(), theme };
      setPrefs(next);
      preferencesStore.save(storage(), next);
    },
  };
  return <PreferencesContext.Provider value={api}>{props.children}</PreferencesContext.Provider>;
}

export function usePreferences(): PreferencesApi {
  const api = useContext(PreferencesContext);
  if (!api) throw new Error('usePreferences() outside <PreferencesProvider>');
  return api;
}
