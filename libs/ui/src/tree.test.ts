import type { Channel, User } from '@lemon/protocol';
import { keyAction, visibleRows, type TreeNode } from './tree';

const channel = (id: number, name: string): Channel => ({ id, parentId: null, name, description: '', position: 0, voice: true, bitrate: 48_000 });
const user = (id: string, channelId: number): User => ({ id: id.repeat(32), displayName: id, publicKey: 'A'.repeat(43), channelId });

// Lobby (ada) ; Games > Chess (bob)
const nodes: TreeNode[] = [
  { channel: channel(1, 'Lobby'), users: [user('a', 1)], children: [] },
  { channel: channel(2, 'Games'), users: [], children: [{ channel: channel(3, 'Chess'), users: [user('b', 3)], children: [] }] },
  { channel: channel(4, 'Empty'), users: [], children: [] },
];

describe('visibleRows', () => {
  it('lists channels, then their users, then sub-channels, top to bottom', () => {
    expect(visibleRows(nodes, new Set()).map((r) => r.key)).toEqual(['c:1', `u:${'a'.repeat(32)}`, 'c:2', 'c:3', `u:${'b'.repeat(32)}`, 'c:4']);
  });
  it('hides what is below a collapsed channel and marks expandability', () => {
    const rows = visibleRows(nodes, new Set([2]));
    expect(rows.map((r) => r.key)).toEqual(['c:1', `u:${'a'.repeat(32)}`, 'c:2', 'c:4']);
    expect(rows.find((r) => r.key === 'c:2')).toMatchObject({ expandable: true, expanded: false });
    expect(rows.find((r) => r.key === 'c:4')).toMatchObject({ expandable: false, expanded: false });
  });
});

describe('keyAction', () => {
  const rows = visibleRows(nodes, new Set());
  it('moves focus with the arrow keys, Home and End', () => {
    expect(keyAction(rows, 'c:1', 'ArrowDown')).toEqual({ kind: 'focus', key: `u:${'a'.repeat(32)}` });
    expect(keyAction(rows, 'c:1', 'ArrowUp')).toEqual({ kind: 'none' });
    expect(keyAction(rows, 'c:3', 'Home')).toEqual({ kind: 'focus', key: 'c:1' });
    expect(keyAction(rows, 'c:3', 'End')).toEqual({ kind: 'focus', key: 'c:4' });
  });
  it('collapses, expands and walks to the parent with left/right', () => {
    expect(keyAction(rows, 'c:2', 'ArrowLeft')).toEqual({ kind: 'collapse', channelId: 2 });
    expect(keyAction(rows, 'c:3', 'ArrowLeft')).toEqual({ kind: 'collapse', channelId: 3 });
    expect(keyAction(rows, `u:${'b'.repeat(32)}`, 'ArrowLeft')).toEqual({ kind: 'focus', key: 'c:3' });
    expect(keyAction(visibleRows(nodes, new Set([2])), 'c:2', 'ArrowRight')).toEqual({ kind: 'expand', channelId: 2 });
    expect(keyAction(rows, 'c:2', 'ArrowRight')).toEqual({ kind: 'focus', key: 'c:3' });
  });
  it('joins a channel with Enter and ignores Enter on a user', () => {
    expect(keyAction(rows, 'c:3', 'Enter')).toEqual({ kind: 'join', channelId: 3 });
    expect(keyAction(rows, `u:${'a'.repeat(32)}`, 'Enter')).toEqual({ kind: 'none' });
  });
});
