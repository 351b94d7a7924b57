import type { Channel, User } from '@lemon/protocol';
import { applyEvent, channelTree, worldFromSnapshot } from './world';

const key = 'A'.repeat(43);
const user = (id: string, displayName: string, channelId: number): User => ({ id: id.repeat(32), displayName, publicKey: key, channelId });
const channel = (id: number, parentId: number | null, name: string, position: number): Channel => ({ id, parentId, name, description: '', position });

function sampleWorld() {
  return worldFromSnapshot({
    self: user('a', 'Ada', 1),
    firstLogin: false,
    serverName: 'S',
    defaultChannelId: 1,
    channels: [channel(1, null, 'Lobby', 0), channel(2, null, 'Games', 1), channel(3, 2, 'Chess', 0)],
    users: [user('a', 'Ada', 1), user('b', 'Bob', 3)],
  });
}

describe('world', () => {
  it('builds the tree in order with users under their channel', () => {
    const tree = channelTree(sampleWorld());
    expect(tree.map((n) => n.channel.name)).toEqual(['Lobby', 'Games']);
    expect(tree[0]!.users.map((u) => u.displayName)).toEqual(['Ada']);
    expect(tree[1]!.children[0]!.channel.name).toBe('Chess');
    expect(tree[1]!.children[0]!.users.map((u) => u.displayName)).toEqual(['Bob']);
  });

  it('applies connect, move, rename and disconnect', () => {
    const w = sampleWorld();
    expect(applyEvent(w, { event: 'user.connected', data: { user: user('c', 'Cy', 1) } })).toBe(true);
    expect(applyEvent(w, { event: 'user.moved', data: { userId: 'c'.repeat(32), channelId: 2 } })).toBe(true);
    expect(applyEvent(w, { event: 'user.renamed', data: { userId: 'c'.repeat(32), displayName: 'Cyd' } })).toBe(true);
    expect(w.users.get('c'.repeat(32))).toMatchObject({ displayName: 'Cyd', channelId: 2 });
    expect(applyEvent(w, { event: 'user.disconnected', data: { userId: 'c'.repeat(32) } })).toBe(true);
    expect(w.users.has('c'.repeat(32))).toBe(false);
    expect(applyEvent(w, { event: 'user.moved', data: { userId: 'f'.repeat(32), channelId: 2 } })).toBe(false);
  });

  it('applies channel create, update and subtree delete', () => {
    const w = sampleWorld();
    applyEvent(w, { event: 'channel.created', data: { channel: channel(4, 1, 'AFK', 0) } });
    applyEvent(w, { event: 'channel.updated', data: { channel: channel(2, null, 'Gaming', 1) } });
    expect(channelTree(w).map((n) => n.channel.name)).toEqual(['Lobby', 'Gaming']);
    expect(channelTree(w)[0]!.children.map((n) => n.channel.name)).toEqual(['AFK']);
    applyEvent(w, { event: 'channel.deleted', data: { channelIds: [2, 3] } });
    expect([...w.channels.keys()].sort()).toEqual([1, 4]);
  });
});
