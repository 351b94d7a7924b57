import { createContext, onCleanup, useContext, type JSX } from 'solid-js';
import { MlsClient } from '@lemon/crypto-wasm';
import { useIdentity } from '../identity/IdentityProvider';
import { useNotices } from '../notices/NoticesProvider';
import { createConnectionController, type ConnectionController } from './controller';
import { reconnectPolicyFromQuery } from './debug-options';

const ConnectionContext = createContext<ConnectionController>();

export function ConnectionProvider(props: { children: JSX.Element }): JSX.Element {
  const identity = useIdentity();
  const notices = useNotices();
  // A test/diagnostic knob (see debug-options.ts), read once at startup.
  const reconnect = reconnectPolicyFromQuery(window.location.search);
  const controller = createConnectionController({
    identity: () => identity.identity(),
    mlsClient: () => {
      const id = identity.identity();
      if (!id) return null;
      const secret = id.exportSecretKey();
      try {
        return MlsClient.create(secret);
      } finally {
        secret.fill(0);
      }
    },
    ...(reconnect ? { sessionOptions: { reconnect } } : {}),
    notify: (text, tone) => notices.show(text, tone),
  });
  // Back from a network outage: try at once instead of waiting out the backoff.
  const onOnline = () => controller.retryNow();
  window.addEventListener('online', onOnline);
  onCleanup(() => {
    window.removeEventListener('online', onOnline);
    controller.dispose();
  });
  return <ConnectionContext.Provider value={controller}>{props.children}</ConnectionContext.Provider>;
}

export function useConnection(): ConnectionController {
  const controller = useContext(ConnectionContext);
  if (!controller) throw new Error('useConnection() outside <ConnectionProvider>');
  return controller;
}
