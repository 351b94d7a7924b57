// Display preferences (theme): a small saved store with default / clean / hydrate.

export type Theme = 'dark' | 'light';

export interface Preferences {
  theme: Theme;
}

export const PREFERENCES_STORAGE_KEY = 'lemon.preferences.v1';

export const preferencesStore = {
  default(): Preferences {
    return { theme: 'dark' };
  },
  clean(input: unknown): Preferences {
    const v = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
    return { theme: v.theme === 'light' ? 'light' : 'dark' };
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
