import { createSignal, For, Show, type JSX } from 'solid-js';
import { normalizeDisplayName } from '@lemon/protocol';
import { Avatar, Button, IconButton, LemonMark, TextField, Icon } from '@lemon/ui';
import { useConnection } from '../../connection/ConnectionProvider';
import { nameProblemText } from '../../connection/errors';
import { useIdentity } from '../../identity/IdentityProvider';
import { useModals } from '../../modals/ModalsProvider';
import { addressLabel, defaultAddress, parseServerAddress } from '../../servers/address';
import { useServers } from '../../servers/ServersProvider';
import type { SavedServer } from '../../servers/store';

/** Host, port and nickname; remembered servers; the identity this browser uses. */
export function ConnectScreen(): JSX.Element {
  const connection = useConnection();
  const servers = useServers();
  const identity = useIdentity();
  const modals = useModals();

  const pageAddress = defaultAddress(globalThis.location);
  const servedByServer = globalThis.location?.protocol === 'http:' || globalThis.location?.protocol === 'https:';
  const last = servers.list()[0];
  const initial = servedByServer || !last ? pageAddress : last;
  const [host, setHost] = createSignal(initial.host);
  const [port, setPort] = createSignal(String(initial.port));
  const [secure, setSecure] = createSignal(initial.secure);
  const [nickname, setNickname] = createSignal(last?.nickname ?? '');
  const [touched, setTouched] = createSignal(false);

  const address = () => parseServerAddress(host(), port(), secure());
  const name = () => normalizeDisplayName(nickname());
  const hostError = () => {
    const a = address();
    return touched() && !a.ok && a.field === 'host' ? a.problem : null;
  };
  const portError = () => {
    const a = address();
    return touched() && !a.ok && a.field === 'port' ? a.problem : null;
  };
  const nameError = () => {
    const n = name();
    // Forbidden characters are flagged as soon as they are typed; the rest on submit.
    if (!n.ok && (touched() || n.problem !== 'empty')) return nameProblemText(n.problem);
    return null;
  };
  const busy = () => connection.phase() === 'connecting';

  const submit = async () => {
    setTouched(true);
    const a = address();
    const n = name();
    if (!a.ok || !n.ok) return;
    try {
      await connection.connect({ ...a.address, displayName: n.name });
      servers.remember({ ...a.address, nickname: n.name, serverName: connection.world.serverName, lastUsedAt: Date.now() });
    } catch {
      // The controller's issue() says why; it is shown below the form.
    }
  };

  const pick = (server: SavedServer) => {
    setHost(server.host);
    setPort(String(server.port));
    setSecure(server.secure);
    if (server.nickname) setNickname(server.nickname);
  };

  const ready = () => identity.identity() !== null;
  const fingerprint = () => identity.identity()?.fingerprint ?? '';

  return (
    <main class="connect" data-testid="connect-screen">
      <section class="connect__card">
        <div class="connect__brand">
          <div class="connect__logo">
            <LemonMark size={40} />
            <div>
              <h1 class="connect__title">Lemon Chat</h1>
              <p class="connect__tagline">Voice and text chat, end-to-end encrypted, on your own server.</p>
            </div>
          </div>
          <ul class="connect__points">
            <li>
              <Icon name="shield" /> Your key never leaves this browser.
            </li>
            <li>
              <Icon name="server" /> The server sees who is where — not what you say.
            </li>
          </ul>
          <div class="identity-chip" data-testid="identity-chip">
            <Show when={ready()} fallback={<span class="identity-chip__label">Preparing your identity…</span>}>
              <Avatar id={identity.identity()!.userId} name={nickname() || '?'} size="md" />
              <div class="identity-chip__text">
                <span class="identity-chip__label">Your identity</span>
                <span class="identity-chip__fp mono" data-testid="identity-fingerprint-short" title={fingerprint()}>
                  {fingerprint().split(' ').slice(0, 3).join(' ')} …
                </span>
              </div>
              <Button size="sm" variant="ghost" onClick={() => modals.open({ kind: 'identity' })} data-testid="open-identity">
                Details
              </Button>
            </Show>
          </div>
        </div>

        <form
          class="connect__form"
          noValidate
          aria-label="Connect to a server"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <h2 class="connect__heading">Connect to a server</h2>
          <div class="connect__row">
            <TextField
              class="connect__host"
              label="Server address"
              value={host()}
              onValue={setHost}
              error={hostError()}
              autocomplete="off"
              spellcheck={false}
              placeholder="chat.example.org"
              data-testid="host-input"
            />
            <TextField
              class="connect__port"
              label="Port"
              value={port()}
              onValue={setPort}
              error={portError()}
              inputMode="numeric"
              autocomplete="off"
              data-testid="port-input"
            />
          </div>
          <TextField
            label="Nickname"
            value={nickname()}
            onValue={setNickname}
            error={nameError()}
            hint="What others see. A server you already know keeps the name you have there."
            autocomplete="nickname"
            maxLength={128}
            placeholder="e.g. Ada"
            data-testid="nickname-input"
          />
          <label class="checkbox">
            <input type="checkbox" checked={secure()} onChange={(e) => setSecure(e.currentTarget.checked)} data-testid="secure-input" />
            <span>Secure connection (wss://)</span>
          </label>
          <Show when={connection.phase() === 'disconnected' && connection.issue()}>
            {(issue) => (
              <div class="callout callout--error" role="alert" data-testid="connect-error" data-code={issue().code}>
                <Icon name="warning" />
                <span>{issue().text}</span>
              </div>
            )}
          </Show>
          <Button type="submit" variant="primary" busy={busy()} disabled={!ready()} data-testid="connect-button" class="connect__submit">
            {busy() ? 'Connecting…' : 'Connect'}
          </Button>
          <Show when={busy()}>
            <Button variant="ghost" size="sm" onClick={() => connection.disconnect()} data-testid="cancel-connect">
              Cancel
            </Button>
          </Show>
        </form>
      </section>

      <Show when={servers.list().length > 0}>
        <section class="recent" aria-labelledby="recent-heading">
          <h2 id="recent-heading" class="recent__heading">
            Recent servers
          </h2>
          <ul class="recent__list" data-testid="recent-servers">
            <For each={servers.list()}>
              {(server) => (
                <li class="recent__item">
                  <button type="button" class="recent__pick" onClick={() => pick(server)} onDblClick={() => void submit()} data-testid="recent-server">
                    <Icon name="server" />
                    <span class="recent__text">
                      <span class="recent__name">{server.serverName || addressLabel(server)}</span>
                      <span class="recent__meta">
                        {addressLabel(server)}
                        {server.nickname ? ` · ${server.nickname}` : ''}
                      </span>
                    </span>
                  </button>
                  <IconButton icon="trash" variant="danger" label={`Forget ${addressLabel(server)}`} onClick={() => servers.forget(server)} />
                </li>
              )}
            </For>
          </ul>
        </section>
      </Show>
    </main>
  );
}
