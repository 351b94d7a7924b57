import { createMemo, createSignal, For, Show, type Accessor, type JSX } from 'solid-js';
import type { User } from '@lemon/protocol';
import { Avatar } from './Avatar';
import { Icon } from './icons';
import { channelKey, isExpandable, keyAction, userKey, visibleRows, type TreeNode } from './tree';

export type TreeTarget = { kind: 'channel'; channelId: number } | { kind: 'user'; userId: string; channelId: number } | { kind: 'empty' };

export interface ChannelTreeProps {
  nodes: readonly TreeNode[];
  /** Accessible name of the tree, e.g. the server name. */
  label: string;
  /** The viewer's own user id: their row is marked "you". */
  selfId?: string;
  selectedChannelId?: number | null;
  onSelect?: (channelId: number) => void;
  /** Double-click or Enter on a channel. */
  onJoin?: (channelId: number) => void;
  /** Right-click (or the context-menu key) on a channel, a user or empty space. */
  onContextMenu?: (target: TreeTarget, at: { x: number; y: number }) => void;
  /** Grey the tree out (e.g. while reconnecting) without removing it. */
  stale?: boolean;
  /** Who is talking right now (their row lights up). */
  talking?: ReadonlySet<string>;
}

interface TreeContext {
  collapsed: Accessor<ReadonlySet<number>>;
  toggle: (channelId: number) => void;
  activeKey: Accessor<string | null>;
  setFocusKey: (key: string) => void;
  props: ChannelTreeProps;
}

/**
 * The channel tree: channels nested under their parents, the users in each channel under it.
 * WAI-ARIA tree pattern (role tree/treeitem/group, aria-expanded, one tab stop, arrow keys).
 * Every name is rendered as text, never as HTML.
 */
export function ChannelTree(props: ChannelTreeProps): JSX.Element {
  let root!: HTMLUListElement;
  const [collapsed, setCollapsed] = createSignal<ReadonlySet<number>>(new Set());
  const [focusKey, setFocusKey] = createSignal<string | null>(null);
  const rows = createMemo(() => visibleRows(props.nodes, collapsed()));
  const activeKey = createMemo(() => {
    const key = focusKey();
    const list = rows();
    return list.some((r) => r.key === key) ? key : (list[0]?.key ?? null);
  });

  const toggle = (channelId: number) => {
    const next = new Set(collapsed());
    if (!next.delete(channelId)) next.add(channelId);
    setCollapsed(next);
  };
  const setExpanded = (channelId: number, expanded: boolean) => {
    if (collapsed().has(channelId) === !expanded) return;
    toggle(channelId);
  };
  const focusRow = (key: string) => {
    setFocusKey(key);
    root.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"]`)?.focus();
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === 'ContextMenu' || (e.key === 'F10' && e.shiftKey)) {
      const key = activeKey();
      const row = rows().find((r) => r.key === key);
      const el = key ? root.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"] > .lc-tree__row`) : null;
      if (!row || !el) return;
      e.preventDefault();
      const rect = el.getBoundingClientRect();
      const target: TreeTarget = row.kind === 'user' ? { kind: 'user', userId: row.userId!, channelId: row.channelId } : { kind: 'channel', channelId: row.channelId };
      props.onContextMenu?.(target, { x: rect.left + 24, y: rect.bottom });
      return;
    }
    const action = keyAction(rows(), activeKey(), e.key);
    if (action.kind === 'none') return;
    e.preventDefault();
    if (action.kind === 'focus') focusRow(action.key);
    else if (action.kind === 'expand') setExpanded(action.channelId, true);
    else if (action.kind === 'collapse') setExpanded(action.channelId, false);
    else if (action.kind === 'join') props.onJoin?.(action.channelId);
    else if (action.kind === 'select') props.onSelect?.(action.channelId);
  };

  const ctx: TreeContext = { collapsed, toggle, activeKey, setFocusKey, props };
  return (
    <ul
      ref={root}
      class="lc-tree"
      classList={{ 'lc-tree--stale': !!props.stale }}
      role="tree"
      aria-label={props.label}
      data-testid="channel-tree"
      onKeyDown={onKeyDown}
      onContextMenu={(e) => {
        if ((e.target as Element).closest('.lc-tree__row')) return;
        e.preventDefault();
        props.onContextMenu?.({ kind: 'empty' }, { x: e.clientX, y: e.clientY });
      }}
    >
      <For each={props.nodes}>{(node) => <ChannelItem node={node} level={1} ctx={ctx} />}</For>
    </ul>
  );
}

function ChannelItem(p: { node: TreeNode; level: number; ctx: TreeContext }): JSX.Element {
  const { ctx } = p;
  const id = () => p.node.channel.id;
  const key = () => channelKey(id());
  const expandable = () => isExpandable(p.node);
  const expanded = () => expandable() && !ctx.collapsed().has(id());
  const hasSelf = () => !!ctx.props.selfId && p.node.users.some((u) => u.id === ctx.props.selfId);
  return (
    <li
      role="treeitem"
      class="lc-tree__item"
      aria-level={p.level}
      aria-expanded={expandable() ? expanded() : undefined}
      aria-selected={ctx.props.selectedChannelId === id()}
      aria-label={p.node.channel.name}
      tabIndex={ctx.activeKey() === key() ? 0 : -1}
      data-key={key()}
      data-testid={`channel-${id()}`}
      data-channel-name={p.node.channel.name}
      onFocus={(e) => {
        if (e.target === e.currentTarget) ctx.setFocusKey(key());
      }}
    >
      <div
        class="lc-tree__row lc-tree__row--channel"
        classList={{ 'is-selected': ctx.props.selectedChannelId === id(), 'is-current': hasSelf() }}
        style={{ '--lc-level': String(p.level - 1) }}
        data-testid={`channel-row-${id()}`}
        onClick={() => {
          ctx.setFocusKey(key());
          ctx.props.onSelect?.(id());
        }}
        onDblClick={(e) => {
          e.preventDefault();
          ctx.props.onJoin?.(id());
        }}
        onContextMenu={(e) => {
          e.preventDefault();
          ctx.setFocusKey(key());
          ctx.props.onSelect?.(id());
          ctx.props.onContextMenu?.({ kind: 'channel', channelId: id() }, { x: e.clientX, y: e.clientY });
        }}
      >
        <span
          class="lc-tree__toggle"
          classList={{ 'is-open': expanded(), 'is-empty': !expandable() }}
          data-testid={`channel-toggle-${id()}`}
          aria-hidden="true"
          onClick={(e) => {
            e.stopPropagation();
            if (expandable()) ctx.toggle(id());
          }}
          onDblClick={(e) => e.stopPropagation()}
        >
          <Icon name="chevron" size={14} />
        </span>
        <span class="lc-tree__icon" aria-hidden="true">
          <Icon name="channel" size={15} />
        </span>
        <span class="lc-tree__name" data-testid={`channel-name-${id()}`}>
          {p.node.channel.name}
        </span>
        <Show when={p.node.channel.description}>
          <span class="lc-tree__hasinfo" title="Has a description" aria-hidden="true">
            <Icon name="info" size={12} />
          </span>
        </Show>
        <Show when={p.node.users.length > 0}>
          <span class="lc-tree__count" aria-label={`${p.node.users.length} users`}>
            {p.node.users.length}
          </span>
        </Show>
      </div>
      <Show when={expanded()}>
        <ul role="group" class="lc-tree__group">
          <For each={p.node.users}>{(user) => <UserItem user={user} level={p.level + 1} ctx={ctx} />}</For>
          <For each={p.node.children}>{(child) => <ChannelItem node={child} level={p.level + 1} ctx={ctx} />}</For>
        </ul>
      </Show>
    </li>
  );
}

function UserItem(p: { user: User; level: number; ctx: TreeContext }): JSX.Element {
  const { ctx } = p;
  const key = () => userKey(p.user.id);
  const isSelf = () => p.user.id === ctx.props.selfId;
  const talking = () => ctx.props.talking?.has(p.user.id) ?? false;
  const state = () => [isSelf() ? 'you' : '', talking() ? 'talking' : '', p.user.muted ? 'muted' : '', p.user.deafened ? 'deafened' : ''].filter(Boolean).join(', ');
  return (
    <li
      role="treeitem"
      class="lc-tree__item"
      aria-level={p.level}
      aria-label={state() ? `${p.user.displayName} (${state()})` : p.user.displayName}
      data-talking={talking() ? 'yes' : 'no'}
      tabIndex={ctx.activeKey() === key() ? 0 : -1}
      data-key={key()}
      data-testid={`user-${p.user.id}`}
      data-user-name={p.user.displayName}
      onFocus={(e) => {
        if (e.target === e.currentTarget) ctx.setFocusKey(key());
      }}
    >
      <div
        class="lc-tree__row lc-tree__row--user"
        classList={{ 'is-self': isSelf(), 'is-talking': talking() }}
        style={{ '--lc-level': String(p.level - 1) }}
        onClick={() => ctx.setFocusKey(key())}
        onContextMenu={(e) => {
          e.preventDefault();
          ctx.setFocusKey(key());
          ctx.props.onContextMenu?.({ kind: 'user', userId: p.user.id, channelId: p.user.channelId }, { x: e.clientX, y: e.clientY });
        }}
      >
        <span class="lc-tree__toggle is-empty" aria-hidden="true" />
        <Avatar id={p.user.id} name={p.user.displayName} />
        <span class="lc-tree__name" data-testid={`user-name-${p.user.id}`}>
          {p.user.displayName}
        </span>
        <Show when={p.user.muted}>
          <span class="lc-tree__voice" title="Muted" data-testid={`user-muted-${p.user.id}`}>
            <Icon name="micOff" size={14} />
          </span>
        </Show>
        <Show when={p.user.deafened}>
          <span class="lc-tree__voice" title="Deafened" data-testid={`user-deafened-${p.user.id}`}>
            <Icon name="headphonesOff" size={14} />
          </span>
        </Show>
        <Show when={isSelf()}>
          <span class="lc-tree__you">you</span>
        </Show>
      </div>
    </li>
  );
}
