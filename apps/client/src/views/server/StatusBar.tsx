import { Show, type JSX } from 'solid-js';
import { countLabel } from '@lemon/ui';
import { useConnection } from '../../connection/ConnectionProvider';
import { addressLabel } from '../../servers/address';

/** One quiet line at the bottom: where we are connected and how many people are here. */
export function StatusBar(): JSX.Element {
  const connection = useConnection();
  const userCount = () => Object.values(connection.world.users).filter(Boolean).length;
  const channelCount = () => Object.values(connection.world.channels).filter(Boolean).length;
  return (
    <footer class="statusbar" data-testid="status-bar">
      <Show when={connection.target()}>
        {(t) => (
          <span>
            {connection.phase() === 'online' ? 'Connected to ' : 'Server '}
            <span class="mono">{addressLabel(t())}</span>
            {t().secure ? ' (wss)' : ''}
          </span>
        )}
      </Show>
      <span class="statusbar__sep" aria-hidden="true">
        ·
      </span>
      <span data-testid="user-count">{countLabel(userCount(), 'person', 'people')} online</span>
      <span class="statusbar__sep" aria-hidden="true">
        ·
      </span>
      <span>{countLabel(channelCount(), 'channel', 'channels')}</span>
      <span class="statusbar__spacer" />
      <span class="statusbar__e2ee">End-to-end encrypted identity</span>
    </footer>
  );
}
