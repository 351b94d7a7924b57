import { createEffect, Match, Switch, type JSX } from 'solid-js';
import { Button, Icon, LemonMark, Spinner, ToastList } from '@lemon/ui';
import { useConnection } from '../connection/ConnectionProvider';
import { useIdentity } from '../identity/IdentityProvider';
import { useModals } from '../modals/ModalsProvider';
import { useNotices } from '../notices/NoticesProvider';
import { ConnectScreen } from './connect/ConnectScreen';
import { ModalHost } from './dialogs/ModalHost';
import { ServerView } from './server/ServerView';

/** Which screen shows: identity first, then the connect screen until online, then the server. */
export function App(): JSX.Element {
  const identity = useIdentity();
  const connection = useConnection();
  const notices = useNotices();
  const modals = useModals();

  // Channel and chat dialogs make no sense once disconnected; identity ones still do.
  const OFFLINE_MODALS = new Set(['identity', 'backup', 'messageStyle']);
  createEffect(() => {
    const open = modals.current();
    if (connection.phase() === 'disconnected' && open && !OFFLINE_MODALS.has(open.kind)) modals.close();
  });

  const state = () => identity.state();
  const error = () => {
    const s = state();
    return s.status === 'error' ? s : null;
  };

  return (
    <>
      <Switch>
        <Match when={state().status === 'loading'}>
          <main class="splash" data-testid="splash">
            <LemonMark size={48} />
            <p>
              <Spinner /> Preparing your identity…
            </p>
          </main>
        </Match>
        <Match when={error()}>
          {(e) => (
            <main class="splash" data-testid="identity-error">
              <Icon name="warning" size={40} />
              <h1 class="splash__title">Your identity could not be loaded</h1>
              <p class="splash__text" role="alert">
                {e().message}
              </p>
              <div class="splash__actions">
                <Button variant="secondary" icon="refresh" onClick={() => location.reload()}>
                  Try again
                </Button>
                {e().canReplace ? (
                  <Button
                    variant="danger"
                    onClick={() => {
                      if (confirm('Make a new identity? The old one is lost for good, and servers will see you as a new person.')) void identity.replace();
                    }}
                  >
                    Make a new identity
                  </Button>
                ) : null}
              </div>
            </main>
          )}
        </Match>
        <Match when={connection.phase() === 'disconnected' || connection.phase() === 'connecting'}>
          <ConnectScreen />
        </Match>
        <Match when={true}>
          <ServerView />
        </Match>
      </Switch>
      <ModalHost />
      <ToastList toasts={notices.list()} onDismiss={notices.dismiss} />
    </>
  );
}
