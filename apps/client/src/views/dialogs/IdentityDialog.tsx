import { createSignal, Show, type JSX } from 'solid-js';
import { Avatar, Button, Dialog, Icon } from '@lemon/ui';
import { useConnection } from '../../connection/ConnectionProvider';
import { useIdentity } from '../../identity/IdentityProvider';
import { useModals } from '../../modals/ModalsProvider';

/** "My identity": the user id and the fingerprint others compare to verify this person. */
export function IdentityDialog(props: { onClose: () => void }): JSX.Element {
  const identity = useIdentity();
  const connection = useConnection();
  const modals = useModals();
  const [copied, setCopied] = createSignal(false);
  const openedFromDisk = window.location.protocol === 'file:';
  const loaded = () => {
    const s = identity.state();
    return s.status === 'ready' ? s.loaded : null;
  };
  const copy = (text: string) => {
    navigator.clipboard?.writeText(text).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  };
  return (
    <Dialog title="My identity" description="Your identity is a key pair made in this browser. The server never sees the secret half." onClose={props.onClose} width="md" data-testid="identity-dialog">
      <Show when={loaded()}>
        {(l) => (
          <div class="identity">
            <div class="identity__who">
              <Avatar id={l().identity.userId} name={connection.self()?.displayName ?? '?'} size="lg" />
              <div>
                <div class="identity__name">{connection.self()?.displayName ?? 'Not connected'}</div>
                <div class="identity__meta">Made {new Date(l().createdAt).toLocaleString()}</div>
              </div>
            </div>
            <div class="identity__field">
              <span class="details__label">Fingerprint</span>
              <div class="fingerprint mono" data-testid="identity-fingerprint">
                {l().identity.fingerprint}
              </div>
              <span class="lc-field__hint">Read it out to a friend, or compare it side by side, to make sure nobody is posing as you.</span>
            </div>
            <div class="identity__field">
              <span class="details__label">User ID</span>
              <code class="mono identity__id" data-testid="identity-user-id">
                {l().identity.userId}
              </code>
            </div>
            <Show
              when={l().persisted}
              fallback={
                <div class="callout callout--error" role="alert" data-testid="identity-not-saved">
                  <Icon name="warning" />
                  <span>This browser does not let Lemon Chat save your identity. It will be lost when you close this page.</span>
                </div>
              }
            >
              <div class="callout callout--ok" data-testid="identity-saved">
                <Icon name="shield" />
                <span>Saved in this browser profile, encrypted with a key that cannot be read out of the browser.</span>
              </div>
            </Show>
            <Show when={openedFromDisk}>
              <p class="lc-field__hint identity__note" data-testid="identity-file-note">
                Opened from disk: every local HTML file shares this browser’s storage for files, so for daily use prefer the page served by your server.
              </p>
            </Show>
            <div class="identity__actions">
              <Button size="sm" icon={copied() ? 'check' : 'copy'} onClick={() => copy(l().identity.fingerprint)}>
                {copied() ? 'Copied' : 'Copy fingerprint'}
              </Button>
              <Button size="sm" icon="key" onClick={() => modals.open({ kind: 'backup', mode: 'export' })} data-testid="backup-export-open">
                Back up to a file…
              </Button>
              <Button size="sm" variant="ghost" onClick={() => modals.open({ kind: 'backup', mode: 'import' })} data-testid="backup-import-open">
                Import from a file…
              </Button>
            </div>
          </div>
        )}
      </Show>
    </Dialog>
  );
}
