import { Show, type JSX } from 'solid-js';
import { Button, Icon, Spinner } from '@lemon/ui';
import { useConnection } from '../../connection/ConnectionProvider';

/** Shown while the link is down: why, when the next attempt is, and a way to try now. */
export function ReconnectBanner(): JSX.Element {
  const connection = useConnection();
  const seconds = () => connection.retryInSeconds();
  return (
    <div class="banner banner--warn" role="status" data-testid="reconnect-banner" data-retry-at={connection.retryAt() ?? undefined}>
      <Icon name="warning" />
      <div class="banner__text">
        <strong>{connection.issue()?.text ?? 'The connection to the server was lost.'}</strong>
        <span data-testid="reconnect-countdown">
          <Show
            when={seconds() !== null && seconds()! > 0}
            fallback={
              <>
                <Spinner /> Reconnecting…
              </>
            }
          >
            Reconnecting in {seconds()}s…
          </Show>
          <Show when={connection.attempt() > 1}>{` (attempt ${connection.attempt()})`}</Show>
        </span>
      </div>
      <Button size="sm" variant="secondary" icon="refresh" onClick={() => connection.retryNow()} data-testid="reconnect-now">
        Reconnect now
      </Button>
    </div>
  );
}
