import { createContext, createSignal, onMount, useContext, type Accessor, type JSX } from 'solid-js';
import type { Identity } from '@lemon/crypto-wasm';
import { loadCrypto } from '../crypto/load';
import { describeError } from '../connection/errors';
import { IdentityStoreError, importIdentity, loadOrCreateIdentity, replaceIdentity, type LoadedIdentity } from './store';

export type IdentityState =
  | { status: 'loading' }
  | { status: 'ready'; loaded: LoadedIdentity }
  | { status: 'error'; message: string; canReplace: boolean };

export interface IdentityApi {
  state: Accessor<IdentityState>;
  /** The identity once ready, else null. */
  identity: Accessor<Identity | null>;
  /** Throws away the stored identity and makes a new one (only after the user confirmed). */
  replace(): Promise<void>;
  /** Replaces the identity with one from a backup (the secret is wiped here once stored). */
  importSecret(secret: Uint8Array): Promise<void>;
}

const IdentityContext = createContext<IdentityApi>();

export function IdentityProvider(props: { children: JSX.Element }): JSX.Element {
  const [state, setState] = createSignal<IdentityState>({ status: 'loading' });
  const run = async (load: () => Promise<LoadedIdentity>) => {
    setState({ status: 'loading' });
    try {
      await loadCrypto();
      setState({ status: 'ready', loaded: await load() });
    } catch (error) {
      setState({ status: 'error', message: describeError(error), canReplace: error instanceof IdentityStoreError });
    }
  };
  onMount(() => void run(() => loadOrCreateIdentity()));
  const api: IdentityApi = {
    state,
    identity: () => {
      const s = state();
      return s.status === 'ready' ? s.loaded.identity : null;
    },
    replace: () => run(() => replaceIdentity()),
    importSecret: (secret) =>
      run(async () => {
        try {
          return await importIdentity(secret);
        } finally {
          secret.fill(0);
        }
      }),
  };
  return <IdentityContext.Provider value={api}>{props.children}</IdentityContext.Provider>;
}

export function useIdentity(): IdentityApi {
  const api = useContext(IdentityContext);
  if (!api) throw new Error('useIdentity() outside <IdentityProvider>');
  return api;
}
