import type { Channel, ResponseData, ServerEvent, User } from '@lemon/protocol';

/**
 * What a client knows about the server: the channel tree and who is connected where.
 * Built from the login snapshot and kept current by applying events in order.
 */
export interface World {
  serverName: string;
  selfId: string;
  defaultChannelId: number;
  channels: Map<number, Channel>;
  users: Map<string, User>;
  /** Who is talking right now (the server's voice.talking events). */
  talking: Set<string>;
}

export function worldFromSnapshot(snapshot: ResponseData<'auth.login'>): World {
  return {
    serverName: snapshot.serverName,
    selfId: snapshot.self.id,
    defaultChannelId: snapshot.defaultChannelId,
    channels: new Map(snapshot.channels.map((c) => [c.id, c])),
    users: new Map(snapshot.users.map((u) => [u.id, u])),
    talking: new Set(),
  };
}

/** Applies one server event in place; returns whether anything visible changed. */
export function applyEvent(world: World, event: ServerEvent): boolean {
  switch (event.event) {
    case 'user.connected':
      world.users.set(event.data.user.id, event.data.user);
      return true;
    case 'user.disconnected':
      world.talking.delete(event.data.userId);
      return world.users.delete(event.data.userId);
    case 'user.moved':
      world.talking.delete(event.data.userId);
      return patchUser(world, event.data.userId, { channelId: event.data.channelId });
    case 'voice.talking': {
      if (!world.users.has(event.data.userId)) return false;
      const was = world.talking.has(event.data.userId);
      if (event.data.talking) world.talking.add(event.data.userId);
      else world.talking.delete(event.data.userId);
      return was !== event.data.talking;
    }
    case 'user.renamed':
      return patchUser(world, event.data.userId, { displayName: event.data.displayName });
    case 'user.voice': {
      const user = world.users.get(event.data.userId);
      if (!user) return false;
      // Absent means false, as the server sends it.
      const { muted: _m, deafened: _d, ...rest } = user;
      world.users.set(user.id, { ...rest, ...(event.data.muted ? { muted: true } : {}), ...(event.data.deafened ? { deafened: true } : {}) });
      return true;
    }
    case 'channel.created':
    case 'channel.updated':
      world.channels.set(event.data.channel.id, event.data.channel);
      return true;
    case 'channel.deleted':
      for (const id of event.data.channelIds) world.channels.delete(id);
      return true;
    default:
      // Everything else (hello, shutdown, key packages, MLS, DMs) is not part of the world.
      return false;
  }
}

function patchUser(world: World, userId: string, patch: Partial<User>): boolean {
  const user = world.users.get(userId);
  if (!user) return false;
  world.users.set(userId, { ...user, ...patch });
  return true;
}

export interface ChannelNode {
  channel: Channel;
  users: User[];
  children: ChannelNode[];
}

/** The channel tree in display order: siblings by position then name, users by name. */
export function channelTree(world: World): ChannelNode[] {
  const nodes = new Map<number, ChannelNode>();
  for (const channel of world.channels.values()) nodes.set(channel.id, { channel, users: [], children: [] });
  for (const user of world.users.values()) nodes.get(user.channelId)?.users.push(user);
  const roots: ChannelNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.channel.parentId === null ? undefined : nodes.get(node.channel.parentId);
    (parent ? parent.children : roots).push(node);
  }
  const byOrder = (a: ChannelNode, b: ChannelNode) =>
    a.channel.position - b.channel.position || a.channel.name.localeCompare(b.channel.name) || a.channel.id - b.channel.id;
  const sortDeep = (list: ChannelNode[]) => {
    list.sort(byOrder);
    for (const n of list) {
      n.users.sort((a, b) => a.displayName.localeCompare(b.displayName));
      sortDeep(n.children);
    }
  };
  sortDeep(roots);
  return roots;
}
