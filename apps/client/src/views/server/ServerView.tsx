import { createEffect, createMemo, createSignal, onCleanup, Show, type JSX } from 'solid-js';
import { ChannelTree, ContextMenu, IconButton, LemonMark, PokePopup, StatusBadge, playPokeSound, type MenuEntry, type TreeTarget } from '@lemon/ui';
import { useConnection } from '../../connection/ConnectionProvider';
import { describeError } from '../../connection/errors';
import { statusWords } from '../../connection/status';
import { useModals } from '../../modals/ModalsProvider';
import { useNotices } from '../../notices/NoticesProvider';
import { usePreferences } from '../../preferences/PreferencesProvider';
import { addressLabel } from '../../servers/address';
import { ChatPanel } from '../chat/ChatPanel';
import { ChannelDetails } from './ChannelDetails';
import { ReconnectBanner } from './ReconnectBanner';
import { SelfPanel } from './SelfPanel';
import { StatusBar } from './StatusBar';

interface OpenMenu {
  target: TreeTarget;
  x: number;
  y: number;
}

/** The connected view: channel tree, channel details, the person's own panel and the status. */
export function ServerView(): JSX.Element {
  const connection = useConnection();
  const modals = useModals();
  const notices = useNotices();
  const prefs = usePreferences();
  const world = connection.world;

  const [selected, setSelected] = createSignal<number | null>(null);
  const [menu, setMenu] = createSignal<OpenMenu | null>(null);
  const currentChannelId = () => connection.self()?.channelId ?? null;
  const chat = () => connection.chat();
  const talking = createMemo(() => new Set(world.talking));
  // The selection falls back to one's own channel (also when the selected one is deleted).
  const selectedId = createMemo(() => {
    const id = selected();
    return id !== null && world.channels[id] ? id : currentChannelId();
  });

  const status = () => statusWords(connection.phase(), connection.sessionState(), connection.retryInSeconds());

  createEffect(() => {
    document.title = world.serverName ? `${world.serverName} — Lemon Chat` : 'Lemon Chat';
  });
  onCleanup(() => (document.title = 'Lemon Chat'));

  const join = (channelId: number) => {
    connection.join(channelId).catch((error) => notices.show(describeError(error), 'error'));
  };

  const menuEntries = (target: TreeTarget): MenuEntry[] => {
    const online = connection.phase() === 'online';
    if (target.kind === 'channel') {
      const channel = world.channels[target.channelId];
      if (!channel) return [];
      return [
        { kind: 'heading', label: channel.name },
        { label: 'Join channel', icon: 'join', disabled: !online || currentChannelId() === channel.id, testId: 'menu-join', onSelect: () => join(channel.id) },
        { label: 'Create sub-channel…', icon: 'plus', disabled: !online, testId: 'menu-create-sub', onSelect: () => modals.open({ kind: 'createChannel', parentId: channel.id }) },
        { kind: 'separator' },
        { label: 'Edit channel…', icon: 'pencil', disabled: !online, testId: 'menu-edit', onSelect: () => modals.open({ kind: 'editChannel', channelId: channel.id }) },
        {
          label: 'Delete channel…',
          icon: 'trash',
          danger: true,
          disabled: !online || channel.id === world.defaultChannelId,
          testId: 'menu-delete',
          onSelect: () => modals.open({ kind: 'deleteChannel', channelId: channel.id }),
        },
      ];
    }
    if (target.kind === 'user') {
      const user = world.users[target.userId];
      if (!user) return [];
      const isSelf = user.id === world.selfId;
      return [
        { kind: 'heading', label: user.displayName },
        ...(isSelf
          ? [{ label: 'My identity…', icon: 'shield', testId: 'menu-identity', onSelect: () => modals.open({ kind: 'identity' }) } satisfies MenuEntry]
          : [
              { label: 'Send a message', icon: 'send', disabled: !chat(), testId: 'menu-message', onSelect: () => chat()?.openDm(user.id) } satisfies MenuEntry,
              { label: 'Poke…', icon: 'bell', disabled: !online || !chat(), testId: 'menu-poke', onSelect: () => modals.open({ kind: 'poke', userId: user.id }) } satisfies MenuEntry,
              { label: 'Safety number…', icon: 'shield', disabled: !chat(), testId: 'menu-safety', onSelect: () => modals.open({ kind: 'safetyNumber', userId: user.id }) } satisfies MenuEntry,
              { label: 'Volume…', icon: 'volume', testId: 'menu-volume', onSelect: () => modals.open({ kind: 'userVolume', userId: user.id }) } satisfies MenuEntry,
              { kind: 'separator' } satisfies MenuEntry,
              {
                label: 'Copy user ID',
                icon: 'copy',
                testId: 'menu-copy-id',
                onSelect: () => {
                  navigator.clipboard?.writeText(user.id).then(
                    () => notices.show('User ID copied.', 'ok'),
                    () => notices.show('Could not copy to the clipboard.', 'error'),
                  );
                },
              } satisfies MenuEntry,
            ]),
      ];
    }
    return [{ label: 'Create channel…', icon: 'plus', disabled: !online, testId: 'menu-create', onSelect: () => modals.open({ kind: 'createChannel', parentId: null }) }];
  };

  return (
    <div class="app" data-testid="server-view" data-phase={connection.phase()} data-self-id={world.selfId}>
      <header class="topbar">
        <div class="topbar__server">
          <LemonMark size={26} />
          <div class="topbar__titles">
            <h1 class="topbar__name" data-testid="server-name">
              {world.serverName || 'Lemon Chat'}
            </h1>
            <Show when={connection.target()}>{(t) => <span class="topbar__address mono">{addressLabel(t())}</span>}</Show>
          </div>
        </div>
        <div class="topbar__actions">
          <StatusBadge tone={status().tone} label={status().label} state={connection.phase()} data-testid="connection-status" />
          <IconButton
            icon={prefs.theme() === 'dark' ? 'sun' : 'moon'}
            label={prefs.theme() === 'dark' ? 'Use light theme' : 'Use dark theme'}
            onClick={() => prefs.setTheme(prefs.theme() === 'dark' ? 'light' : 'dark')}
            data-testid="theme-toggle"
          />
          <IconButton icon="shield" label="My identity" onClick={() => modals.open({ kind: 'identity' })} data-testid="open-identity" />
          <IconButton icon="logout" label="Disconnect" onClick={() => connection.disconnect()} data-testid="disconnect-button" />
        </div>
      </header>

      <Show when={connection.phase() === 'reconnecting'}>
        <ReconnectBanner />
      </Show>

      <div class="layout">
        <aside class="sidebar" aria-label="Channels">
          <div class="sidebar__header">
            <h2 class="sidebar__title">Channels</h2>
            <IconButton
              icon="plus"
              label="Create channel"
              disabled={connection.phase() !== 'online'}
              onClick={() => modals.open({ kind: 'createChannel', parentId: null })}
              data-testid="create-channel-button"
            />
          </div>
          <div
            class="sidebar__tree"
            onContextMenu={(e) => {
              if (e.defaultPrevented) return;
              e.preventDefault();
              setMenu({ target: { kind: 'empty' }, x: e.clientX, y: e.clientY });
            }}
          >
            <ChannelTree
              nodes={world.tree}
              label={`Channels on ${world.serverName || 'this server'}`}
              selfId={world.selfId}
              selectedChannelId={selectedId()}
              stale={connection.phase() !== 'online'}
              talking={talking()}
              onSelect={setSelected}
              onJoin={join}
              onContextMenu={(target, at) => setMenu({ target, ...at })}
            />
          </div>
          <SelfPanel />
        </aside>

        <main class="main">
          <Show when={selectedId()} keyed>
            {(id) => <ChannelDetails channelId={id} onJoin={join} />}
          </Show>
          <Show when={chat()} keyed>
            {(c) => <ChatPanel chat={c} />}
          </Show>
        </main>
      </div>

      <StatusBar />

      <Show when={chat()?.pokes()[0]} keyed>
        {(poke) => <PokePopup from={poke.from} text={poke.text} at={poke.at} playSound={playPokeSound} onDismiss={() => chat()?.dismissPoke(poke.id)} />}
      </Show>

      <Show when={menu()} keyed>
        {(m) => <ContextMenu x={m.x} y={m.y} label="Channel actions" entries={menuEntries(m.target)} onClose={() => setMenu(null)} data-testid="context-menu" />}
      </Show>
    </div>
  );
}
