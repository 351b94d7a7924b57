import { createEffect, createMemo, createSignal, For, Match, on, onCleanup, onMount, Show, Switch, type JSX } from 'solid-js';
import { Avatar } from './Avatar';
import { IconButton, Spinner } from './Button';
import { Icon } from './icons';
import { ContextMenu, type MenuEntry } from './Menu';
import { PictureViewer } from './PictureViewer';
import { fitBox, formatTime, groupStarts, isAtBottom, messageStyleCss, safePictureUrl, type MessageStyle } from './chat';

export interface ChatAuthor {
  id: string;
  /** Rendered as text. */
  name: string;
  /** The viewer wrote it: gets Edit/Delete. */
  self: boolean;
  /** The viewer verified this person's safety number. */
  verified?: boolean;
}

export interface ChatPicture {
  state: 'loading' | 'ready' | 'failed';
  /** An object URL (blob:) the app made. */
  url?: string;
  name?: string;
  width?: number;
  height?: number;
  /** Why it failed; rendered as text. */
  error?: string;
}

export interface ChatItem {
  id: string;
  author: ChatAuthor;
  /** Milliseconds since the epoch. */
  at: number;
  kind: 'text' | 'picture' | 'poke' | 'system';
  /** Rendered as text (never HTML); URLs stay plain text. */
  text?: string;
  /** From the sender: clamped and whitelisted again here. */
  style?: MessageStyle;
  edited?: boolean;
  deleted?: boolean;
  picture?: ChatPicture;
  caption?: string;
  /** Sent, not yet confirmed by the server. */
  pending?: boolean;
  /** Why sending failed; rendered as text. */
  failed?: string;
  /** System lines only: 'warning' (e.g. a key change) is shown in the warning colour. */
  tone?: 'info' | 'warning';
}

export interface MessageListProps {
  items: readonly ChatItem[];
  /** Accessible name of the log, e.g. "Messages in Lobby". */
  label?: string;
  /** Own text messages: Edit. */
  onEdit?: (id: string) => void;
  /** Own messages: Delete. */
  onDelete?: (id: string) => void;
  /** Shown when there are no items. */
  emptyText?: string;
  /** For tests and "today" detection; defaults to Date.now(). */
  now?: number;
}

interface OpenMenu {
  id: string;
  x: number;
  y: number;
}

/**
 * The message log: messages grouped by author, own messages with Edit/Delete, pictures inline.
 * Sticks to the bottom while the reader is at the bottom; otherwise offers a "new messages" jump.
 * Every name, text and caption is a text node.
 */
export function MessageList(props: MessageListProps): JSX.Element {
  let scroller!: HTMLDivElement;
  let content!: HTMLDivElement;
  const [atBottom, setAtBottom] = createSignal(true);
  const [unseen, setUnseen] = createSignal(0);
  const [menu, setMenu] = createSignal<OpenMenu | null>(null);
  const [viewer, setViewer] = createSignal<{ url: string; name?: string } | null>(null);
  const starts = createMemo(() => groupStarts(props.items));
  const now = () => props.now ?? Date.now();

  const scrollToBottom = () => {
    scroller.scrollTop = scroller.scrollHeight;
    setAtBottom(true);
    setUnseen(0);
  };
  const onScroll = () => {
    const bottom = isAtBottom(scroller.scrollTop, scroller.scrollHeight, scroller.clientHeight);
    setAtBottom(bottom);
    if (bottom) setUnseen(0);
  };

  onMount(() => {
    scrollToBottom();
    // Pictures loading and edits change heights: keep the bottom in view if we were there.
    if (typeof ResizeObserver !== 'undefined') {
      const observer = new ResizeObserver(() => {
        if (atBottom()) scroller.scrollTop = scroller.scrollHeight;
      });
      observer.observe(content);
      onCleanup(() => observer.disconnect());
    }
  });

  // Track ids (not the array reference) so store-backed lists that grow in place are seen too.
  let known: Set<string> | null = null;
  createEffect(
    on(
      () => props.items.map((i) => i.id),
      (ids) => {
        const before = known;
        known = new Set(ids);
        if (before === null) return;
        const added = ids.filter((id) => !before.has(id));
        if (added.length === 0) return;
        const last = props.items[props.items.length - 1];
        // Own new message: always go to the bottom. Otherwise only when already there.
        if (atBottom() || (last && last.author.self && added.includes(last.id))) queueMicrotask(scrollToBottom);
        else setUnseen((n) => n + added.length);
      },
    ),
  );

  const entriesFor = (item: ChatItem): MenuEntry[] => {
    const entries: MenuEntry[] = [];
    if (item.kind === 'text' && props.onEdit) entries.push({ label: 'Edit', icon: 'pencil', testId: 'message-edit', onSelect: () => props.onEdit?.(item.id) });
    if (props.onDelete) entries.push({ label: 'Delete', icon: 'trash', danger: true, testId: 'message-delete', onSelect: () => props.onDelete?.(item.id) });
    return entries;
  };
  const hasActions = (item: ChatItem) =>
    item.author.self && !item.deleted && !item.pending && (item.kind === 'text' || item.kind === 'picture') && entriesFor(item).length > 0;
  const openMenu = (item: ChatItem, x: number, y: number) => setMenu({ id: item.id, x, y });
  const menuItem = () => {
    const m = menu();
    return m ? props.items.find((i) => i.id === m.id) : undefined;
  };

  return (
    <div class="lc-messages">
      <div
        ref={scroller}
        class="lc-messages__scroller"
        role="log"
        aria-live="polite"
        aria-label={props.label ?? 'Messages'}
        tabIndex={0}
        onScroll={onScroll}
        data-testid="message-list"
        data-at-bottom={atBottom() ? 'true' : 'false'}
      >
        <div ref={content} class="lc-messages__content">
          <Show when={props.items.length === 0 && props.emptyText}>
            <p class="lc-messages__empty" data-testid="message-list-empty">
              {props.emptyText}
            </p>
          </Show>
          <For each={props.items}>
            {(item) => (
              <Switch>
                <Match when={item.kind === 'system'}>
                  <div class={`lc-msg-system lc-msg-system--${item.tone ?? 'info'}`} data-testid="message-system" data-message-id={item.id}>
                    <Icon name={item.tone === 'warning' ? 'warning' : 'info'} size={14} />
                    <span class="lc-msg-system__text">{item.text ?? ''}</span>
                    <time class="lc-msg__time" dateTime={new Date(item.at).toISOString()}>
                      {formatTime(item.at, now())}
                    </time>
                  </div>
                </Match>
                <Match when={item.kind === 'poke'}>
                  <div class="lc-msg-system lc-msg-system--poke" data-testid="message-poke" data-message-id={item.id}>
                    <Icon name="bell" size={14} />
                    <span class="lc-msg-system__text">
                      <strong>{item.author.self ? 'You' : item.author.name}</strong>
                      {item.author.self ? ' poked' : ' poked you'}
                      <Show when={item.text}>
                        {': '}
                        <span class="lc-msg-system__quote">{item.text}</span>
                      </Show>
                    </span>
                    <time class="lc-msg__time" dateTime={new Date(item.at).toISOString()}>
                      {formatTime(item.at, now())}
                    </time>
                  </div>
                </Match>
                <Match when={true}>
                  <Message
                    item={item}
                    first={starts().has(item.id)}
                    now={now()}
                    actions={hasActions(item)}
                    onMenu={(x, y) => openMenu(item, x, y)}
                    onOpenPicture={(url, name) => setViewer({ url, name })}
                  />
                </Match>
              </Switch>
            )}
          </For>
        </div>
      </div>
      <Show when={!atBottom() && unseen() > 0}>
        <button type="button" class="lc-messages__jump" onClick={scrollToBottom} data-testid="jump-to-latest">
          <Icon name="arrowDown" size={14} />
          <span>{unseen() === 1 ? '1 new message' : `${unseen() > 99 ? '99+' : unseen()} new messages`}</span>
        </button>
      </Show>
      <Show when={menu() && menuItem()}>
        {(item) => (
          <ContextMenu
            x={menu()!.x}
            y={menu()!.y}
            label="Message actions"
            entries={entriesFor(item())}
            onClose={() => setMenu(null)}
            data-testid="message-menu"
          />
        )}
      </Show>
      <Show when={viewer()}>{(v) => <PictureViewer url={v().url} name={v().name} onClose={() => setViewer(null)} />}</Show>
    </div>
  );
}

function Message(props: {
  item: ChatItem;
  first: boolean;
  now: number;
  actions: boolean;
  onMenu: (x: number, y: number) => void;
  onOpenPicture: (url: string, name?: string) => void;
}): JSX.Element {
  const item = () => props.item;
  const time = () => formatTime(item().at, props.now);
  return (
    <div
      class="lc-msg"
      classList={{
        'is-first': props.first,
        'is-self': item().author.self,
        'is-pending': !!item().pending,
        'is-failed': !!item().failed,
        'is-deleted': !!item().deleted,
      }}
      data-testid="message"
      data-message-id={item().id}
      data-author-id={item().author.id}
      data-kind={item().kind}
      data-pending={item().pending ? 'true' : undefined}
      onContextMenu={(e) => {
        if (!props.actions) return;
        e.preventDefault();
        props.onMenu(e.clientX, e.clientY);
      }}
    >
      <div class="lc-msg__gutter">
        <Show
          when={props.first}
          fallback={
            <time class="lc-msg__hover-time" dateTime={new Date(item().at).toISOString()} aria-hidden="true">
              {formatTime(item().at, item().at)}
            </time>
          }
        >
          <Avatar id={item().author.id} name={item().author.name} size="md" />
        </Show>
      </div>
      <div class="lc-msg__main">
        <Show when={props.first}>
          <div class="lc-msg__header">
            <span class="lc-msg__author" data-testid="message-author">
              {item().author.name}
            </span>
            <Show when={item().author.verified}>
              <span class="lc-msg__verified" title="Verified safety number">
                <Icon name="shield" size={13} title="Verified" />
              </span>
            </Show>
            <time class="lc-msg__time" dateTime={new Date(item().at).toISOString()}>
              {time()}
            </time>
          </div>
        </Show>
        <Show when={!props.first}>
          <span class="lc-visually-hidden">{`${item().author.name}, ${time()}: `}</span>
        </Show>
        <Show
          when={!item().deleted}
          fallback={
            <div class="lc-msg__deleted" data-testid="message-deleted">
              message deleted
            </div>
          }
        >
          <Show when={item().kind === 'picture' && item().picture}>
            {(picture) => <PictureThumb picture={picture()} onOpen={props.onOpenPicture} />}
          </Show>
          <Show when={item().kind === 'text' ? item().text : item().caption}>
            {(text) => (
              <div class="lc-msg__text" style={messageStyleCss(item().style)} data-testid={item().kind === 'text' ? 'message-text' : 'message-caption'}>
                {text()}
                <Show when={item().edited}>
                  <span class="lc-msg__edited" data-testid="message-edited">
                    {' (edited)'}
                  </span>
                </Show>
              </div>
            )}
          </Show>
        </Show>
        <Show when={item().pending && !item().failed}>
          <div class="lc-msg__status" data-testid="message-pending">
            Sending…
          </div>
        </Show>
        <Show when={item().failed}>
          <div class="lc-msg__status lc-msg__status--failed" role="alert" data-testid="message-failed">
            <Icon name="warning" size={13} />
            <span>{`Not sent: ${item().failed}`}</span>
          </div>
        </Show>
      </div>
      <Show when={props.actions}>
        <div class="lc-msg__actions">
          <IconButton
            icon="more"
            label="Message actions"
            aria-haspopup="menu"
            data-testid="message-actions"
            onClick={(e) => {
              const rect = e.currentTarget.getBoundingClientRect();
              props.onMenu(rect.right - 200, rect.bottom + 4);
            }}
          />
        </div>
      </Show>
    </div>
  );
}

function PictureThumb(props: { picture: ChatPicture; onOpen: (url: string, name?: string) => void }): JSX.Element {
  const box = () => fitBox(props.picture.width, props.picture.height, 320);
  const url = () => (props.picture.state === 'ready' ? safePictureUrl(props.picture.url) : null);
  return (
    <Switch>
      <Match when={url()}>
        {(src) => (
          <button
            type="button"
            class="lc-msg__picture"
            aria-label={`Open picture${props.picture.name ? ` ${props.picture.name}` : ''}`}
            data-testid="picture-thumb"
            onClick={() => props.onOpen(src(), props.picture.name)}
          >
            <img src={src()} alt={props.picture.name ?? 'Picture'} width={box().width} height={box().height} loading="lazy" decoding="async" />
          </button>
        )}
      </Match>
      <Match when={props.picture.state === 'loading'}>
        <div class="lc-msg__picture lc-msg__picture--placeholder" style={{ width: `${box().width}px`, height: `${box().height}px` }} data-testid="picture-loading">
          <Spinner label="Loading picture" />
        </div>
      </Match>
      <Match when={true}>
        <div class="lc-msg__picture lc-msg__picture--failed" data-testid="picture-failed">
          <Icon name="image" />
          <span>{props.picture.error ? `Picture unavailable: ${props.picture.error}` : 'Picture unavailable'}</span>
        </div>
      </Match>
    </Switch>
  );
}
