import { createContext, onCleanup, useContext, type JSX } from 'solid-js';
import { openChatModel } from '../chat/chat-model';
import { useIdentity } from '../identity/IdentityProvider';
import { useNotices } from '../notices/NoticesProvider';
import { usePreferences } from '../preferences/PreferencesProvider';
import { createConnectionController, type ConnectionController } from './controller';
import { reconnectPolicyFromQuery } from './debug-options';

const ConnectionContext = createContext<ConnectionController>();

export function ConnectionProvider(props: { children: JSX.Element }): JSX.Element {
  const identity = useIdentity();
  const notices = useNotices();
  const prefs = usePreferences();
  // A test/diagnostic knob (see debug-options.ts), read once at startup.
  const reconnect = reconnectPolicyFromQuery(window.location.search);
  const controller: ConnectionController = createConnectionController({
    identity: () => identity.identity(),
    openChat: async (session, serverUrl) => {
      const state = identity.state();
      if (state.status !== 'ready') return null;
      return openChatModel({
        session,
        serverUrl,
        identity: state.loaded.identity,
        wrappingKey: state.loaded.wrappingKey,
        users: () => controller.world.users,
        selfId: () => controller.world.selfId,
        style: () => prefs.messageStyle(),
        notify: (text, tone) => notices.show(text, tone),
      });
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
