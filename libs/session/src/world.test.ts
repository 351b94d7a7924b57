import type { Channel, User } from '@lemon/protocol';
import { applyEvent, channelTree, worldFromSnapshot } from './world';

const key = 'A'.repeat(43);
const user = (id: string, displayName: string, channelId: number): User => ({ id: id.repeat(32), displayName, publicKey: key, channelId });
const channel = (id: number, parentId: number | null, name: string, position: number): Channel => ({ id, parentId, name, description: '', position, voice: true, bitrate: 48_000 });

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

  it('tracks mute, deafen and who is talking, forgetting talk on a move or a disconnect', () => {
    const w = sampleWorld();
    const bob = 'b'.repeat(32);
    expect(applyEvent(w, { event: 'user.voice', data: { userId: bob, muted: true, deafened: false } })).toBe(true);
    expect(w.users.get(bob)).toMatchObject({ muted: true });
    expect(w.users.get(bob)?.deafened).toBeUndefined();
    applyEvent(w, { event: 'user.voice', data: { userId: bob, muted: false, deafened: true } });
    expect(w.users.get(bob)?.muted).toBeUndefined();
    expect(w.users.get(bob)?.deafened).toBe(true);
    expect(applyEvent(w, { event: 'voice.talking', data: { userId: bob, talking: true } })).toBe(true);
    expect(applyEvent(w, { event: 'voice.talking', data: { userId: bob, talking: true } })).toBe(false);
    expect(w.talking.has(bob)).toBe(true);
    applyEvent(w, { event: 'user.moved', data: { userId: bob, channelId: 1 } });
    expect(w.talking.has(bob)).toBe(false);
    applyEvent(w, { event: 'voice.talking', data: { userId: bob, talking: true } });
    applyEvent(w, { event: 'user.disconnected', data: { userId: bob } });
    expect(w.talking.size).toBe(0);
    expect(applyEvent(w, { event: 'voice.talking', data: { userId: 'f'.repeat(32), talking: true } })).toBe(false);
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
