import { createContext, createSignal, useContext, type Accessor, type JSX } from 'solid-js';
import { forgetServer, rememberServer, serversStore, type SavedServer } from './store';
import type { ServerAddress } from './address';

export interface ServersApi {
  /** Remembered servers, most recently used first. */
  list: Accessor<readonly SavedServer[]>;
  remember(server: SavedServer): void;
  forget(server: Pick<ServerAddress, 'host' | 'port'>): void;
}

const ServersContext = createContext<ServersApi>();

function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // access can throw when storage is disabled
  }
}

export function ServersProvider(props: { children: JSX.Element }): JSX.Element {
  const [state, setState] = createSignal(serversStore.hydrate(storage()));
  const update = (next: ReturnType<typeof serversStore.default>) => {
    setState(next);
    serversStore.save(storage(), next);
  };
  const api: ServersApi = {
    list: () => state().servers,
    remember: (server) => update(rememberServer(state(), server)),
    forget: (server) => update(forgetServer(state(), server)),
  };
  return <ServersContext.Provider value={api}>{props.children}</ServersContext.Provider>;
}

export function useServers(): ServersApi {
  const api = useContext(ServersContext);
  if (!api) throw new Error('useServers() outside <ServersProvider>');
  return api;
}
