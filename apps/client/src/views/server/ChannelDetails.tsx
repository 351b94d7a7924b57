import { createMemo, For, Show, type JSX } from 'solid-js';
import { Avatar, Button, Icon, countLabel } from '@lemon/ui';
import type { Channel } from '@lemon/protocol';
import { useConnection } from '../../connection/ConnectionProvider';
import { useModals } from '../../modals/ModalsProvider';

/** What a click on a channel shows: its path, description, the people in it, and actions. */
export function ChannelDetails(props: { channelId: number; onJoin: (channelId: number) => void }): JSX.Element {
  const connection = useConnection();
  const modals = useModals();
  const world = connection.world;
  const channel = () => world.channels[props.channelId];
  const path = createMemo(() => {
    const parts: Channel[] = [];
    let c = channel();
    const seen = new Set<number>();
    while (c && !seen.has(c.id)) {
      seen.add(c.id);
      parts.unshift(c);
      c = c.parentId === null ? undefined : world.channels[c.parentId];
    }
    return parts;
  });
  const users = createMemo(() =>
    Object.values(world.users)
      .filter((u) => u && u.channelId === props.channelId)
      .sort((a, b) => a.displayName.localeCompare(b.displayName)),
  );
  const here = () => connection.self()?.channelId === props.channelId;
  const online = () => connection.phase() === 'online';

  return (
    <Show when={channel()}>
      {(c) => (
        <section class="details" aria-labelledby="details-title" data-testid="channel-details" data-channel-id={c().id}>
          <nav class="details__path" aria-label="Channel path">
            <For each={path()}>
              {(p, i) => (
                <>
                  <Show when={i() > 0}>
                    <Icon name="chevron" size={12} />
                  </Show>
                  <span>{p.name}</span>
                </>
              )}
            </For>
          </nav>
          <div class="details__head">
            <div class="details__icon" aria-hidden="true">
              <Icon name="channel" size={22} />
            </div>
            <div class="details__titles">
              <h2 id="details-title" class="details__title" data-testid="details-name">
                {c().name}
              </h2>
              <span class="details__meta">
                {countLabel(users().length, 'person', 'people')} here
                {c().id === world.defaultChannelId ? ' · default channel' : ''}
              </span>
            </div>
            <div class="details__actions">
              <Button variant="primary" icon={here() ? 'check' : 'join'} disabled={here() || !online()} onClick={() => props.onJoin(c().id)} data-testid="details-join">
                {here() ? 'You are here' : 'Join channel'}
              </Button>
            </div>
          </div>

          <div class="details__section">
            <h3 class="details__label">Description</h3>
            <Show when={c().description} fallback={<p class="details__empty">No description yet.</p>}>
              <p class="details__description" data-testid="details-description">
                {c().description}
              </p>
            </Show>
          </div>

          <div class="details__section">
            <h3 class="details__label">In this channel</h3>
            <Show when={users().length > 0} fallback={<p class="details__empty">Nobody is here right now. Double-click the channel to join it.</p>}>
              <ul class="people">
                <For each={users()}>
                  {(u) => (
                    <li class="people__item">
                      <Avatar id={u.id} name={u.displayName} size="md" />
                      <span class="people__name">{u.displayName}</span>
                      <Show when={u.id === world.selfId}>
                        <span class="lc-tree__you">you</span>
                      </Show>
                    </li>
                  )}
                </For>
              </ul>
            </Show>
          </div>

          <div class="details__tools">
            <Button size="sm" variant="ghost" icon="plus" disabled={!online()} onClick={() => modals.open({ kind: 'createChannel', parentId: c().id })} data-testid="details-create-sub">
              Sub-channel
            </Button>
            <Button size="sm" variant="ghost" icon="pencil" disabled={!online()} onClick={() => modals.open({ kind: 'editChannel', channelId: c().id })} data-testid="details-edit">
              Edit
            </Button>
            <Show when={c().id !== world.defaultChannelId}>
              <Button size="sm" variant="ghost" icon="trash" disabled={!online()} onClick={() => modals.open({ kind: 'deleteChannel', channelId: c().id })} data-testid="details-delete">
                Delete
              </Button>
            </Show>
          </div>
        </section>
      )}
    </Show>
  );
}
