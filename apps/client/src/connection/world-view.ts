// The World the Session keeps (Maps, mutated in place) turned into plain data for a Solid
// store: reconcile() then changes only what changed, so the tree's DOM is kept.
import { channelTree, type ChannelNode, type World } from '@lemon/session';
import type { Channel, User } from '@lemon/protocol';

export interface TreeNodeView {
  /** The channel id again, so reconcile() can match nodes by `id`. */
  id: number;
  channel: Channel;
  users: User[];
  children: TreeNodeView[];
}

export interface WorldView {
  serverName: string;
  selfId: string;
  defaultChannelId: number;
  channels: Record<number, Channel>;
  users: Record<string, User>;
  tree: TreeNodeView[];
  /** Who is talking right now. */
  talking: string[];
}

export function emptyWorldView(): WorldView {
  return { serverName: '', selfId: '', defaultChannelId: 0, channels: {}, users: {}, tree: [], talking: [] };
}

function nodeView(node: ChannelNode): TreeNodeView {
  return { id: node.channel.id, channel: { ...node.channel }, users: node.users.map((u) => ({ ...u })), children: node.children.map(nodeView) };
}

export function worldView(world: World): WorldView {
  return {
    serverName: world.serverName,
    selfId: world.selfId,
    defaultChannelId: world.defaultChannelId,
    channels: Object.fromEntries([...world.channels].map(([id, c]) => [id, { ...c }])),
    users: Object.fromEntries([...world.users].map(([id, u]) => [id, { ...u }])),
    tree: channelTree(world).map(nodeView),
    talking: [...world.talking],
  };
}

/** The ids of a channel and of every channel below it. */
export function subtreeIds(view: Pick<WorldView, 'channels'>, channelId: number): number[] {
  const ids = [channelId];
  for (let i = 0; i < ids.length; i++) {
    for (const c of Object.values(view.channels)) if (c && c.parentId === ids[i]) ids.push(c.id);
  }
  return ids;
}

/** How deep a channel sits (top-level = 1). */
export function channelDepth(view: Pick<WorldView, 'channels'>, channelId: number): number {
  let depth = 0;
  let current: Channel | undefined = view.channels[channelId];
  const seen = new Set<number>();
  while (current && !seen.has(current.id)) {
    seen.add(current.id);
    depth++;
    current = current.parentId === null ? undefined : view.channels[current.parentId];
  }
  return depth;
}
